package dev.xenon.common.pgwire;

/**
 * The client refused to go on with authentication: the server asked for a method this client does
 * not implement, asked for a password none was configured for, or failed to prove during SCRAM that
 * it knows the password. A password the server rejects is a {@link PgServerException} with SQLSTATE
 * {@code 28P01} instead.
 */
public class PgAuthenticationException extends PgWireException {

    public PgAuthenticationException(String message) {
        super(message);
    }
}
