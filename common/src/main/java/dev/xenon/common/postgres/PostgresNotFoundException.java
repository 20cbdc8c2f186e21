package dev.xenon.common.postgres;

/** No usable PostgreSQL server installation; the message says what was searched and what to do. */
public class PostgresNotFoundException extends RuntimeException {
    public PostgresNotFoundException(String message) {
        super(message);
    }
}
