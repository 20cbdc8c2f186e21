package dev.xenon.proxy.wire;

/**
 * A connection the proxy refuses or cannot serve: answered with a Postgres {@code ErrorResponse}
 * ({@code FATAL}, {@link #sqlState()}, the message) before the socket is closed.
 */
public class ProxyException extends Exception {

    /** 08P01 protocol_violation: a malformed or oversized startup packet or message. */
    public static final String PROTOCOL_VIOLATION = "08P01";
    /** 0A000 feature_not_supported: a frontend protocol other than 3.x (as Postgres answers). */
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    /** 08004 sqlserver_rejected_establishment_of_sqlconnection: no endpoint given, endpoint disabled. */
    public static final String REJECTED = "08004";
    /** 3D000 invalid_catalog_name: an unknown endpoint (as Postgres answers an unknown database). */
    public static final String UNKNOWN_ENDPOINT = "3D000";
    /** 57P03 cannot_connect_now: the compute did not wake or cannot be reached (clients may retry). */
    public static final String CANNOT_CONNECT_NOW = "57P03";
    /** 53300 too_many_connections: the endpoint's connection limit. */
    public static final String TOO_MANY_CONNECTIONS = "53300";
    /** 08006 connection_failure: the handshake timed out. */
    public static final String CONNECTION_FAILURE = "08006";
    /** 28000 invalid_authorization_specification: plain text where only TLS is accepted. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** 28P01 invalid_password: the password exchange failed. */
    public static final String INVALID_PASSWORD = "28P01";

    private final String sqlState;

    public ProxyException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public ProxyException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
