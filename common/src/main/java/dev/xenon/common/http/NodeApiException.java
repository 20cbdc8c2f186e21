package dev.xenon.common.http;

import dev.xenon.common.walnode.ApiError;

/** A Xenon node answered with an error: its HTTP status and {@link ApiError} body. */
public class NodeApiException extends RuntimeException {
    private final int status;
    private final ApiError error;

    public NodeApiException(String what, String node, int status, ApiError error) {
        super(what + " " + node + " answered " + status + " " + error.code() + ": " + error.message());
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public ApiError error() {
        return error;
    }
}
