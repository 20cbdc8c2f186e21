package dev.xenon.common.postgres;

import java.util.Set;

/**
 * What every compute of the platform shares, whoever runs it (the local driver, the Kubernetes
 * operator) and whoever checks users' input against it (the control plane).
 */
public final class ComputeConventions {

    /**
     * The superuser of every timeline: the storage node bootstraps a timeline with it ({@code initdb
     * -U}); the control plane connects as it (trusted on the compute's socket/loopback only).
     */
    public static final String ADMIN_ROLE = "cloud_admin";

    /** The role WAL nodes and the storage node connect as (physical replication). */
    public static final String REPLICATION_ROLE = "xenon_replicator";

    /** Roles users may not create, change or drop: the platform's own and Postgres' special names. */
    public static final Set<String> RESERVED_ROLES =
            Set.of(ADMIN_ROLE, REPLICATION_ROLE, "replication", "postgres", "public", "none");

    /** Settings the platform decides; an endpoint's own settings may not change them. */
    public static final Set<String> MANAGED_SETTINGS = Set.of(
            "listen_addresses",
            "port",
            "unix_socket_directories",
            "unix_socket_permissions",
            "unix_socket_group",
            "hba_file",
            "ident_file",
            "data_directory",
            "config_file",
            "synchronous_standby_names",
            "wal_level",
            "max_wal_senders",
            "max_replication_slots",
            "password_encryption",
            "archive_mode",
            "restore_command",
            "recovery_target_lsn");

    private ComputeConventions() {}
}
