package dev.xenon.common.postgres;

/** A Postgres process or tool failed to start or finish; the message carries its output. */
public class PostgresStartException extends RuntimeException {
    public PostgresStartException(String message) {
        super(message);
    }
}
