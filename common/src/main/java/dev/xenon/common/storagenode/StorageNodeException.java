package dev.xenon.common.storagenode;

import dev.xenon.common.walnode.ApiError;

/** A storage node answered with an error: its HTTP status and {@link ApiError} body. */
public class StorageNodeException extends RuntimeException {
    private final int status;
    private final ApiError error;

    public StorageNodeException(String node, int status, ApiError error) {
        super("storage node " + node + " answered " + status + " " + error.code() + ": " + error.message());
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
