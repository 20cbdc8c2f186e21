package dev.xenon.console.compute;

/**
 * A compute was stopped, but not every step of a clean stop succeeded: typically the storage node
 * did not ingest the committed WAL in time, so a following start may have to wait for it. Postgres
 * no longer runs when this is thrown.
 */
public class ComputeStopException extends RuntimeException {

    private final String endpointId;

    public ComputeStopException(String endpointId, String message, Throwable cause) {
        super("the compute of " + endpointId + " stopped, but " + message, cause);
        this.endpointId = endpointId;
    }

    public String endpointId() {
        return endpointId;
    }
}
