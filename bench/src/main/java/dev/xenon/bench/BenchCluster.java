package dev.xenon.bench;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.testsupport.ComputeStarter;
import dev.xenon.testsupport.JvmProcess;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.StorageNodeProcess;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The storage path of Xenon for benchmarks, every node a process of its own: three WAL nodes and the
 * storage node as child JVMs with full JIT, the storage node's remote storage a local directory
 * ({@link StorageNodeProcess#remoteDir()}), and computes started as the control plane starts them
 * ({@link ComputeStarter}). Everything lives in one temporary directory, removed on {@link #close}
 * unless kept.
 */
final class BenchCluster implements AutoCloseable {

    /** Waiting for ingest fails after this long without progress. */
    static final Duration STALL = Duration.ofMinutes(2);

    final Path baseDir = TestDirectories.create("storage-bench");
    final List<WalNodeProcess> walNodes = new ArrayList<>();
    final StorageNodeProcess storageNode;
    final StorageNodeClient client;
    final ComputeStarter starter;
    private final List<PostgresServer> computes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "bench-cluster-shutdown");
    private boolean keep;
    private boolean closed;

    /** @param storageNodeHeap the storage node's {@code -Xmx}, e.g. {@code 4g} */
    BenchCluster(String storageNodeHeap) {
        Runtime.getRuntime().addShutdownHook(shutdownHook); // Ctrl-C stops the child processes too
        for (int i = 0; i < 3; i++) {
            walNodes.add(new WalNodeProcess("wal-" + i, baseDir, jvmOptions(JvmProcess.STEADY_STATE, "wal-" + i)));
        }
        storageNode = new StorageNodeProcess(
                "storage-node",
                baseDir,
                walNodes.stream().map(WalNodeProcess::url).toList(),
                jvmOptions(List.of("-XX:+UseSerialGC", "-Xmx" + storageNodeHeap), "storage-node"),
                List.of());
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        walNodes.forEach(n -> starts.add(CompletableFuture.runAsync(n::start)));
        starts.add(CompletableFuture.runAsync(storageNode::start));
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        // Long enough for an image of a 1 GB database (BASE_BACKUP through the node) on a busy machine.
        client = new StorageNodeClient(storageNode.url(), Duration.ofMinutes(15));
        starter = new ComputeStarter(
                client,
                walNodes.stream().map(n -> new WalNodeClient(n.url())).toList(),
                baseDir,
                Duration.ofMinutes(30));
    }

    /** Starts a compute for a timeline (see {@link ComputeStarter}); {@link #close} kills it if still running. */
    ComputeStarter.Compute startCompute(TenantId tenant, TimelineId timeline, String name) {
        ComputeStarter.Compute compute = starter.start(tenant, timeline, name);
        synchronized (this) {
            computes.add(compute.postgres());
        }
        awaitQuorumStreaming(compute, name);
        return compute;
    }

    /**
     * Waits until 2 of the 3 WAL nodes stream from the compute, so that a compute whose commits can
     * never be acknowledged fails here rather than hanging a benchmark step.
     */
    private static void awaitQuorumStreaming(ComputeStarter.Compute compute, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (queryLong(compute.postgres(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                        >= 2) {
                    return;
                }
            } catch (Exception e) {
                throw new IllegalStateException(name + ": cannot query the compute", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": fewer than 2 WAL nodes streaming 60 s after the compute"
                        + " started, so no commit can complete; see the WAL nodes' logs and the compute's log "
                        + compute.postgres().baseDir().resolve("postgres.log"));
            }
            sleep(100);
        }
    }

    /** Stops a compute cleanly, waits until the storage node ingested all it wrote, removes its directory. */
    void stopCompute(ComputeStarter.Compute compute) {
        starter.stop(compute);
        compute.postgres().close();
        synchronized (this) {
            computes.remove(compute.postgres());
        }
    }

    /**
     * CPU time each node JVM uses over {@code period}, in % of one core (from {@code /proc/<pid>/stat},
     * user + system, at 100 clock ticks a second), by node name.
     */
    Map<String, Double> cpuPercent(Duration period) {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(storageNode.name(), pidOf("--xenon.storage-node.data-dir=" + storageNode.dataDir()));
        for (WalNodeProcess node : walNodes) {
            pids.put(node.name(), pidOf("--xenon.wal-node.data-dir=" + node.dataDir()));
        }
        Map<String, Long> before = new LinkedHashMap<>();
        pids.forEach((name, pid) -> before.put(name, cpuTicks(pid)));
        sleep(period.toMillis());
        Map<String, Double> percent = new LinkedHashMap<>();
        pids.forEach((name, pid) ->
                percent.put(name, (cpuTicks(pid) - before.get(name)) / (period.toMillis() / 10.0) * 100));
        return percent;
    }

    /** The child process whose command line contains {@code argument}. */
    private static long pidOf(String argument) {
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            try {
                String cmdline = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline"))
                        .replace('\0', ' ');
                if (cmdline.contains(argument + " ") || cmdline.endsWith(argument)) {
                    return child.pid();
                }
            } catch (IOException e) {
                // exited meanwhile
            }
        }
        throw new IllegalStateException("no child process with argument " + argument);
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** Keep the directory (logs, remote storage) after {@link #close}. */
    void keep() {
        this.keep = true;
    }

    /**
     * With {@code XENON_BENCH_JFR=DIR} also a Java Flight Recorder profile per node in DIR, with
     * CPU-time samples on JDK 25+ (read it with {@code jfr view cpu-time-hot-methods} or {@code jfr
     * print --events jdk.CPUTimeSample}).
     */
    private static List<String> jvmOptions(List<String> base, String name) {
        String jfrDir = System.getenv("XENON_BENCH_JFR");
        if (jfrDir == null || jfrDir.isBlank()) {
            return base;
        }
        List<String> options = new ArrayList<>(base);
        // CPU-time sampling (JDK 25+) also sees time in native code such as zstd and socket writes.
        String cpuTime = Runtime.version().feature() >= 25 ? "jdk.CPUTimeSample#enabled=true," : "";
        options.add("-XX:StartFlightRecording=settings=profile," + cpuTime + "filename="
                + Path.of(jfrDir, name + ".jfr").toAbsolutePath());
        return options;
    }

    /**
     * Waits until the storage node has ingested {@code target} of a timeline, printing the share of
     * the WAL from {@code from} ingested every few seconds.
     */
    void awaitIngested(TenantId tenant, TimelineId timeline, Lsn from, Lsn target, String what) {
        long lastPrint = System.nanoTime();
        long lastProgress = System.nanoTime();
        Lsn seen = Lsn.INVALID;
        Lsn last;
        while ((last = lastRecordLsn(tenant, timeline, what)).isBefore(target)) {
            if (last.isAfter(seen)) {
                seen = last;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(what + ": the storage node has ingested nothing for " + STALL + " (at "
                        + last + ", waiting for " + target + ")" + storageNodeTrouble());
            }
            if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                long total = Math.max(1, target.minus(from));
                long done = Math.max(0, last.minus(from));
                StorageBench.progress(
                        "%s: storage node ingested %d%% (%d of %d MiB of WAL)",
                        what, 100 * done / total, done >> 20, total >> 20);
                lastPrint = System.nanoTime();
            }
            sleep(50);
        }
    }

    private Lsn lastRecordLsn(TenantId tenant, TimelineId timeline, String what) {
        try {
            return client.timeline(tenant, timeline).lastRecordLsn();
        } catch (RuntimeException e) {
            throw new IllegalStateException(what + ": the storage node does not answer" + storageNodeTrouble(), e);
        }
    }

    /** What the storage node's log says about heap exhaustion, and where the log is. */
    private String storageNodeTrouble() {
        return (storageNode.log().contains("OutOfMemoryError") ? "; it ran out of heap (see --storage-node-heap)" : "")
                + "; its log: " + baseDir.resolve(storageNode.name() + ".log");
    }

    /** {@code pgbench} against database postgres of {@code pg}; each output line goes to {@code lines}. */
    static void pgbench(PostgresServer pg, List<String> options, Consumer<String> lines) {
        List<String> command = new ArrayList<>();
        command.add(pg.installation().tool("pgbench").toString());
        command.addAll(options);
        command.addAll(List.of("-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.superuser(), "postgres"));
        runStreaming(command, pg, lines);
    }

    /** Runs a client tool against {@code pg}, passing each output line to {@code lines}; fails on a non-zero exit. */
    static void runStreaming(List<String> command, PostgresServer pg, Consumer<String> lines) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", pg.password());
        List<String> tail = new ArrayList<>();
        try {
            Process process = builder.start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.accept(line);
                    tail.add(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(Path.of(command.getFirst()).getFileName() + " exited with " + exit
                        + ":\n" + String.join("\n", tail));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    static String query(PostgresServer pg, String sql) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static long queryLong(PostgresServer pg, String sql) throws Exception {
        return Long.parseLong(query(pg, sql));
    }

    static void execute(PostgresServer pg, String sql) throws Exception {
        try (Connection c = pg.connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        computes.forEach(PostgresServer::close);
        storageNode.stop();
        walNodes.forEach(WalNodeProcess::stop);
        if (keep) {
            StorageBench.progress("kept %s (node logs, remote storage)", baseDir);
        } else {
            try {
                TestDirectories.deleteRecursively(baseDir);
            } catch (RuntimeException e) {
                StorageBench.progress("could not remove all of %s: %s", baseDir, e.getMessage());
            }
        }
    }
}
