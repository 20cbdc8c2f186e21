package dev.xenon.common.pgwire;

/**
 * The server sent a message this client cannot parse or did not expect at this point of the
 * protocol. The connection is closed when this is thrown, since its state is unknown.
 */
public class PgProtocolException extends PgWireException {

    public PgProtocolException(String message) {
        super(message);
    }
}
