package dev.xenon.operator.reconciler;

import dev.xenon.common.postgres.ComputeConventions;
import dev.xenon.operator.customresource.ComputeSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration files of a compute's Postgres, kept in the compute's ConfigMap and mounted at
 * {@value #CONFIG_DIR}: {@code postgresql.conf} (Postgres starts with {@code config_file} pointing
 * at it) and {@code pg_hba.conf}. They mirror what console-app's local driver passes
 * ({@code ComputeConfiguration}), with the differences a pod needs: Postgres listens on every
 * address of the pod (the service forwards to it) and users and the replication role authenticate
 * with SCRAM from anywhere; {@code cloud_admin} is trusted only over the pod's private Unix socket.
 * Pure functions.
 */
public final class PostgresConfig {

    public static final String CONFIG_DIR = "/etc/xenon";
    public static final String SOCKET_DIR = "/var/run/postgresql";
    public static final String ADMIN_ROLE = ComputeConventions.ADMIN_ROLE;
    public static final String REPLICATION_ROLE = ComputeConventions.REPLICATION_ROLE;

    /** Settings the platform decides; an endpoint's own settings may not change them. */
    static final Set<String> MANAGED_SETTINGS = ComputeConventions.MANAGED_SETTINGS;

    static final String PG_HBA = """
            # Written by Xenon's operator: edits are lost.
            # TYPE  DATABASE     USER              ADDRESS        METHOD
            local   all          %1$s                     trust
            local   replication  %1$s                     trust
            host    replication  %2$s  all            scram-sha-256
            host    all          %2$s  all            reject
            host    all          all               all            scram-sha-256
            """.formatted(ADMIN_ROLE, REPLICATION_ROLE);

    private PostgresConfig() {}

    /**
     * The server settings, in order: defaults, the endpoint's own, then the platform's.
     *
     * @throws IllegalArgumentException when the endpoint's settings touch a managed one, or there
     *     is no WAL node
     */
    public static Map<String, String> settings(String name, ComputeSpec spec) {
        List<String> walNodes =
                spec.getWalNodes().stream().map(ComputeSpec.WalNode::getName).toList();
        if (walNodes.isEmpty()) {
            throw new IllegalArgumentException("spec.walNodes is empty: at least one WAL node is needed");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("shared_buffers", sharedBuffersMiB(spec.getComputeUnits()) + "MB");
        settings.put("max_connections", "100");
        settings.put("synchronous_commit", "on");
        settings.put("fsync", "on");
        settings.put("logging_collector", "off");
        for (Map.Entry<String, String> e : spec.getSettings().entrySet()) {
            String key = e.getKey().strip().toLowerCase(Locale.ROOT);
            if (MANAGED_SETTINGS.contains(key)) {
                throw new IllegalArgumentException("setting '" + e.getKey() + "' is managed by the platform");
            }
            settings.put(key, e.getValue());
        }
        settings.put("cluster_name", name);
        settings.put("listen_addresses", "*");
        settings.put("port", Integer.toString(ComputeNames.POSTGRES_PORT));
        settings.put("unix_socket_directories", SOCKET_DIR);
        settings.put("unix_socket_permissions", "0700");
        settings.put("hba_file", CONFIG_DIR + "/pg_hba.conf");
        settings.put("password_encryption", "scram-sha-256");
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", Integer.toString(walNodes.size() + 7));
        settings.put("max_replication_slots", Integer.toString(walNodes.size() + 7));
        settings.put("synchronous_standby_names", synchronousStandbyNames(walNodes));
        return settings;
    }

    /** Quorum commit: {@code ANY <majority> ("wal-0", "wal-1", ...)}. */
    static String synchronousStandbyNames(List<String> walNodes) {
        int majority = walNodes.size() / 2 + 1;
        return walNodes.stream()
                .map(n -> '"' + n.replace("\"", "") + '"')
                .collect(Collectors.joining(", ", "ANY " + majority + " (", ")"));
    }

    /** An eighth of the container's memory, at least 128 MB. */
    static long sharedBuffersMiB(double computeUnits) {
        return Math.max(128, ComputeResources.memoryMiB(computeUnits) / 8);
    }

    /** {@code postgresql.conf}: one {@code key = 'value'} line per setting. */
    public static String postgresqlConf(Map<String, String> settings) {
        StringBuilder conf = new StringBuilder("# Written by Xenon's operator: edits are lost.\n");
        settings.forEach((key, value) ->
                conf.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
        return conf.toString();
    }
}
