package dev.xenon.walnode.timeline;

import dev.xenon.web.ApiException;

/** WAL requested outside what the node holds. HTTP 416. */
public class WalRangeException extends ApiException {
    public WalRangeException(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 416;
    }

    @Override
    public String code() {
        return "WAL_NOT_AVAILABLE";
    }
}
