package dev.xenon.walnode.timeline;

import dev.xenon.web.ApiException;

/** Peer recovery could not bring the node's WAL to the elected start LSN. HTTP 409. */
public class RecoveryException extends ApiException {
    public RecoveryException(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String code() {
        return "RECOVERY_FAILED";
    }
}
