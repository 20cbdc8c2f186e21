package dev.xenon.testsupport;

import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

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
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DEFAULT_SUPERUSER = "xenon";
    public static final String DEFAULT_PASSWORD = "xenon-test-password";

    private final Path baseDir;
    private final String superuser;
    private final String password;
    private final PostgresProcess process;

    private PostgresServer(Path baseDir, String superuser, String password, PostgresProcess process) {
        this.baseDir = baseDir;
        this.superuser = superuser;
        this.password = password;
        this.process = process;
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

    public void start() {
        process.start(Duration.ofSeconds(60));
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

    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String name = "pg";
        private String superuser = DEFAULT_SUPERUSER;
        private String password = DEFAULT_PASSWORD;
        private Integer majorVersion;
        private boolean start = true;

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

        /** Only initdb; the caller starts the server. */
        public Builder initOnly() {
            this.start = false;
            return this;
        }

        public PostgresServer start() {
            PostgresInstallation installation = PostgresInstallation.fromEnvironment(majorVersion);
            PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
            Path base = TestDirectories.create(name);
            osUser.prepareDirectory(base);
            Path dataDir = base.resolve("data");
            PostgresProcess.initdb(installation, osUser, dataDir, superuser, password, true);
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.putIfAbsent("unix_socket_directories", base.toString());
            PostgresProcess process = new PostgresProcess(
                    installation, osUser, dataDir, base.resolve("postgres.log"), FreePorts.next(), all);
            PostgresServer server = new PostgresServer(base, superuser, password, process);
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
    }
}
