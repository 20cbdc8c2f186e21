package dev.xenon.console.system;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the control plane itself ({@code xenon.console.*} in {@code console-app.yaml}).
 *
 * @param bootstrapApiKey an API key seeded at startup for {@link #bootstrapUserEmail} (idempotent);
 *     empty: none, unless {@link #apiKeyFile} asks for a generated one
 * @param bootstrapUserEmail the admin user seeded at startup
 * @param apiKeyFile where the seeded key is written ({@code 0600}); when set and no key is given, a
 *     key is generated on the first start and read back from this file on later starts
 * @param defaultDatabaseName the database a new project gets ({@code <name>_owner} owns it)
 * @param defaultBranchName the name of a new project's default branch
 * @param regionId the {@code region_id} every project reports
 * @param defaultPgVersion the Postgres major version of a project that names none (null: the storage
 *     node's default, reported as 16 until the timeline tells otherwise)
 * @param defaultSuspendTimeoutSeconds what {@code suspend_timeout_seconds = 0} means
 * @param historyRetentionSeconds the {@code history_retention_seconds} of new projects
 * @param secretKey AES key (base64, 16/24/32 bytes) encrypting stored passwords; empty: a key is
 *     generated into {@code <xenon.data-dir>/console-secret.key}
 * @param computeHost the host clients reach computes at while there is no proxy
 * @param proxyHost when set, endpoints are reached at {@code <endpoint id>.<proxyHost>:<proxyPort>}
 * @param proxyPort the proxy's port
 * @param proxyRouting how clients name their endpoint to the proxy: {@code sni} (host names
 *     {@code <endpoint id>.<proxyHost>}, needs TLS and wildcard DNS) or {@code options} (connection
 *     URIs name the proxy host and carry {@code options=endpoint%3D<endpoint id>}: plain TCP, an
 *     IP address or {@code localhost}, the local platform)
 * @param operationPollInterval how often the operation worker looks for work
 * @param operationMaxAttempts attempts of an operation before it ends in {@code error}
 * @param operationRetryDelay delay before the first retry; doubles with each failure
 * @param operationMaxRetryDelay upper bound of the retry delay
 * @param suspendPollInterval how often client connections of active endpoints are counted
 * @param ingestWaitTimeout how long a branch point (a head, an LSN, a timestamp) waits for the storage
 *     node to ingest what the WAL nodes committed
 * @param rateLimitCapacity requests an API key may burst
 * @param rateLimitPerSecond requests per second an API key is refilled with
 * @param internalToken the shared secret of {@code /internal/**} (the proxy's wake and activity
 *     calls), sent as {@code Authorization: Bearer <token>}; empty: the internal API answers 401
 * @param wakeTimeout how long a wake call waits for the endpoint's compute to start
 */
@ConfigurationProperties("xenon.console")
public record ConsoleProperties(
        String bootstrapApiKey,
        @DefaultValue("admin@xenon.local") String bootstrapUserEmail,
        Path apiKeyFile,
        @DefaultValue("neondb") String defaultDatabaseName,
        @DefaultValue("main") String defaultBranchName,
        @DefaultValue("local") String regionId,
        Integer defaultPgVersion,
        @DefaultValue("300") int defaultSuspendTimeoutSeconds,
        @DefaultValue("604800") int historyRetentionSeconds,
        String secretKey,
        @DefaultValue("127.0.0.1") String computeHost,
        String proxyHost,
        @DefaultValue("5432") int proxyPort,
        @DefaultValue("sni") String proxyRouting,
        @DefaultValue("200ms") Duration operationPollInterval,
        @DefaultValue("5") int operationMaxAttempts,
        @DefaultValue("1s") Duration operationRetryDelay,
        @DefaultValue("30s") Duration operationMaxRetryDelay,
        @DefaultValue("10s") Duration suspendPollInterval,
        @DefaultValue("30s") Duration ingestWaitTimeout,
        @DefaultValue("100") int rateLimitCapacity,
        @DefaultValue("20") double rateLimitPerSecond,
        String internalToken,
        @DefaultValue("120s") Duration wakeTimeout) {

    /** The timeout an endpoint's {@code suspend_timeout_seconds} stands for; negative: never. */
    public int effectiveSuspendTimeout(int suspendTimeoutSeconds) {
        return suspendTimeoutSeconds == 0 ? defaultSuspendTimeoutSeconds : suspendTimeoutSeconds;
    }
}
