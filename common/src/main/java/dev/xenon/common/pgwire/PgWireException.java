package dev.xenon.common.pgwire;

import java.io.IOException;

/**
 * Base of the failures this package reports besides plain network errors. It is an {@link
 * IOException} so that a reconnect loop can treat every failure of a connection alike.
 */
public abstract class PgWireException extends IOException {

    protected PgWireException(String message) {
        super(message);
    }

    protected PgWireException(String message, Throwable cause) {
        super(message, cause);
    }
}
