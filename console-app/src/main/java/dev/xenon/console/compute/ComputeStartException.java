package dev.xenon.console.compute;

/**
 * A compute could not be started. The message says which step failed and why; when Postgres had
 * been started, {@link #logTail()} holds the end of its log. Whatever the failed start had set up
 * has been undone.
 */
public class ComputeStartException extends RuntimeException {

    private final String endpointId;
    private final String logTail;

    public ComputeStartException(String endpointId, String message, Throwable cause) {
        this(endpointId, message, "", cause);
    }

    public ComputeStartException(String endpointId, String message, String logTail, Throwable cause) {
        super(
                "cannot start the compute of " + endpointId + ": " + message
                        + (logTail.isBlank() ? "" : "\n--- end of postgres.log ---\n" + logTail),
                cause);
        this.endpointId = endpointId;
        this.logTail = logTail;
    }

    public String endpointId() {
        return endpointId;
    }

    /** The last lines of the compute's Postgres log, or empty when Postgres had not been started. */
    public String logTail() {
        return logTail;
    }
}
