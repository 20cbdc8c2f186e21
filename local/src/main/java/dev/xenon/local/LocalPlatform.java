package dev.xenon.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.walnode.WalNodeApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.Banner;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./xenon up}: the platform on one machine, as far as it is built — three WAL nodes (in this
 * JVM, each its own Spring context and port) and one compute (a local Postgres process) whose
 * commits they acknowledge as a quorum. A second start reuses the data directory: the compute
 * restarts and a new term is elected.
 *
 * <p>Layout of the data directory: {@code wal-N/} (WAL node data), {@code compute/pgdata},
 * {@code compute/password} (0600), {@code compute/postgres.log}, {@code timeline-id}.
 */
public final class LocalPlatform {

    private final Path dataDir;
    private final int pgPort;
    private final int walBasePort;
    private final List<ConfigurableApplicationContext> walNodes = new ArrayList<>();
    private PostgresProcess compute;

    LocalPlatform(Path dataDir, int pgPort, int walBasePort) {
        this.dataDir = dataDir;
        this.pgPort = pgPort;
        this.walBasePort = walBasePort;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path dataDir = Path.of(
                opts.getOrDefault("data-dir", env("XENON_DATA_DIR", System.getProperty("user.home") + "/.xenon")));
        int pgPort = Integer.parseInt(opts.getOrDefault("pg-port", env("XENON_PG_PORT", "55433")));
        int walPort = Integer.parseInt(opts.getOrDefault("wal-port", env("XENON_WAL_PORT", "7676")));
        LocalPlatform platform = new LocalPlatform(dataDir.toAbsolutePath(), pgPort, walPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.stop();
            stopped.countDown();
        }));
        try {
            platform.start();
        } catch (RuntimeException e) {
            System.err.println("xenon: " + e.getMessage());
            System.exit(1);
        }
        stopped.await();
    }

    void start() throws IOException, SQLException {
        Files.createDirectories(dataDir);
        progress("data directory %s", dataDir);
        PostgresInstallation pg = PostgresInstallation.fromEnvironment(null);
        PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
        progress("PostgreSQL %d at %s (runs as %s)", pg.majorVersion(), pg.binDir(), osUser);

        List<WalNodeClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "wal-" + i;
            int port = walBasePort + i;
            progress("starting WAL node %s on port %d (%d/3)", name, port, i + 1);
            walNodes.add(WalNodeApplication.builder()
                    .bannerMode(Banner.Mode.OFF)
                    .logStartupInfo(false)
                    // Arguments, not default properties: those rank below wal-node.yaml.
                    .run(
                            "--server.port=" + port,
                            "--server.address=127.0.0.1",
                            "--xenon.wal-node.name=" + name,
                            "--xenon.wal-node.data-dir=" + dataDir.resolve(name),
                            "--spring.application.name=" + name,
                            "--logging.level.root=WARN",
                            "--logging.level.dev.xenon=INFO"));
            clients.add(new WalNodeClient("http://127.0.0.1:" + port));
        }

        Path computeDir = dataDir.resolve("compute");
        osUser.prepareDirectory(computeDir);
        Path pgdata = computeDir.resolve("pgdata");
        Path passwordFile = computeDir.resolve("password");
        boolean fresh = !Files.exists(pgdata.resolve("PG_VERSION"));
        if (fresh) {
            progress("initdb of the compute (first start)");
            Files.writeString(passwordFile, generatePassword(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            PostgresProcess.initdb(
                    pg, osUser, pgdata, "xenon", Files.readString(passwordFile).strip(), false);
        }
        String password = Files.readString(passwordFile).strip();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", computeDir.toString());
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.put("synchronous_commit", "on");
        settings.put("synchronous_standby_names", "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")");
        compute = new PostgresProcess(pg, osUser, pgdata, computeDir.resolve("postgres.log"), pgPort, settings);
        progress("starting the compute on port %d", pgPort);
        compute.start(Duration.ofSeconds(60));

        Path timelineFile = dataDir.resolve("timeline-id");
        if (!Files.exists(timelineFile)) {
            Files.writeString(timelineFile, TimelineId.generate().toString());
        }
        TimelineId timeline = TimelineId.parse(Files.readString(timelineFile).strip());
        Election election = new Election(clients);
        Election.Result result = election.elect(timeline, Term.of(1));
        if (result.isEmpty()) {
            Lsn current = currentWalLsn(pgdata, pg, osUser);
            result = result.startingAt(current.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE));
        }
        progress("term %s elected on timeline %s, WAL from %s", result.term(), timeline, result.startLsn());
        election.follow(timeline, result, new ComputeConnection("127.0.0.1", pgPort, "xenon", password));
        System.out.printf(
                "Xenon is ready: postgres://xenon@127.0.0.1:%d/postgres (password in %s); commits are acknowledged by 2 of 3 WAL nodes at http://127.0.0.1:%d-%d. Ctrl-C stops.%n",
                pgPort, passwordFile, walBasePort, walBasePort + 2);
    }

    void stop() {
        if (compute != null) {
            progress("stopping the compute");
            compute.stop(Duration.ofSeconds(30));
        }
        for (ConfigurableApplicationContext node : walNodes.reversed()) {
            node.close();
        }
        progress("stopped");
    }

    /** The compute's WAL insert position, asked with psql over the local socket. */
    private Lsn currentWalLsn(Path pgdata, PostgresInstallation pg, PostgresOsUser osUser) {
        String out = PostgresProcess.runToCompletion(
                osUser.command(List.of(
                        pg.tool("psql").toString(),
                        "-h",
                        pgdata.getParent().toString(),
                        "-p",
                        Integer.toString(pgPort),
                        "-U",
                        "xenon",
                        "-d",
                        "postgres",
                        "-Atc",
                        "SELECT pg_current_wal_insert_lsn()")),
                Duration.ofSeconds(30),
                "psql");
        return Lsn.parse(out.strip());
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            opts.put(key, value);
        }
        return opts;
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }

    private static void progress(String format, Object... args) {
        System.out.printf("[xenon] " + format + "%n", args);
    }
}
