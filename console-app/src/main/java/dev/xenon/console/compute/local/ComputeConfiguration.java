package dev.xenon.console.compute.local;

import dev.xenon.common.postgres.ComputeConventions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a local compute runs with: its server settings (passed as {@code -c key=value}) and its
 * {@code pg_hba.conf}. Pure functions, no I/O.
 *
 * <p>Roles: {@value #ADMIN_ROLE} is the superuser of every timeline (the storage node bootstraps
 * with it); it is trusted over the compute's private Unix socket (a {@code 0700} directory of the
 * Postgres OS user) and authenticates with SCRAM over TCP, with the endpoint's admin password.
 * {@value #REPLICATION_ROLE} is the role WAL nodes and the storage node connect as (physical
 * replication, {@code BASE_BACKUP}); it may not log in to databases. Every other role
 * authenticates with SCRAM over TCP on the loopback interface.
 */
final class ComputeConfiguration {

    static final String ADMIN_ROLE = ComputeConventions.ADMIN_ROLE;
    static final String REPLICATION_ROLE = ComputeConventions.REPLICATION_ROLE;
    static final String LISTEN_ADDRESS = "127.0.0.1";

    /** Settings the platform decides; an endpoint's own settings may not change them. */
    static final Set<String> MANAGED_SETTINGS = ComputeConventions.MANAGED_SETTINGS;

    static final String PG_HBA = """
            # Written by Xenon's local compute driver at every start: edits are lost.
            # TYPE  DATABASE     USER              ADDRESS        METHOD
            local   all          %1$s                     trust
            local   replication  %1$s                     trust
            host    replication  %2$s  127.0.0.1/32   scram-sha-256
            host    all          %2$s  all            reject
            host    all          all               127.0.0.1/32   scram-sha-256
            host    all          all               ::1/128        scram-sha-256
            """.formatted(ADMIN_ROLE, REPLICATION_ROLE);

    private ComputeConfiguration() {}

    /**
     * Rejects endpoint settings that touch a {@link #MANAGED_SETTINGS managed} one.
     *
     * @throws IllegalArgumentException naming the first such setting
     */
    static void checkEndpointSettings(Map<String, String> endpointSettings) {
        for (String key : endpointSettings.keySet()) {
            if (MANAGED_SETTINGS.contains(normalize(key))) {
                throw new IllegalArgumentException("setting '" + key + "' is managed by the platform");
            }
        }
    }

    private static String normalize(String key) {
        return key.strip().toLowerCase(Locale.ROOT);
    }

    /** The application names of {@code count} WAL nodes: {@code wal-0}, {@code wal-1}, ... */
    static List<String> walNodeNames(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one WAL node is needed, not " + count);
        }
        return IntStream.range(0, count).mapToObj(i -> "wal-" + i).toList();
    }

    /** Quorum commit over the WAL nodes: {@code ANY <majority> ("wal-0", "wal-1", ...)}. */
    static String synchronousStandbyNames(int walNodeCount) {
        int majority = walNodeCount / 2 + 1;
        return walNodeNames(walNodeCount).stream()
                .map(n -> '"' + n + '"')
                .collect(Collectors.joining(", ", "ANY " + majority + " (", ")"));
    }

    /**
     * The server settings of a compute: the endpoint's own settings, then the platform's.
     *
     * @throws IllegalArgumentException when the endpoint's settings touch a {@link
     *     #MANAGED_SETTINGS managed} one
     */
    static Map<String, String> settings(
            String endpointId, Path socketDir, Path hbaFile, int walNodeCount, Map<String, String> endpointSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("shared_buffers", "128MB");
        settings.put("max_connections", "100");
        settings.put("synchronous_commit", "on");
        settings.put("fsync", "on");
        settings.put("logging_collector", "off");
        checkEndpointSettings(endpointSettings);
        endpointSettings.forEach((key, value) -> settings.put(normalize(key), value));
        settings.put("cluster_name", endpointId);
        settings.put("listen_addresses", LISTEN_ADDRESS);
        settings.put("unix_socket_directories", socketDir.toString());
        settings.put("unix_socket_permissions", "0700");
        settings.put("hba_file", hbaFile.toString());
        settings.put("password_encryption", "scram-sha-256");
        settings.put("wal_level", "replica");
        // one sender and slot per WAL node, plus BASE_BACKUP of the storage node and spares
        settings.put("max_wal_senders", Integer.toString(walNodeCount + 7));
        settings.put("max_replication_slots", Integer.toString(walNodeCount + 7));
        settings.put("synchronous_standby_names", synchronousStandbyNames(walNodeCount));
        return settings;
    }
}
