package dev.xenon.common.walnode;

/** A WAL node answered with an error. */
public class WalNodeException extends RuntimeException {
    private final int status;
    private final ApiError error;

    public WalNodeException(String node, int status, ApiError error) {
        super("WAL node " + node + " answered " + status + " " + error.code() + ": " + error.message());
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
