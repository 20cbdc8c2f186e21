package dev.xenon.common.pgwire;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link PgReplicationConnection#connect} connects. Immutable; {@link #toString()}
 * hides the password.
 *
 * @param host host name or IP address of the Postgres server
 * @param port its TCP port
 * @param user the role to log in as; it needs the {@code REPLICATION} attribute
 * @param password the role's password, or null when the server is expected not to ask for one
 * @param applicationName sent as {@code application_name}; this is the name {@code
 *     synchronous_standby_names} refers to
 * @param connectTimeout how long to wait for the TCP connection
 * @param readTimeout how long to wait for each answer during startup, authentication and commands
 * @param streamReadTimeout how long {@link ReplicationStream#read()} waits for a message, or {@link
 *     Duration#ZERO} to wait forever; when it passes, the connection is closed and read() throws a
 *     {@link java.net.SocketTimeoutException}. Also the read timeout of {@link
 *     PgReplicationConnection#baseBackup}
 */
public record ConnectOptions(
        String host,
        int port,
        String user,
        String password,
        String applicationName,
        Duration connectTimeout,
        Duration readTimeout,
        Duration streamReadTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    public ConnectOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(applicationName, "applicationName");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535]: " + port);
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        connectTimeout = checkTimeout(connectTimeout, "connectTimeout");
        readTimeout = checkTimeout(readTimeout, "readTimeout");
        streamReadTimeout = checkTimeout(streamReadTimeout, "streamReadTimeout");
    }

    /**
     * Options with {@code application_name} {@code xenon}, a 10 s connect timeout, a 30 s read
     * timeout and a stream that waits forever.
     */
    public static ConnectOptions of(String host, int port, String user, String password) {
        return new ConnectOptions(
                host, port, user, password, "xenon", DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, Duration.ZERO);
    }

    public ConnectOptions withApplicationName(String applicationName) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    public ConnectOptions withPassword(String password) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    public ConnectOptions withUser(String user) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    public ConnectOptions withConnectTimeout(Duration connectTimeout) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    public ConnectOptions withReadTimeout(Duration readTimeout) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    public ConnectOptions withStreamReadTimeout(Duration streamReadTimeout) {
        return new ConnectOptions(
                host, port, user, password, applicationName, connectTimeout, readTimeout, streamReadTimeout);
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "ConnectOptions[" + user + "@" + address() + ", application_name=" + applicationName + ", password="
                + (password == null ? "none" : "***") + ", connectTimeout=" + connectTimeout + ", readTimeout="
                + readTimeout + ", streamReadTimeout=" + streamReadTimeout + "]";
    }

    private static Duration checkTimeout(Duration timeout, String name) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    name + " must be between 0 and " + Integer.MAX_VALUE + " ms: " + timeout);
        }
        return timeout;
    }
}
