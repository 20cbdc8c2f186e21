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
import dev.xenon.testsupport.Signals;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * pgbench tpcb-like with 4 clients against a compute in three configurations, in one run: no
 * synchronous standbys (baseline); quorum commit over 3 × {@code pg_receivewal --synchronous};
 * quorum commit over 3 × Xenon WAL node. Reports TPS, latency, the receivers' CPU and memory, and
 * ratios as a Markdown table.
 *
 * <p>All configurations are set up first, each with a compute of its own, and then measured in
 * short interleaved slices (A B C, C B A, …): this machine's fsync latency drifts over tens of
 * seconds, and configurations measured minutes apart compared the drift, not the receivers. While
 * one configuration runs, the receivers of the others are stopped ({@code SIGSTOP}), so no
 * configuration pays for another's idle processes.
 *
 * <p>Arguments: {@code --seconds N} per slice (default 10), {@code --slices N} per configuration
 * (default 10), {@code --scale N} (default 10), {@code --clients N} (default 4), {@code
 * --flush-modes inline,thread} (WAL node variants, default {@code inline}), {@code --out FILE}.
 */
public final class WalQuorumBench {

    /**
     * Every configuration first runs this long unmeasured. A WAL node is a long-running JVM: in its
     * first ~20 s under load the JIT compiler threads take as much CPU as the receiver itself (JFR,
     * 2 cores), and after a 20 s warm-up perf still found C2 at 13 % of the WAL nodes' CPU in the
     * first slice; on a CPU-bound machine that is what a shorter warm-up measures.
     */
    private static final int WARM_UP_SECONDS = 40;

    private static final String SYNC_NAMES = "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")";

    /** One pgbench run of one configuration. */
    record Slice(double tps, long[] latenciesMicros, long receiverUserMillis, long receiverSystemMillis) {
        long receiverCpuMillis() {
            return receiverUserMillis + receiverSystemMillis;
        }
    }

    /**
     * A configuration: its compute, the process IDs of its receivers (none for the baseline), which
     * are stopped while other configurations run, and how to tear it all down.
     */
    record Setup(String name, PostgresServer compute, List<Long> receivers, Runnable teardown)
            implements AutoCloseable {

        void pause() {
            receivers.forEach(pid -> Signals.send(pid, "STOP"));
        }

        void resume() {
            receivers.forEach(pid -> Signals.send(pid, "CONT"));
        }

        @Override
        public void close() {
            teardown.run();
        }
    }

    private final int seconds;
    private final int scale;
    private final int clients;

    WalQuorumBench(int seconds, int scale, int clients) {
        this.seconds = seconds;
        this.scale = scale;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 10);
        int slices = intArg(args, "--slices", 10);
        int scale = intArg(args, "--scale", 10);
        int clients = intArg(args, "--clients", 4);
        String out = stringArg(args, "--out", "bench/results/wal-quorum.md");
        String flushModes = stringArg(args, "--flush-modes", "inline");
        WalQuorumBench bench = new WalQuorumBench(seconds, scale, clients);
        List<Setup> setups = new ArrayList<>();
        try {
            setups.add(bench.baseline());
            setups.add(bench.pgReceivewal());
            for (String mode : flushModes.split(",")) {
                setups.add(bench.walNodes(mode.strip()));
            }
            setups.forEach(Setup::pause);
            for (Setup setup : setups) {
                setup.resume();
                progress("%s: warm-up, pgbench -T %d", setup.name(), WARM_UP_SECONDS);
                run(bench.pgbenchCommand(setup.compute(), bench.tpcbOptions(WARM_UP_SECONDS)), setup.compute());
                checkpoint(setup.compute());
                setup.pause();
            }
            List<List<Slice>> results = new ArrayList<>();
            setups.forEach(s -> results.add(new ArrayList<>()));
            for (int slice = 1; slice <= slices; slice++) {
                for (int k = 0; k < setups.size(); k++) {
                    // A B C, C B A, …: each configuration as often early as late in a pass.
                    int i = slice % 2 == 1 ? k : setups.size() - 1 - k;
                    Setup setup = setups.get(i);
                    setup.resume();
                    Slice r = bench.measure(setup);
                    results.get(i).add(r);
                    progress(
                            "slice %d/%d, %s: %.0f TPS, p50 %.2f ms, receivers' CPU %d ms",
                            slice,
                            slices,
                            setup.name(),
                            r.tps(),
                            percentile(sorted(r.latenciesMicros()), 0.50) / 1000.0,
                            r.receiverCpuMillis());
                    checkpoint(setup.compute());
                    setup.pause();
                }
            }
            List<Long> rss = setups.stream().map(s -> rssKib(s.receivers())).toList();
            String table = bench.table(setups, results, rss, slices);
            System.out.println(table);
            Path file = Path.of(out);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, table, StandardCharsets.UTF_8);
            progress("written to %s", file);
        } finally {
            for (Setup s : setups) {
                s.resume();
                s.close();
            }
        }
        System.exit(0);
    }

    Setup baseline() throws Exception {
        PostgresServer pg = compute("");
        return new Setup("no synchronous standby", pg, List.of(), pg::close);
    }

    Setup pgReceivewal() throws Exception {
        PostgresServer pg = compute(SYNC_NAMES);
        Path dir = TestDirectories.create("receivewal");
        List<Process> receivers = new ArrayList<>();
        Runnable close = () -> {
            receivers.forEach(Process::destroy);
            for (Process p : receivers) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            pg.close();
            TestDirectories.deleteRecursively(dir);
        };
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
            return new Setup(
                    "3 × pg_receivewal --synchronous",
                    pg,
                    receivers.stream().map(Process::pid).toList(),
                    close);
        } catch (Exception | Error e) {
            close.run();
            throw e;
        }
    }

    Setup walNodes(String flushMode) throws Exception {
        PostgresServer pg = compute(SYNC_NAMES);
        Path dir = TestDirectories.create("walnodes");
        List<WalNodeProcess> nodes = new ArrayList<>();
        Runnable close = () -> {
            nodes.forEach(WalNodeProcess::stop);
            pg.close();
            TestDirectories.deleteRecursively(dir);
        };
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(new WalNodeProcess(
                        "wal-" + i,
                        dir,
                        jvmOptions("wal-" + i + "-" + flushMode),
                        List.of(
                                "--xenon.wal-node.flush-mode=" + flushMode,
                                // Stopped while other configurations run: not a dead compute.
                                "--xenon.wal-node.stream-timeout=30m")));
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
            return new Setup(
                    "3 × Xenon WAL node (flush-mode " + flushMode + ")",
                    pg,
                    nodes.stream().map(n -> n.jvm().pid()).toList(),
                    close);
        } catch (Exception | Error e) {
            close.run();
            throw e;
        }
    }

    private static void checkpoint(PostgresServer pg) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
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
                // Checkpoints run between slices (CHECKPOINT), not in another configuration's slice.
                .setting("checkpoint_timeout", "1h")
                // Receivers are stopped while other configurations run: keep their connections.
                .setting("wal_sender_timeout", "30min")
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

    private Slice measure(Setup setup) throws Exception {
        PostgresServer pg = setup.compute();
        awaitStreaming(pg, setup.receivers().size());
        Path logDir = TestDirectories.create("pgbench-log");
        try {
            List<String> options = new ArrayList<>(List.of(tpcbOptions(seconds)));
            options.addAll(List.of("-l", "--log-prefix=" + logDir.resolve("tx")));
            long[] cpuBefore = cpuMillis(setup.receivers());
            String output = run(pgbenchCommand(pg, options.toArray(String[]::new)), pg);
            long[] cpuAfter = cpuMillis(setup.receivers());
            double tps = output.lines()
                    .filter(l -> l.startsWith("tps = "))
                    .map(l -> Double.parseDouble(l.substring(6).split(" ")[0]))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no tps in pgbench output:\n" + output));
            return new Slice(tps, readLatencies(logDir), cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1]);
        } finally {
            TestDirectories.deleteRecursively(logDir);
        }
    }

    /** User and system CPU time (ms) of these processes, all threads, from {@code /proc/PID/stat}. */
    private static long[] cpuMillis(List<Long> pids) throws IOException {
        long user = 0;
        long system = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)); 100 ticks/s.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user += Long.parseLong(f[11]);
            system += Long.parseLong(f[12]);
        }
        return new long[] {user * 10, system * 10};
    }

    /** Resident memory of these processes, KiB, from {@code /proc/PID/status}. */
    private static long rssKib(List<Long> pids) {
        long kib = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return kib;
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

    private static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
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
    String[] tpcbOptions(int seconds) {
        return new String[] {
            "-c", Integer.toString(clients),
            "-j", Integer.toString(Math.min(clients, 2)),
            "-T", Integer.toString(seconds),
            "-M", "prepared"
        };
    }

    /** pgbench with these options against database postgres of {@code pg} as its superuser. */
    List<String> pgbenchCommand(PostgresServer pg, String... options) {
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

    String table(List<Setup> setups, List<List<Slice>> results, List<Long> rssKib, int slices) {
        double[] tps = new double[setups.size()];
        for (int i = 0; i < setups.size(); i++) {
            tps[i] = results.get(i).stream().mapToDouble(Slice::tps).average().orElse(0);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "WAL quorum benchmark, %s: pgbench tpcb-like, scale %d, %d clients, -M prepared, %d slices of %d s per"
                        + " configuration, interleaved, %d cores%n%n",
                LocalDateTime.now().withNano(0),
                scale,
                clients,
                slices,
                seconds,
                Runtime.getRuntime().availableProcessors()));
        sb.append("| configuration | TPS | p50 ms | p99 ms | receivers' CPU ms per 1000 tx | receivers' RSS MiB"
                + " | TPS ÷ baseline | TPS ÷ pg_receivewal | per slice ÷ pg_receivewal, median (range) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < setups.size(); i++) {
            List<Slice> mine = results.get(i);
            long[] latencies = sorted(mine.stream()
                    .flatMapToLong(r -> Arrays.stream(r.latenciesMicros()))
                    .toArray());
            long transactions = latencies.length;
            long user = mine.stream().mapToLong(Slice::receiverUserMillis).sum();
            long system = mine.stream().mapToLong(Slice::receiverSystemMillis).sum();
            double[] perSlice = new double[mine.size()];
            for (int k = 0; k < mine.size(); k++) {
                perSlice[k] = mine.get(k).tps() / results.get(1).get(k).tps();
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.2f | %.2f | %s | %s | %.2f | %.2f | %s |%n",
                    setups.get(i).name(),
                    tps[i],
                    percentile(latencies, 0.50) / 1000.0,
                    percentile(latencies, 0.99) / 1000.0,
                    setups.get(i).receivers().isEmpty()
                            ? "–"
                            : String.format(
                                    Locale.ROOT,
                                    "%.0f (%.0f user)",
                                    (user + system) * 1000.0 / Math.max(1, transactions),
                                    user * 1000.0 / Math.max(1, transactions)),
                    setups.get(i).receivers().isEmpty()
                            ? "–"
                            : String.format(Locale.ROOT, "%.0f", rssKib.get(i) / 1024.0),
                    tps[i] / tps[0],
                    tps[i] / tps[1],
                    i < 2
                            ? "–"
                            : String.format(
                                    Locale.ROOT,
                                    "%.2f (%.2f–%.2f)",
                                    median(perSlice),
                                    Arrays.stream(perSlice).min().orElse(0),
                                    Arrays.stream(perSlice).max().orElse(0))));
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
