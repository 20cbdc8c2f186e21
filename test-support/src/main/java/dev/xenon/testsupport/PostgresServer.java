package dev.xenon.testsupport;

import dev.xenon.common.postgres.DataDirectoryExtractor;
import dev.xenon.common.postgres.ExternalCommand;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.postgres.PostgresStartException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * A real Postgres server for tests: {@code initdb} into a fresh temporary directory, a free port on
 * 127.0.0.1, start, stop, {@code kill -9}, restart, and its log. A superuser authenticates with
 * SCRAM over TCP. Works when tests run as root (see {@link PostgresOsUser}).
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.builder().setting("wal_level", "replica").start()) {
 *     try (Connection c = pg.connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Instead of {@code initdb} it can start from a base backup ({@link Builder#restoreFrom(Path,
 * DataDirectoryExtractor.BeforeHandOver)}): the archive becomes the data directory, with this
 * fixture's {@code pg_hba.conf}, and after the start its superuser is created or given the
 * fixture's password.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DEFAULT_SUPERUSER = "xenon";
    public static final String DEFAULT_PASSWORD = "xenon-test-password";

    /** The role a restored backup is expected to have when it lacks the fixture's superuser. */
    public static final String DEFAULT_RESTORE_SUPERUSER = "cloud_admin";

    /** Written over a restored backup's {@code pg_hba.conf}. */
    static final String RESTORED_PG_HBA = """
            # written by the Xenon test fixture over the base backup's own
            local all all trust
            local replication all trust
            host all all 127.0.0.1/32 scram-sha-256
            host replication all 127.0.0.1/32 scram-sha-256
            """;

    private final Path baseDir;
    private final String superuser;
    private final String password;
    private final PostgresProcess process;
    /** Roles to log in as over the local socket to set up the superuser of a restored backup; empty once done. */
    private List<String> restoreRoles;

    private PostgresServer(
            Path baseDir, String superuser, String password, PostgresProcess process, List<String> restoreRoles) {
        this.baseDir = baseDir;
        this.superuser = superuser;
        this.password = password;
        this.process = process;
        this.restoreRoles = restoreRoles;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return process.port();
    }

    public Path dataDir() {
        return process.dataDir();
    }

    /** The directory holding the data directory, the log and the Unix socket. */
    public Path baseDir() {
        return baseDir;
    }

    public String superuser() {
        return superuser;
    }

    public String password() {
        return password;
    }

    public PostgresInstallation installation() {
        return process.installation();
    }

    public PostgresOsUser osUser() {
        return process.osUser();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A new connection to database {@code postgres} as the superuser. */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", superuser);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /**
     * Starts the server and waits until it accepts connections. The first start of a restored backup
     * also sets up the fixture's superuser.
     */
    public void start() {
        process.start(Duration.ofSeconds(60));
        if (!restoreRoles.isEmpty()) {
            setUpRestoredSuperuser();
            restoreRoles = List.of();
        }
    }

    public void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    /** {@code kill -9} of the postmaster. */
    public void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    public String log() {
        return process.log();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        process.kill();
        TestDirectories.deleteRecursively(baseDir);
    }

    @Override
    public String toString() {
        return "Postgres " + installation().majorVersion() + " on " + host() + ":" + port() + " (" + dataDir() + ")";
    }

    /**
     * Over the local socket ({@code trust}), as the first of {@link #restoreRoles} that exists in the
     * backup, creates the fixture's superuser or sets its password, with {@code
     * synchronous_commit=local}.
     */
    private void setUpRestoredSuperuser() {
        String role = quoteIdentifier(superuser);
        String sql = "DO $xenon$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = " + quoteLiteral(superuser)
                + ") THEN ALTER ROLE " + role + " WITH SUPERUSER LOGIN REPLICATION PASSWORD " + quoteLiteral(password)
                + "; ELSE CREATE ROLE " + role + " WITH SUPERUSER LOGIN REPLICATION PASSWORD "
                + quoteLiteral(password) + "; END IF; END $xenon$";
        StringBuilder tried = new StringBuilder();
        for (String loginRole : restoreRoles) {
            List<String> command = osUser().command(List.of(
                    installation().tool("psql").toString(),
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    baseDir.toString(),
                    "-p",
                    Integer.toString(port()),
                    "-U",
                    loginRole,
                    "-d",
                    "postgres",
                    "-c",
                    sql));
            ExternalCommand.Result result;
            try {
                // Committed locally only: with quorum commit configured, a wait for WAL receivers that
                // log in as this very role would never end.
                result = ExternalCommand.run(
                        command, Map.of("PGOPTIONS", "-c synchronous_commit=local"), Duration.ofSeconds(60));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run psql of " + installation(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresStartException("interrupted while setting up the superuser of " + this);
            }
            if (result.succeeded()) {
                return;
            }
            String output = result.output().replace(password, "***");
            if (!output.contains("role \"" + loginRole + "\" does not exist")) {
                throw new PostgresStartException(
                        "cannot set up superuser " + superuser + " of the restored " + this + ":\n" + output);
            }
            tried.append("\n").append(output.strip());
        }
        throw new PostgresStartException("the restored " + this + " has none of the roles " + restoreRoles
                + " to log in as and set up superuser " + superuser + "; pass the backup's superuser to"
                + " Builder.restoreSuperuser:" + tried);
    }

    private static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    public static final class Builder {
        private int port;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String name = "pg";
        private String superuser = DEFAULT_SUPERUSER;
        private String password = DEFAULT_PASSWORD;
        private Integer majorVersion;
        private boolean start = true;
        private Path restoreArchive;
        private DataDirectoryExtractor.BeforeHandOver beforeStart;
        private String restoreSuperuser = DEFAULT_RESTORE_SUPERUSER;

        private Builder() {
            settings.put("listen_addresses", "127.0.0.1");
            settings.put("fsync", "on");
            settings.put("shared_buffers", "32MB");
            settings.put("max_connections", "50");
        }

        /** A name for directories and messages. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A server setting, passed as {@code -c key=value}. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder superuser(String superuser, String password) {
            this.superuser = superuser;
            this.password = password;
            return this;
        }

        /** Run this major version (default: the newest supported one installed). */
        public Builder majorVersion(int major) {
            this.majorVersion = major;
            return this;
        }

        /** Only initdb (or the restore); the caller starts the server. */
        public Builder initOnly() {
            this.start = false;
            return this;
        }

        /** As {@link #restoreFrom(Path, DataDirectoryExtractor.BeforeHandOver)} without an extra step. */
        public Builder restoreFrom(Path tarFile) {
            return restoreFrom(tarFile, dataDir -> {});
        }

        /**
         * Starts from a base backup instead of {@code initdb}: the tar archive {@code tarFile} (e.g. the
         * base archive of {@code BASE_BACKUP}, or {@code base.tar} of {@code pg_basebackup -Ft}) is
         * extracted into the data directory, {@code pg_hba.conf} is replaced by {@code trust} on the
         * local socket and {@code scram-sha-256} on 127.0.0.1 (normal and replication connections),
         * then {@code beforeStart} may add files (WAL segments into {@code pg_wal/}, a signal file),
         * and everything goes to the Postgres OS user. Settings given to this builder apply as with
         * {@code initdb}. On the first start, the fixture's superuser (see {@link #superuser}) is
         * created, or given the fixture's password if the backup has it, over the local socket with
         * {@code psql}: logged in as that role itself if it exists, else as {@link #restoreSuperuser}.
         */
        public Builder restoreFrom(Path tarFile, DataDirectoryExtractor.BeforeHandOver beforeStart) {
            this.restoreArchive = Objects.requireNonNull(tarFile, "tarFile");
            this.beforeStart = Objects.requireNonNull(beforeStart, "beforeStart");
            return this;
        }

        /**
         * A superuser the restored backup has, to log in as when it lacks the fixture's superuser
         * (default {@value #DEFAULT_RESTORE_SUPERUSER}, Neon's).
         */
        public Builder restoreSuperuser(String role) {
            this.restoreSuperuser = Objects.requireNonNull(role, "role");
            return this;
        }

        /** Listen on this port instead of a free one chosen at start (to hand it out before start). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public PostgresServer start() {
            PostgresInstallation installation = PostgresInstallation.fromEnvironment(majorVersion);
            PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
            Path base = TestDirectories.create(name);
            osUser.prepareDirectory(base);
            Path dataDir = base.resolve("data");
            Map<String, String> all = new LinkedHashMap<>(settings);
            List<String> restoreRoles = List.of();
            if (restoreArchive == null) {
                PostgresProcess.initdb(installation, osUser, dataDir, superuser, password, true);
            } else {
                restore(osUser, dataDir, base);
                all.putIfAbsent("hba_file", dataDir.resolve("pg_hba.conf").toString());
                Set<String> roles = new LinkedHashSet<>(List.of(superuser, restoreSuperuser));
                restoreRoles = List.copyOf(roles);
            }
            all.putIfAbsent("unix_socket_directories", base.toString());
            PostgresProcess process = new PostgresProcess(
                    installation,
                    osUser,
                    dataDir,
                    base.resolve("postgres.log"),
                    port > 0 ? port : FreePorts.next(),
                    all);
            PostgresServer server = new PostgresServer(base, superuser, password, process, restoreRoles);
            if (start) {
                try {
                    server.start();
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
            return server;
        }

        private void restore(PostgresOsUser osUser, Path dataDir, Path base) {
            try (InputStream tar = new BufferedInputStream(Files.newInputStream(restoreArchive), 1 << 16)) {
                new DataDirectoryExtractor(osUser).extract(tar, dataDir, dir -> {
                    Files.writeString(dir.resolve("pg_hba.conf"), RESTORED_PG_HBA, StandardCharsets.UTF_8);
                    beforeStart.prepare(dir);
                });
            } catch (IOException e) {
                TestDirectories.deleteRecursively(base);
                throw new UncheckedIOException("cannot restore " + restoreArchive + " into " + dataDir, e);
            }
        }
    }
}
