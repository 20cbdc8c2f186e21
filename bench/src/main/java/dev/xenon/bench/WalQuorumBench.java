package dev.xenon.bench;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.testsupport.JvmProcess;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * pgbench tpcb-like with 4 clients against one compute in three configurations, in one run:
 * no synchronous standbys (baseline); quorum commit over 3 × {@code pg_receivewal --synchronous};
 * quorum commit over 3 × Xenon WAL node. Reports TPS, p99 latency and ratios as a Markdown table.
 *
 * <p>Arguments: {@code --seconds N} per configuration (default 30), {@code --scale N} (default 10),
 * {@code --clients N} (default 4), {@code --rounds N} (default 1; configurations alternate per
 * round and results are averaged, to spread drift of a shared machine), {@code --flush-modes
 * inline,thread} (WAL node variants, default {@code inline}), {@code --out FILE}.
 */
public final class WalQuorumBench {

    /**
     * Every configuration first runs this long unmeasured. A WAL node is a long-running JVM: in its
     * first ~20 s under load the JIT compiler threads take as much CPU as the receiver itself (JFR,
     * 2 cores), which on a CPU-bound machine is what a shorter warm-up measures.
     */
    private static final int WARM_UP_SECONDS = 20;

    private static final String SYNC_NAMES = "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")";

    record Result(String config, double tps, double p50Ms, double p99Ms, long transactions) {}

    private final int seconds;
    private final int scale;
    private final int clients;

    WalQuorumBench(int seconds, int scale, int clients) {
        this.seconds = seconds;
        this.scale = scale;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 30);
        int scale = intArg(args, "--scale", 10);
        int clients = intArg(args, "--clients", 4);
        int rounds = intArg(args, "--rounds", 1);
        String out = stringArg(args, "--out", "bench/results/wal-quorum.md");
        String flushModes = stringArg(args, "--flush-modes", "inline");
        WalQuorumBench bench = new WalQuorumBench(seconds, scale, clients);
        List<List<Result>> all = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            progress("round %d/%d", round, rounds);
            // Alternate the order per round so drift of a shared machine does not favour one.
            List<java.util.concurrent.Callable<Result>> configs = new ArrayList<>();
            configs.add(bench::baseline);
            configs.add(bench::pgReceivewal);
            for (String mode : flushModes.split(",")) {
                configs.add(() -> bench.walNodes(mode.strip()));
            }
            Result[] results = new Result[configs.size()];
            for (int k = 0; k < configs.size(); k++) {
                int i = round % 2 == 1 ? k : configs.size() - 1 - k;
                results[i] = configs.get(i).call();
            }
            all.add(List.of(results));
        }
        String table = table(all, seconds, scale, clients);
        System.out.println(table);
        Path file = Path.of(out);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, table, StandardCharsets.UTF_8);
        progress("written to %s", file);
        System.exit(0);
    }

    Result baseline() throws Exception {
        try (PostgresServer pg = compute("")) {
            return pgbench("no synchronous standby", pg);
        }
    }

    Result pgReceivewal() throws Exception {
        try (PostgresServer pg = compute(SYNC_NAMES)) {
            Path dir = TestDirectories.create("receivewal");
            List<Process> receivers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    String slot = "wal_" + i;
                    Path target = Files.createDirectories(dir.resolve("wal-" + i));
                    run(
                            List.of(
                                    pg.installation().tool("pg_receivewal").toString(),
                                    "-d",
                                    conninfo(pg, "wal-" + i),
                                    "--slot=" + slot,
                                    "--create-slot",
                                    "--if-not-exists"),
                            pg);
                    ProcessBuilder receiver = new ProcessBuilder(
                                    pg.installation().tool("pg_receivewal").toString(),
                                    "-d",
                                    conninfo(pg, "wal-" + i),
                                    "-D",
                                    target.toString(),
                                    "--slot=" + slot,
                                    "--synchronous",
                                    "--no-loop")
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("wal-" + i + ".log").toFile());
                    receiver.environment().putAll(env(pg));
                    receivers.add(receiver.start());
                }
                awaitStreaming(pg, 3);
                return pgbench("3 × pg_receivewal --synchronous", pg);
            } finally {
                receivers.forEach(Process::destroy);
                for (Process p : receivers) {
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                TestDirectories.deleteRecursively(dir);
            }
        }
    }

    Result walNodes(String flushMode) throws Exception {
        try (PostgresServer pg = compute(SYNC_NAMES)) {
            Path dir = TestDirectories.create("walnodes");
            List<WalNodeProcess> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    nodes.add(new WalNodeProcess(
                            "wal-" + i,
                            dir,
                            jvmOptions("wal-" + i + "-" + flushMode),
                            List.of("--xenon.wal-node.flush-mode=" + flushMode)));
                }
                CompletableFuture.allOf(nodes.stream()
                                .map(n -> CompletableFuture.runAsync(n::start))
                                .toArray(CompletableFuture[]::new))
                        .join();
                List<WalNodeClient> clientsOfNodes =
                        nodes.stream().map(n -> new WalNodeClient(n.url())).toList();
                TimelineId timeline = TimelineId.generate();
                Election election = new Election(clientsOfNodes);
                Lsn current = Lsn.parse(query(pg, "SELECT pg_current_wal_insert_lsn()::text"));
                Election.Result result =
                        election.elect(timeline, Term.of(1)).startingAt(current.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE));
                election.follow(
                        timeline, result, new ComputeConnection(pg.host(), pg.port(), pg.superuser(), pg.password()));
                awaitStreaming(pg, 3);
                return pgbench("3 × Xenon WAL node (flush-mode " + flushMode + ")", pg);
            } finally {
                nodes.forEach(WalNodeProcess::stop);
                TestDirectories.deleteRecursively(dir);
            }
        }
    }

    private PostgresServer compute(String syncNames) throws Exception {
        progress("compute: initdb, pgbench -i -s %d", scale);
        PostgresServer pg = PostgresServer.builder()
                .name("bench")
                .setting("wal_level", "replica")
                .setting("max_wal_senders", "10")
                .setting("max_replication_slots", "10")
                .setting("shared_buffers", "256MB")
                .setting("max_wal_size", "2GB")
                .setting("synchronous_commit", "on")
                .start();
        run(pgbenchCommand(pg, "-i", "-q", "-s", Integer.toString(scale)), pg);
        // Sync standbys only after loading, as a running system would have them.
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            s.execute("ALTER SYSTEM SET synchronous_standby_names = '" + syncNames.replace("'", "''") + "'");
            s.execute("SELECT pg_reload_conf()");
        }
        return pg;
    }

    private Result pgbench(String config, PostgresServer pg) throws Exception {
        progress("%s: warm-up, pgbench -T %d", config, WARM_UP_SECONDS);
        run(pgbenchCommand(pg, tpcbOptions(WARM_UP_SECONDS)), pg);
        progress("%s: pgbench -c %d -T %d", config, clients, seconds);
        Path logDir = TestDirectories.create("pgbench-log");
        try {
            List<String> options = new ArrayList<>(List.of(tpcbOptions(seconds)));
            options.addAll(List.of("-l", "--log-prefix=" + logDir.resolve("tx")));
            String output = run(pgbenchCommand(pg, options.toArray(String[]::new)), pg);
            double tps = output.lines()
                    .filter(l -> l.startsWith("tps = "))
                    .map(l -> Double.parseDouble(l.substring(6).split(" ")[0]))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no tps in pgbench output:\n" + output));
            long[] latencies = readLatencies(logDir);
            Arrays.sort(latencies);
            Result r = new Result(
                    config,
                    tps,
                    percentile(latencies, 0.50) / 1000.0,
                    percentile(latencies, 0.99) / 1000.0,
                    latencies.length);
            progress("%s: %.0f TPS, p50 %.2f ms, p99 %.2f ms", config, r.tps(), r.p50Ms(), r.p99Ms());
            return r;
        } finally {
            TestDirectories.deleteRecursively(logDir);
        }
    }

    /** Latency (µs) of every transaction: third column of pgbench's per-transaction log. */
    private static long[] readLatencies(Path logDir) throws IOException {
        List<Long> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] cols = line.split(" ");
                    if (cols.length > 2) {
                        all.add(Long.parseLong(cols[2]));
                    }
                }
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void awaitStreaming(PostgresServer pg, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Integer.parseInt(query(pg, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                    >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(n + " receivers not streaming after 60 s");
    }

    private static String query(PostgresServer pg, String sql) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * JVM options of WAL nodes: full JIT; with {@code XENON_BENCH_JFR=DIR} also a Java Flight
     * Recorder profile per node in DIR (read it with {@code jfr print --events jdk.ExecutionSample}).
     */
    private static List<String> jvmOptions(String name) {
        String jfrDir = System.getenv("XENON_BENCH_JFR");
        if (jfrDir == null || jfrDir.isBlank()) {
            return JvmProcess.STEADY_STATE;
        }
        List<String> options = new ArrayList<>(JvmProcess.STEADY_STATE);
        options.add("-XX:StartFlightRecording=settings=profile,filename="
                + Path.of(jfrDir, name + ".jfr").toAbsolutePath());
        return options;
    }

    /** tpcb-like with the configured clients for {@code seconds}, prepared statements. */
    private String[] tpcbOptions(int seconds) {
        return new String[] {
            "-c", Integer.toString(clients),
            "-j", Integer.toString(Math.min(clients, 2)),
            "-T", Integer.toString(seconds),
            "-M", "prepared"
        };
    }

    /** pgbench with these options against database postgres of {@code pg} as its superuser. */
    private static List<String> pgbenchCommand(PostgresServer pg, String... options) {
        List<String> command = new ArrayList<>();
        command.add(pg.installation().tool("pgbench").toString());
        command.addAll(List.of(options));
        command.addAll(List.of("-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.superuser(), "postgres"));
        return command;
    }

    private static String conninfo(PostgresServer pg, String applicationName) {
        return "host=" + pg.host() + " port=" + pg.port() + " user=" + pg.superuser() + " application_name="
                + applicationName;
    }

    private static java.util.Map<String, String> env(PostgresServer pg) {
        return java.util.Map.of("PGPASSWORD", pg.password());
    }

    private static String run(List<String> command, PostgresServer pg) {
        String tool = Path.of(command.getFirst()).getFileName().toString();
        return PostgresProcess.runToCompletion(command, env(pg), Duration.ofHours(1), tool);
    }

    static String table(List<List<Result>> rounds, int seconds, int scale, int clients) {
        int n = rounds.getFirst().size();
        List<Result> avg = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int idx = i;
            avg.add(new Result(
                    rounds.getFirst().get(i).config(),
                    rounds.stream().mapToDouble(r -> r.get(idx).tps()).average().orElse(0),
                    rounds.stream()
                            .mapToDouble(r -> r.get(idx).p50Ms())
                            .average()
                            .orElse(0),
                    rounds.stream()
                            .mapToDouble(r -> r.get(idx).p99Ms())
                            .average()
                            .orElse(0),
                    rounds.stream().mapToLong(r -> r.get(idx).transactions()).sum()));
        }
        double base = avg.get(0).tps();
        double receivewal = avg.get(1).tps();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "WAL quorum benchmark, %s: pgbench tpcb-like, scale %d, %d clients, -M prepared, %d s per configuration, %d round(s), %d cores%n%n",
                LocalDateTime.now().withNano(0),
                scale,
                clients,
                seconds,
                rounds.size(),
                Runtime.getRuntime().availableProcessors()));
        sb.append("| configuration | TPS | p50 ms | p99 ms | TPS ÷ baseline | TPS ÷ pg_receivewal |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (Result r : avg) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.2f | %.2f | %.2f | %.2f |%n",
                    r.config(),
                    r.tps(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.tps() / base,
                    r.tps() / receivewal));
        }
        return sb.toString();
    }

    private static int intArg(String[] args, String name, int def) {
        String v = stringArg(args, name, null);
        return v == null ? def : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    private static void progress(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
