package dev.xenon.proxy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the proxy ({@code xenon.proxy.*} in {@code proxy.yaml}).
 *
 * @param port the Postgres port clients connect to (0: a free one, see {@code ProxyServer#port()})
 * @param listenAddress the address it listens on
 * @param consoleUrl the control plane (its internal API: wake, connections)
 * @param internalToken the control plane's {@code xenon.console.internal-token}
 * @param handshakeTimeout from accept to the compute's answer to the startup: an idle or slow
 *     client is answered with an error and closed
 * @param maxStartupPacket the largest startup packet (and password message) accepted, in bytes
 *     (Postgres: 10000)
 * @param wakeTimeout the total time a connection waits for its endpoint to wake, retries included
 * @param connectTimeout connecting to a compute
 * @param maxConnectionsPerEndpoint client connections per endpoint through this proxy
 * @param reportInterval how often connection counts are reported to the control plane
 * @param tlsKeystore a PKCS12 key store with the proxy's certificate and key (for {@code
 *     *.<domain>}); unset: no TLS, SSLRequest is answered {@code N}
 * @param tlsKeystorePassword its password
 * @param allowPlain whether connections without TLS are accepted (false: only TLS, {@code 28000})
 */
@ConfigurationProperties("xenon.proxy")
public record ProxyProperties(
        @DefaultValue("5432") int port,
        @DefaultValue("0.0.0.0") String listenAddress,
        @DefaultValue("http://127.0.0.1:8080") String consoleUrl,
        String internalToken,
        @DefaultValue("30s") Duration handshakeTimeout,
        @DefaultValue("10000") int maxStartupPacket,
        @DefaultValue("150s") Duration wakeTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("1000") int maxConnectionsPerEndpoint,
        @DefaultValue("10s") Duration reportInterval,
        String tlsKeystore,
        String tlsKeystorePassword,
        @DefaultValue("true") boolean allowPlain) {}
