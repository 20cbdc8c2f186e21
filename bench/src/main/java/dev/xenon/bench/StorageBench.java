package dev.xenon.bench;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.testsupport.ComputeStarter;
import dev.xenon.testsupport.PostgresServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The storage node's benchmarks, in one run on one cluster ({@link BenchCluster}: 3 WAL nodes and the
 * storage node as child JVMs, remote storage a local directory), each against a baseline measured in
 * the same run:
 *
 * <ol>
 *   <li><b>basebackup</b>: a parent timeline loaded with {@code pgbench -i -s 7} through the WAL
 *       quorum, an image taken, then {@code GET basebackup} at one LSN after it (read by curl to
 *       {@code /dev/null}, and by {@link StorageNodeClient}) against {@code pg_basebackup -D - -Ft
 *       -X none -c fast} and {@code -X fetch} (start-ready) of the same running compute, to {@code
 *       /dev/null}, interleaved;
 *   <li><b>branch storage</b>: 10 branches at the parent's last LSN, each with a contiguous 1 % of
 *       {@code pgbench_accounts} rows updated and an image taken; bytes of all layer files in remote
 *       storage ÷ the parent's data directory, before and after GC;
 *   <li><b>branch creation</b>: 50 {@code POST timeline} with an ancestor at its last LSN on the
 *       small parent and on a ~1 GB parent ({@code pgbench -i -s 70}), interleaved with an fsync
 *       floor and an HTTP floor; p50 and p95; and the idle CPU cost of timelines.
 * </ol>
 *
 * <p>Arguments: {@code --scale N} (small parent, default 7), {@code --large-scale N} (default 70),
 * {@code --skip-large}, {@code --repetitions N} (basebackups of each kind, default 10), {@code
 * --branches N} (default 10), {@code --branch-calls N} (default 50), {@code --storage-node-heap
 * SIZE} (its {@code -Xmx}, default {@code 4g}: with {@code 1g} it runs out of heap catching up on the
 * large parent's WAL, see {@code bench/README.md}), {@code --keep} (keep the cluster's directory:
 * logs, remote storage), {@code --out FILE}. Needs {@code curl}.
 */
public final class StorageBench {

    static final double MIB = 1024.0 * 1024.0;
    /** Unmeasured branch creations on each parent before the measured ones (JIT of the request path). */
    static final int BRANCH_WARM_UP = 5;

    /** A loaded parent timeline. */
    record Parent(
            String name,
            TenantId tenant,
            TimelineId timeline,
            int scale,
            ComputeStarter.Compute compute,
            LayerInfo image,
            long databaseBytes,
            long loadWalBytes,
            double loadSeconds) {}

    /** One tar read to its end. */
    record Download(long bytes, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }

        double mibPerSecond() {
            return bytes / MIB / seconds();
        }
    }

    /** What a tar holds, read once untimed. */
    record TarContent(long tarBytes, long fileBytes, long walBytes, int walFiles, long manifestBytes, int entries) {
        long dataDirectoryBytes() {
            return fileBytes - manifestBytes;
        }
    }

    /** Layer files of one timeline in remote storage. */
    record LayerBytes(int images, long imageBytes, int deltas, long deltaBytes) {
        static final LayerBytes NONE = new LayerBytes(0, 0, 0, 0);

        LayerBytes plus(LayerBytes o) {
            return new LayerBytes(
                    images + o.images, imageBytes + o.imageBytes, deltas + o.deltas, deltaBytes + o.deltaBytes);
        }

        long total() {
            return imageBytes + deltaBytes;
        }
    }

    /** Everything a tenant has in remote storage, per timeline; {@code otherBytes} are indexes and configs. */
    record Stored(Map<TimelineId, LayerBytes> timelines, long otherBytes) {
        LayerBytes of(TimelineId timeline) {
            return timelines.getOrDefault(timeline, LayerBytes.NONE);
        }

        LayerBytes sum(Iterable<TimelineId> ids) {
            LayerBytes sum = LayerBytes.NONE;
            for (TimelineId id : ids) {
                sum = sum.plus(of(id));
            }
            return sum;
        }

        LayerBytes all() {
            return timelines.values().stream().reduce(LayerBytes.NONE, LayerBytes::plus);
        }
    }

    /** One branch of the storage benchmark and what its compute changed. */
    record BranchChange(
            int index,
            TimelineId timeline,
            long rowsUpdated,
            long heapPages,
            long oldPages,
            long newPages,
            long touchedPages,
            long indexPages,
            long imageBlocksNew,
            double seconds) {}

    record BasebackupResult(
            List<Map<String, Download>> repetitions, Map<String, TarContent> contents, List<String> methods) {}

    record BranchStorageResult(Stored withBranches, List<BranchChange> branches, long parentCopyBytes) {}

    record Latencies(String parent, long databaseBytes, long layerBytes, double[] millis, double[] serverMillis) {}

    static final String OURS = "storage node GET basebackup (curl → /dev/null)";
    static final String OURS_JAVA = "storage node GET basebackup (StorageNodeClient, Java HttpClient)";
    static final String PG_NONE = "pg_basebackup -Ft -X none (→ /dev/null)";
    static final String PG_FETCH = "pg_basebackup -Ft -X fetch (→ /dev/null)";

    private final int scale;
    private final int largeScale;
    private final boolean skipLarge;
    private final int repetitions;
    private final int branchCount;
    private final int branchCalls;
    private final String storageNodeHeap;
    private String loadAverageAtStart = "";

    StorageBench(
            int scale,
            int largeScale,
            boolean skipLarge,
            int repetitions,
            int branchCount,
            int branchCalls,
            String storageNodeHeap) {
        this.storageNodeHeap = storageNodeHeap;
        this.scale = scale;
        this.largeScale = largeScale;
        this.skipLarge = skipLarge;
        this.repetitions = repetitions;
        this.branchCount = branchCount;
        this.branchCalls = branchCalls;
    }

    public static void main(String[] args) throws Exception {
        StorageBench bench = new StorageBench(
                intArg(args, "--scale", 7),
                intArg(args, "--large-scale", 70),
                Arrays.asList(args).contains("--skip-large"),
                intArg(args, "--repetitions", 10),
                intArg(args, "--branches", 10),
                intArg(args, "--branch-calls", 50),
                stringArg(args, "--storage-node-heap", "4g"));
        String out = stringArg(args, "--out", "bench/results/storage.md");
        String report;
        progress("starting 3 WAL nodes and the storage node (child JVMs)");
        BenchCluster cluster = new BenchCluster(bench.storageNodeHeap);
        try {
            if (Arrays.asList(args).contains("--keep")) {
                cluster.keep();
            }
            report = bench.run(cluster);
        } catch (Exception | Error e) {
            cluster.keep();
            throw e;
        } finally {
            cluster.close();
        }
        System.out.println(report);
        Path file = Path.of(out);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, report, StandardCharsets.UTF_8);
        progress("written to %s", file);
        System.exit(0);
    }

    String run(BenchCluster cluster) throws Exception {
        long started = System.nanoTime();
        loadAverageAtStart = loadAverage();
        TenantId tenant = TenantId.generate();
        cluster.client.createTenant(tenant);
        Parent small = loadParent(cluster, tenant, "parent", scale);

        progress("(a) basebackup: %d repetitions of each, interleaved", repetitions);
        BasebackupResult basebackups = measureBasebackups(cluster, small);

        // A fresh image before branching: the branch point is then close to an image. Without it, the
        // WAL since the first image (every pg_basebackup above switched to a new segment) can exceed the
        // storage node's image-creation-threshold, and the node then takes an image from each branch's
        // compute as soon as it is attached, which can recycle the compute's first WAL segment before
        // the WAL nodes start streaming it (see bench/README.md).
        freshImage(cluster, small);
        Lsn smallLast = stopParent(cluster, small);
        progress("(b) branch storage: %d branches at %s", branchCount, smallLast);
        long parentCopy = basebackups.contents().get(PG_NONE).dataDirectoryBytes();
        BranchStorageResult storage = measureBranchStorage(cluster, small, smallLast, parentCopy);

        Parent large = null;
        Lsn largeLast = null;
        if (!skipLarge) {
            TenantId largeTenant = TenantId.generate();
            cluster.client.createTenant(largeTenant);
            large = loadParent(cluster, largeTenant, "large-parent", largeScale);
            largeLast = stopParent(cluster, large);
        }
        progress("(c) branch creation: %d calls per parent, interleaved", branchCalls);
        BranchCreationResult creation = measureBranchCreation(cluster, small, smallLast, large, largeLast);

        progress("(b') GC of the small parent's tenant with pitr_interval 0s, gc_horizon 0");
        cluster.client.configureTenant(tenant, "0s", 0L);
        int removed = cluster.client.gc(tenant);
        Stored afterGc = stored(cluster, tenant);

        double minutes = (System.nanoTime() - started) / 60e9;
        return report(small, large, basebackups, storage, afterGc, removed, creation, minutes);
    }

    // ---- parents ----

    private Parent loadParent(BenchCluster cluster, TenantId tenant, String name, int pgbenchScale) throws Exception {
        StorageNodeClient client = cluster.client;
        TimelineId timeline = TimelineId.generate();
        progress("%s: bootstrap timeline, start a compute", name);
        client.bootstrapTimeline(tenant, timeline, null);
        ComputeStarter.Compute compute = cluster.startCompute(tenant, timeline, name);
        PostgresServer pg = compute.postgres();
        Lsn before = currentLsn(pg);
        progress("%s: pgbench -i -s %d through the WAL quorum", name, pgbenchScale);
        long t0 = System.nanoTime();
        BenchCluster.pgbench(
                pg,
                List.of("-i", "-q", "-s", Integer.toString(pgbenchScale)),
                line -> progress("%s: pgbench -i: %s", name, line.strip()));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Lsn loaded = currentLsn(pg);
        progress(
                "%s: loaded in %.0f s, %d MiB of WAL; waiting for the storage node",
                name, loadSeconds, loaded.minus(before) >> 20);
        cluster.awaitIngested(tenant, timeline, before, loaded, name);
        progress("%s: ingested %.0f s after the load began; taking an image", name, (System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        takeImage(client, tenant, timeline);
        LayerInfo image = newestImage(client, tenant, timeline);
        // Past the image's end (the backup's end record), not the insert LSN: BASE_BACKUP ends with a
        // WAL switch, and the insert LSN after a switch is past the next segment's page header, which
        // no record ends at until the compute writes again.
        cluster.awaitIngested(tenant, timeline, loaded, image.lsnEnd(), name);
        long databaseBytes = BenchCluster.queryLong(pg, "SELECT sum(pg_database_size(oid)) FROM pg_database");
        progress(
                "%s: image %s (%d MiB stored) in %.1f s; databases %d MiB",
                name, image.name(), image.size() >> 20, (System.nanoTime() - t1) / 1e9, databaseBytes >> 20);
        return new Parent(
                name, tenant, timeline, pgbenchScale, compute, image, databaseBytes, loaded.minus(before), loadSeconds);
    }

    /**
     * {@code checkpoint(image=true)}: an image from the timeline's compute now. When the node is taking
     * one on its own (WAL since the last image passed image-creation-threshold), waits and asks again.
     */
    private static void takeImage(StorageNodeClient client, TenantId tenant, TimelineId timeline) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            try {
                client.checkpoint(tenant, timeline, true);
                return;
            } catch (StorageNodeException e) {
                if (e.status() != 409
                        || !"IMAGE_IN_PROGRESS".equals(e.error().code())
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                progress("an image of %s is being taken by the node itself; asking again in 1 s", timeline);
                BenchCluster.sleep(1000);
            }
        }
    }

    /** Takes an image of the parent from its compute and waits until the node ingested past its end. */
    private static void freshImage(BenchCluster cluster, Parent parent) throws Exception {
        progress("%s: a fresh image before branching", parent.name());
        Lsn before = currentLsn(parent.compute().postgres());
        takeImage(cluster.client, parent.tenant(), parent.timeline());
        LayerInfo image = newestImage(cluster.client, parent.tenant(), parent.timeline());
        cluster.awaitIngested(parent.tenant(), parent.timeline(), before, image.lsnEnd(), parent.name());
    }

    /** Stops the parent's compute, writes its open layer out; returns its last LSN. */
    private static Lsn stopParent(BenchCluster cluster, Parent parent) {
        progress("%s: stopping its compute", parent.name());
        cluster.stopCompute(parent.compute());
        cluster.client.checkpoint(parent.tenant(), parent.timeline(), false);
        return cluster.client.timeline(parent.tenant(), parent.timeline()).lastRecordLsn();
    }

    private static LayerInfo newestImage(StorageNodeClient client, TenantId tenant, TimelineId timeline) {
        return client.layers(tenant, timeline).stream()
                .filter(l -> l.kind().equals("image"))
                .max(Comparator.comparing(LayerInfo::lsnEnd))
                .orElseThrow(() -> new IllegalStateException("no image layer on " + timeline));
    }

    private static Lsn currentLsn(PostgresServer pg) throws Exception {
        return Lsn.parse(BenchCluster.query(pg, "SELECT pg_current_wal_insert_lsn()::text"));
    }

    // ---- (a) basebackup ----

    private BasebackupResult measureBasebackups(BenchCluster cluster, Parent parent) throws Exception {
        PostgresServer pg = parent.compute().postgres();
        // One LSN for every repetition: each BASE_BACKUP (the image's, every pg_basebackup's) ends with a
        // WAL switch, so a basebackup at the newest LSN would carry one more zero-filled WAL segment after
        // every pg_basebackup run. A small commit first: the node's last LSN right after a switch is the
        // next segment's start, which it refuses as "not a WAL record boundary" once later WAL arrives.
        Lsn switchEnd =
                cluster.client.timeline(parent.tenant(), parent.timeline()).lastRecordLsn();
        BenchCluster.execute(pg, "CREATE TABLE IF NOT EXISTS bench_marker (v int)");
        cluster.awaitIngested(parent.tenant(), parent.timeline(), switchEnd, currentLsn(pg), parent.name());
        Lsn at = cluster.client.timeline(parent.tenant(), parent.timeline()).lastRecordLsn();
        List<String> methods = List.of(OURS, OURS_JAVA, PG_NONE, PG_FETCH);
        Map<String, TarContent> contents = new LinkedHashMap<>();
        // Untimed first run of each: the content of each tar, and warm page cache and JIT for all alike.
        progress("(a) warm-up: one untimed run of each at %s, reading the tars' content", at);
        try (InputStream in = cluster.client.basebackup(parent.tenant(), parent.timeline(), at)) {
            contents.put(OURS, tarContent(in));
        }
        contents.put(OURS_JAVA, contents.get(OURS));
        curl(cluster, parent, at);
        contents.put(PG_NONE, pgBasebackupContent(pg, "none"));
        contents.put(PG_FETCH, pgBasebackupContent(pg, "fetch"));
        contents.forEach((k, v) -> progress(
                "(a) %s: %d MiB tar, %d MiB of files, of which %d MiB WAL in %d files",
                k, v.tarBytes() >> 20, v.fileBytes() >> 20, v.walBytes() >> 20, v.walFiles()));

        List<Map<String, Download>> reps = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++) {
            List<String> order = rep % 2 == 1 ? methods : methods.reversed();
            Map<String, Download> results = new LinkedHashMap<>();
            for (String method : order) {
                Callable<Download> run =
                        switch (method) {
                            case OURS -> () -> curl(cluster, parent, at);
                            case OURS_JAVA -> () -> ours(cluster.client, parent, at);
                            case PG_NONE -> () -> pgBasebackup(pg, "none", contents.get(PG_NONE));
                            default -> () -> pgBasebackup(pg, "fetch", contents.get(PG_FETCH));
                        };
                results.put(method, run.call());
            }
            Map<String, Download> ordered = new LinkedHashMap<>();
            for (String m : methods) {
                ordered.put(m, results.get(m));
            }
            reps.add(ordered);
            progress(
                    "(a) repetition %d/%d (%d%%): ours %.2f s (Java client %.2f s), -X none %.2f s, -X fetch %.2f s",
                    rep,
                    repetitions,
                    100 * rep / repetitions,
                    ordered.get(OURS).seconds(),
                    ordered.get(OURS_JAVA).seconds(),
                    ordered.get(PG_NONE).seconds(),
                    ordered.get(PG_FETCH).seconds());
        }
        return new BasebackupResult(reps, contents, methods);
    }

    /** The same GET with curl: shows whether the Java client limits the measurement. */
    private static Download curl(BenchCluster cluster, Parent parent, Lsn at) throws Exception {
        String url = cluster.client.baseUrl() + "/v1/tenant/" + parent.tenant() + "/timeline/" + parent.timeline()
                + "/basebackup?lsn=" + at;
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder("curl", "-sSf", "-o", "/dev/null", "-w", "%{size_download}", url)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        long nanos = System.nanoTime() - t0;
        if (exit != 0) {
            throw new IllegalStateException("curl exited with " + exit + ": " + output);
        }
        return new Download(Long.parseLong(output.strip()), nanos);
    }

    private static Download ours(StorageNodeClient client, Parent parent, Lsn lsn) throws IOException {
        long t0 = System.nanoTime();
        long bytes;
        try (InputStream in = client.basebackup(parent.tenant(), parent.timeline(), lsn)) {
            bytes = drain(in);
        }
        return new Download(bytes, System.nanoTime() - t0);
    }

    /** {@code pg_basebackup -D - -Ft -X walMethod -c fast} against {@code pg}, its tar read by this JVM, untimed. */
    private static TarContent pgBasebackupContent(PostgresServer pg, String walMethod) throws Exception {
        Process process = pgBasebackupCommand(pg, walMethod).start();
        TarContent content;
        try (InputStream in = process.getInputStream()) {
            content = tarContent(in);
        }
        checkExit(process);
        return content;
    }

    /**
     * {@code pg_basebackup -D - -Ft -X walMethod -c fast} against {@code pg}, its tar going to {@code
     * /dev/null}; the bytes are those of the untimed run ({@code content}).
     */
    private static Download pgBasebackup(PostgresServer pg, String walMethod, TarContent content) throws Exception {
        long t0 = System.nanoTime();
        Process process = pgBasebackupCommand(pg, walMethod)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        checkExit(process);
        return new Download(content.tarBytes(), System.nanoTime() - t0);
    }

    private static ProcessBuilder pgBasebackupCommand(PostgresServer pg, String walMethod) {
        ProcessBuilder builder = new ProcessBuilder(
                        pg.installation().tool("pg_basebackup").toString(),
                        "-h",
                        pg.host(),
                        "-p",
                        Integer.toString(pg.port()),
                        "-U",
                        pg.superuser(),
                        "-D",
                        "-",
                        "-Ft",
                        "-X",
                        walMethod,
                        "-c",
                        "fast")
                .redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("PGPASSWORD", pg.password());
        return builder;
    }

    private static void checkExit(Process process) throws Exception {
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("pg_basebackup exited with " + exit + ": " + errors);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    private static TarContent tarContent(InputStream in) throws IOException {
        CountingInputStream counted = new CountingInputStream(in);
        long fileBytes = 0;
        long walBytes = 0;
        long manifestBytes = 0;
        int walFiles = 0;
        int entries = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(counted);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            entries++;
            if (!entry.isFile()) {
                continue;
            }
            long size = entry.getSize();
            fileBytes += size;
            if (entry.getName().startsWith("pg_wal/") && !entry.getName().startsWith("pg_wal/archive_status")) {
                walBytes += size;
                walFiles++;
            }
            if (entry.getName().equals("backup_manifest")) {
                manifestBytes += size;
            }
        }
        drain(counted); // the end-of-archive blocks and padding
        return new TarContent(counted.count, fileBytes, walBytes, walFiles, manifestBytes, entries);
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }
    }

    // ---- (b) branch storage ----

    private BranchStorageResult measureBranchStorage(BenchCluster cluster, Parent parent, Lsn at, long parentCopy)
            throws Exception {
        long rows = parent.scale() * 100_000L;
        long chunk = rows / 100;
        List<BranchChange> changes = new ArrayList<>();
        for (int i = 0; i < branchCount; i++) {
            long t0 = System.nanoTime();
            TimelineId branch = TimelineId.generate();
            cluster.client.branch(parent.tenant(), branch, parent.timeline(), at);
            ComputeStarter.Compute compute = cluster.startCompute(parent.tenant(), branch, "branch-" + i);
            PostgresServer pg = compute.postgres();
            long lo = i * (rows / branchCount) + 1;
            long hi = lo + chunk - 1;
            String range = "aid BETWEEN " + lo + " AND " + hi;
            long heapPages = BenchCluster.queryLong(pg, "SELECT pg_relation_size('pgbench_accounts') / 8192");
            Set<Long> oldPages = pages(pg, range);
            long updated;
            try (var c = pg.connect();
                    var s = c.createStatement()) {
                s.setQueryTimeout(300); // fail rather than wait forever for a quorum that never answers
                updated = s.executeUpdate("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE " + range);
            }
            Set<Long> newPages = pages(pg, range);
            Set<Long> touched = new HashSet<>(oldPages);
            touched.addAll(newPages);
            long indexPages = BenchCluster.queryLong(pg, "SELECT pg_relation_size('pgbench_accounts_pkey') / 8192");
            takeImage(cluster.client, parent.tenant(), branch);
            cluster.stopCompute(compute);
            cluster.client.checkpoint(parent.tenant(), branch, false);
            BranchChange change = new BranchChange(
                    i,
                    branch,
                    updated,
                    heapPages,
                    oldPages.size(),
                    newPages.size(),
                    touched.size(),
                    indexPages,
                    imageBlocksNew(cluster, branch),
                    (System.nanoTime() - t0) / 1e9);
            changes.add(change);
            progress(
                    "(b) branch %d/%d (%d%%): %d rows updated, %d of %d heap pages touched (%.2f %%), %d new blocks in its image, %.1f s",
                    i + 1,
                    branchCount,
                    100 * (i + 1) / branchCount,
                    updated,
                    touched.size(),
                    heapPages,
                    100.0 * touched.size() / heapPages,
                    change.imageBlocksNew(),
                    change.seconds());
        }
        return new BranchStorageResult(stored(cluster, parent.tenant()), changes, parentCopy);
    }

    /** Heap pages holding the visible rows of {@code range}. */
    private static Set<Long> pages(PostgresServer pg, String range) throws Exception {
        Set<Long> pages = new HashSet<>();
        try (var c = pg.connect();
                var s = c.createStatement();
                var rs = s.executeQuery(
                        "SELECT DISTINCT (ctid::text::point)[0]::bigint FROM pgbench_accounts WHERE " + range)) {
            while (rs.next()) {
                pages.add(rs.getLong(1));
            }
        }
        return pages;
    }

    private static final Pattern IMAGE_LOG = Pattern.compile(
            "timeline \\S+/(\\S+): image \\S+ from its compute, \\d+ bytes stored \\((\\d+) of \\d+ blocks new\\)");

    /** New blocks of the newest image of a timeline, from the storage node's log (-1 when not found). */
    private static long imageBlocksNew(BenchCluster cluster, TimelineId timeline) {
        Matcher m = IMAGE_LOG.matcher(cluster.storageNode.log());
        long found = -1;
        while (m.find()) {
            if (m.group(1).equals(timeline.toString())) {
                found = Long.parseLong(m.group(2));
            }
        }
        return found;
    }

    /** Sizes of the tenant's files in remote storage (the local directory standing in for S3). */
    private static Stored stored(BenchCluster cluster, TenantId tenant) throws IOException {
        Path timelines = cluster.storageNode
                .remoteDir()
                .resolve("tenants")
                .resolve(tenant.toString())
                .resolve("timelines");
        Map<TimelineId, LayerBytes> perTimeline = new LinkedHashMap<>();
        long other = 0;
        try (Stream<Path> files =
                Files.walk(cluster.storageNode.remoteDir().resolve("tenants").resolve(tenant.toString()))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                long size = Files.size(f);
                String name = f.getFileName().toString();
                boolean image = name.startsWith("image_");
                boolean delta = name.startsWith("delta_");
                if (!(image || delta) || !f.getParent().getParent().equals(timelines) || name.contains("~")) {
                    other += size;
                    continue;
                }
                TimelineId timeline =
                        TimelineId.parse(f.getParent().getFileName().toString());
                LayerBytes layer = image ? new LayerBytes(1, size, 0, 0) : new LayerBytes(0, 0, 1, size);
                perTimeline.merge(timeline, layer, LayerBytes::plus);
            }
        }
        return new Stored(perTimeline, other);
    }

    // ---- (c) branch creation ----

    /** Branch creation latencies, and what idle timelines cost the cluster. */
    record BranchCreationResult(List<Latencies> latencies, IdleCost idle) {}

    /**
     * CPU the storage node and WAL nodes use while nothing happens: with few timelines, with many
     * right after they were created, and with many once untouched for {@link #IDLE_SETTLE}.
     */
    record IdleCost(
            int fewTimelines,
            Map<String, Double> few,
            int manyTimelines,
            Map<String, Double> manyFresh,
            Map<String, Double> manySettled) {}

    private BranchCreationResult measureBranchCreation(
            BenchCluster cluster, Parent small, Lsn smallLast, Parent large, Lsn largeLast) throws IOException {
        enum Kind {
            BRANCH,
            FSYNC,
            HTTP
        }
        record Target(Kind kind, Parent parent, Lsn at, List<Double> millis, List<TimelineId> ids) {}
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(Kind.BRANCH, small, smallLast, new ArrayList<>(), new ArrayList<>()));
        if (large != null) {
            targets.add(new Target(Kind.BRANCH, large, largeLast, new ArrayList<>(), new ArrayList<>()));
        }
        targets.add(new Target(Kind.FSYNC, null, null, new ArrayList<>(), List.of()));
        targets.add(new Target(Kind.HTTP, small, null, new ArrayList<>(), List.of()));
        Path probeDir = Files.createDirectories(cluster.baseDir.resolve("fsync-probe"));
        for (int i = 0; i < BRANCH_WARM_UP; i++) {
            for (Target t : targets) {
                if (t.kind() == Kind.BRANCH) {
                    TimelineId id = TimelineId.generate();
                    createBranch(cluster.client, t.parent(), t.at(), id);
                    cluster.client.deleteTimeline(t.parent().tenant(), id);
                }
            }
        }
        int fewTimelines = timelineCount(cluster, small, large);
        progress("(c) idle CPU of the nodes over 10 s with %d timelines", fewTimelines);
        Map<String, Double> fewCpu = cluster.cpuPercent(IDLE_SAMPLE);
        for (int k = 0; k < branchCalls; k++) {
            List<Target> order = k % 2 == 0 ? targets : targets.reversed();
            for (Target t : order) {
                switch (t.kind()) {
                    case FSYNC -> t.millis().add(durableDirectoryAndFile(probeDir.resolve("t" + k)));
                    case HTTP -> {
                        long t0 = System.nanoTime();
                        cluster.client.timeline(t.parent().tenant(), t.parent().timeline());
                        t.millis().add((System.nanoTime() - t0) / 1e6);
                    }
                    case BRANCH -> {
                        TimelineId id = TimelineId.generate();
                        t.ids().add(id);
                        t.millis().add(createBranch(cluster.client, t.parent(), t.at(), id));
                        // Same number of timelines for every call (idle timelines cost CPU, see IdleCost).
                        cluster.client.deleteTimeline(t.parent().tenant(), id);
                    }
                }
            }
            if ((k + 1) % 10 == 0 || k + 1 == branchCalls) {
                progress("(c) %d/%d calls per parent (%d%%)", k + 1, branchCalls, 100 * (k + 1) / branchCalls);
            }
        }
        Map<String, Long> serverMicros = branchCreationMicros(cluster.storageNode.log());
        List<Latencies> result = new ArrayList<>();
        for (Target t : targets) {
            double[] millis =
                    t.millis().stream().mapToDouble(Double::doubleValue).toArray();
            switch (t.kind()) {
                case FSYNC -> result.add(new Latencies(FSYNC_FLOOR, 0, 0, millis, null));
                case HTTP -> result.add(new Latencies(HTTP_FLOOR, 0, 0, millis, null));
                case BRANCH -> {
                    TimelineInfo info = cluster.client.timeline(
                            t.parent().tenant(), t.parent().timeline());
                    double[] server = t.ids().stream()
                            .map(id -> serverMicros.get(id.toString()))
                            .filter(java.util.Objects::nonNull)
                            .mapToDouble(us -> us / 1000.0)
                            .toArray();
                    result.add(new Latencies(
                            t.parent().name() + " (pgbench -s " + t.parent().scale() + ")",
                            info.currentLogicalSize(),
                            info.layerBytes(),
                            millis,
                            server));
                }
            }
        }
        progress("(c) %d more branches of %s, kept, then idle CPU over 10 s again", IDLE_BRANCHES, small.name());
        for (int i = 0; i < IDLE_BRANCHES; i++) {
            cluster.client.branch(small.tenant(), TimelineId.generate(), small.timeline(), smallLast);
        }
        int manyTimelines = timelineCount(cluster, small, large);
        Map<String, Double> manyFresh = cluster.cpuPercent(IDLE_SAMPLE);
        progress("(c) idle CPU again after %d s without API calls", IDLE_SETTLE.toSeconds());
        BenchCluster.sleep(IDLE_SETTLE.minus(IDLE_SAMPLE).toMillis());
        Map<String, Double> manySettled = cluster.cpuPercent(IDLE_SAMPLE);
        return new BranchCreationResult(
                result, new IdleCost(fewTimelines, fewCpu, manyTimelines, manyFresh, manySettled));
    }

    static final Duration IDLE_SAMPLE = Duration.ofSeconds(10);
    /**
     * How long the many timelines are left alone before the last sample: the node polls a timeline
     * used through its API in the last 30 s at the full ingest rate, then ever less often.
     */
    static final Duration IDLE_SETTLE = Duration.ofSeconds(60);

    static final int IDLE_BRANCHES = 100;
    static final String HTTP_FLOOR = "HTTP floor: GET timeline (same client)";

    private static int timelineCount(BenchCluster cluster, Parent small, Parent large) {
        int n = cluster.client.timelines(small.tenant()).size();
        return large == null ? n : n + cluster.client.timelines(large.tenant()).size();
    }

    static final String FSYNC_FLOOR = "fsync floor";

    /**
     * What a durable branch record costs on this disk at least, done the way the local remote storage
     * writes an index: a new directory fsynced into its parent, a 1 KiB temp file written and
     * fsynced, renamed, the directory fsynced. In milliseconds.
     */
    private static double durableDirectoryAndFile(Path dir) throws IOException {
        byte[] content = new byte[1024];
        long t0 = System.nanoTime();
        Files.createDirectory(dir);
        fsync(dir.getParent());
        Path temp = dir.resolve(".index.json~tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(temp, dir.resolve("index.json"), StandardCopyOption.ATOMIC_MOVE);
        fsync(dir);
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static final Pattern BRANCH_LOG =
            Pattern.compile("created branch timeline \\S+/(\\S+) of \\S+ at \\S+ in (\\d+) ");

    /** Server-side duration of each branch creation (µs), from the storage node's log, by timeline id. */
    private static Map<String, Long> branchCreationMicros(String log) {
        Map<String, Long> micros = new java.util.HashMap<>();
        Matcher m = BRANCH_LOG.matcher(log);
        while (m.find()) {
            micros.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return micros;
    }

    /** One branch creation over HTTP, in milliseconds. */
    private static double createBranch(StorageNodeClient client, Parent parent, Lsn at, TimelineId id) {
        long t0 = System.nanoTime();
        client.branch(parent.tenant(), id, parent.timeline(), at);
        return (System.nanoTime() - t0) / 1e6;
    }

    // ---- report ----

    private String report(
            Parent small,
            Parent large,
            BasebackupResult a,
            BranchStorageResult b,
            Stored afterGc,
            int gcRemoved,
            BranchCreationResult creation,
            double minutes) {
        List<Latencies> c = creation.latencies();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Storage node benchmark, %s, %d cores, load average %s at the start and %s at the end, %.0f min in"
                        + " all; nodes are child JVMs with full JIT (storage node -Xmx%s). Small parent: pgbench -i -s"
                        + " %d (databases %.0f MiB; %.0f MiB of WAL loaded in %.0f s through 3 WAL nodes). MiB = 2^20"
                        + " bytes.%n%n",
                LocalDateTime.now().withNano(0),
                Runtime.getRuntime().availableProcessors(),
                loadAverageAtStart,
                loadAverage(),
                minutes,
                storageNodeHeap,
                small.scale(),
                small.databaseBytes() / MIB,
                small.loadWalBytes() / MIB,
                small.loadSeconds()));
        reportBasebackup(sb, a);
        LayerBytes[] totals = reportStorage(sb, small, b, afterGc, gcRemoved);
        reportBranchCreation(sb, large, creation);

        double timeNone =
                median(perRep(a, r -> r.get(PG_NONE).seconds() / r.get(OURS).seconds()));
        double timeFetch =
                median(perRep(a, r -> r.get(PG_FETCH).seconds() / r.get(OURS).seconds()));
        double throughput = median(
                perRep(a, r -> r.get(OURS).mibPerSecond() / r.get(PG_NONE).mibPerSecond()));
        double copy = b.parentCopyBytes();
        double stored = totals[0].total() / copy;
        double storedGc = totals[1].total() / copy;
        sb.append("\nVerdicts:\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "- (a) basebackup vs pg_basebackup, target ≥ 1.0: wall time for the same database %.2f against -X none"
                        + " (%s) and %.2f against start-ready -X fetch (%s); throughput %.2f (%s; counts the WAL"
                        + " segment ours carries, so it flatters ours).%n",
                timeNone,
                verdict(timeNone >= 1.0),
                timeFetch,
                verdict(timeFetch >= 1.0),
                throughput,
                verdict(throughput >= 1.0)));
        sb.append(String.format(
                Locale.ROOT,
                "- (b) stored ÷ parent copy, target ≤ 1.3: %.2f with default retention (%s), %.2f after GC (%s).%n",
                stored,
                verdict(stored <= 1.3),
                storedGc,
                verdict(storedGc <= 1.3)));
        for (Latencies l : c) {
            if (l.serverMillis() == null) {
                continue;
            }
            double[] sorted = sorted(l.millis());
            double p50 = percentile(sorted, 0.5);
            double p95 = percentile(sorted, 0.95);
            sb.append(String.format(
                    Locale.ROOT,
                    "- (c) branch creation < 50 ms on %s: p50 %.1f ms (%s), p95 %.1f ms (%s).%n",
                    l.parent(),
                    p50,
                    verdict(p50 < 50),
                    p95,
                    verdict(p95 < 50)));
        }
        List<Latencies> parents =
                c.stream().filter(l -> l.serverMillis() != null).toList();
        if (parents.size() == 2) {
            double ratio = percentile(sorted(parents.get(1).millis()), 0.5)
                    / percentile(sorted(parents.get(0).millis()), 0.5);
            sb.append(String.format(
                    Locale.ROOT,
                    "- (c) flat in parent size (large p50 ÷ small p50 ≤ 1.25): %.2f (%s).%n",
                    ratio,
                    verdict(ratio <= 1.25)));
        }
        return sb.toString();
    }

    private void reportBasebackup(StringBuilder sb, BasebackupResult a) {
        sb.append(String.format(
                Locale.ROOT,
                "(a) basebackup of the same running compute, all at one LSN for ours; %d repetitions interleaved (order"
                        + " reversed every other) after one untimed run of each; medians:%n%n",
                a.repetitions().size()));
        sb.append("| method | tar MiB | of which WAL MiB | start-ready | median s | MiB/s | min–max s |\n");
        sb.append("|---|---:|---:|---|---:|---:|---:|\n");
        for (String method : a.methods()) {
            double[] secs = sorted(a.repetitions().stream()
                    .mapToDouble(r -> r.get(method).seconds())
                    .toArray());
            double bytes = a.repetitions().stream()
                    .mapToLong(r -> r.get(method).bytes())
                    .average()
                    .orElse(0);
            double median = median(secs);
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %s | %.3f | %.0f | %.3f–%.3f |%n",
                    method,
                    bytes / MIB,
                    a.contents().get(method).walBytes() / MIB,
                    method.equals(PG_NONE) ? "no (no WAL)" : "yes",
                    median,
                    bytes / MIB / median,
                    secs[0],
                    secs[secs.length - 1]));
        }
        TarContent ours = a.contents().get(OURS);
        TarContent none = a.contents().get(PG_NONE);
        sb.append(String.format(
                Locale.ROOT,
                "%nOurs carries %d WAL segment(s) (%.0f MiB: from the image's start to the LSN, cut there and"
                        + " zero-filled) on top of the image's %.1f MiB of files; pg_basebackup -X none carries %.1f MiB"
                        + " of files (of which a %.2f MiB backup_manifest) and no WAL; -X fetch adds the WAL from its"
                        + " own backup's start to end (whole segments).%n%n",
                ours.walFiles(),
                ours.walBytes() / MIB,
                (ours.fileBytes() - ours.walBytes()) / MIB,
                none.fileBytes() / MIB,
                none.manifestBytes() / MIB));
        sb.append("| ratio (per repetition, then the median) | median | min–max | target ≥ 1.0 |\n");
        sb.append("|---|---:|---:|---|\n");
        ratioRow(
                sb,
                "throughput: ours MiB/s ÷ pg_basebackup -X none MiB/s",
                perRep(a, r -> r.get(OURS).mibPerSecond() / r.get(PG_NONE).mibPerSecond()),
                1.0);
        ratioRow(
                sb,
                "wall time, same database: pg_basebackup -X none s ÷ ours s",
                perRep(a, r -> r.get(PG_NONE).seconds() / r.get(OURS).seconds()),
                1.0);
        ratioRow(
                sb,
                "wall time, both start-ready: pg_basebackup -X fetch s ÷ ours s",
                perRep(a, r -> r.get(PG_FETCH).seconds() / r.get(OURS).seconds()),
                1.0);
        ratioRow(
                sb,
                "wall time, same database, Java client: pg_basebackup -X none s ÷ ours (StorageNodeClient) s",
                perRep(a, r -> r.get(PG_NONE).seconds() / r.get(OURS_JAVA).seconds()),
                1.0);
        ratioRow(
                sb,
                "client cost: ours read by StorageNodeClient s ÷ ours read by curl s",
                perRep(a, r -> r.get(OURS_JAVA).seconds() / r.get(OURS).seconds()),
                Double.NaN);
    }

    /** Returns the layers of parent + branches before and after GC. */
    private static LayerBytes[] reportStorage(
            StringBuilder sb, Parent small, BranchStorageResult b, Stored afterGc, int gcRemoved) {
        List<TimelineId> branchIds =
                b.branches().stream().map(BranchChange::timeline).toList();
        LayerBytes parentLayers = b.withBranches().of(small.timeline());
        LayerBytes branchLayers = b.withBranches().sum(branchIds);
        LayerBytes total = parentLayers.plus(branchLayers);
        LayerBytes gcParent = afterGc.of(small.timeline());
        LayerBytes gcBranches = afterGc.sum(branchIds);
        LayerBytes gcTotal = gcParent.plus(gcBranches);
        double copy = b.parentCopyBytes();
        sb.append(String.format(
                Locale.ROOT,
                "%n(b) stored bytes = all layer files of the tenant in remote storage (a local directory), after %d"
                        + " branches at the parent's last LSN, each with a contiguous 1 %% of pgbench_accounts rows"
                        + " updated, an image taken and its compute stopped. Parent copy = the files of the parent's data"
                        + " directory as pg_basebackup -Ft -X none delivers them (sum of the tar's file sizes, without"
                        + " backup_manifest): %.1f MiB (pg_database_size of all databases: %.1f MiB).%n%n",
                b.branches().size(),
                copy / MIB,
                small.databaseBytes() / MIB));
        sb.append("| layers | images | image MiB | deltas | delta MiB | MiB | ÷ parent copy |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        layerRow(sb, "parent", parentLayers, copy);
        layerRow(sb, b.branches().size() + " branches", branchLayers, copy);
        layerRow(sb, "per branch (mean)", divide(branchLayers, b.branches().size()), copy);
        layerRow(sb, "**parent + branches, default retention (PITR 7 days)**", total, copy);
        layerRow(sb, "parent after GC (pitr_interval 0s, gc_horizon 0)", gcParent, copy);
        layerRow(sb, "branches after GC", gcBranches, copy);
        layerRow(sb, "**parent + branches after GC** (" + gcRemoved + " layers removed)", gcTotal, copy);
        long newBlocks = b.branches().stream()
                .mapToLong(BranchChange::imageBlocksNew)
                .filter(n -> n > 0)
                .sum();
        sb.append(String.format(
                Locale.ROOT,
                "%nWithout compression: the branches' images hold %d new 8 KiB blocks in all (%.1f MiB), so parent copy"
                        + " + branch pages = %.3f × parent copy (page-level sharing alone, WAL not counted). Indexes and"
                        + " other metadata files: %.2f MiB (not counted above). Per branch:%n%n",
                newBlocks,
                newBlocks * 8192 / MIB,
                (copy + newBlocks * 8192.0) / copy,
                b.withBranches().otherBytes() / MIB));
        sb.append("| branch | rows updated | heap pages touched (old + new versions) | heap pages | pkey pages |"
                + " image blocks new | image KiB | delta KiB | s |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BranchChange ch : b.branches()) {
            LayerBytes l = b.withBranches().of(ch.timeline());
            sb.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %d (%d + %d) = %.2f %% | %d | %d | %d | %.0f | %.0f | %.1f |%n",
                    ch.index(),
                    ch.rowsUpdated(),
                    ch.touchedPages(),
                    ch.oldPages(),
                    ch.newPages(),
                    100.0 * ch.touchedPages() / ch.heapPages(),
                    ch.heapPages(),
                    ch.indexPages(),
                    ch.imageBlocksNew(),
                    l.imageBytes() / 1024.0,
                    l.deltaBytes() / 1024.0,
                    ch.seconds()));
        }
        return new LayerBytes[] {total, gcTotal};
    }

    private void reportBranchCreation(StringBuilder sb, Parent large, BranchCreationResult creation) {
        sb.append(String.format(
                Locale.ROOT,
                "%n(c) branch creation: StorageNodeClient.branch at the parent's last LSN (HTTP round trip), %d calls"
                        + " per parent after %d unmeasured calls each, interleaved with each other and with two floors;"
                        + " each new branch is deleted right after its call (untimed), so every call sees the same"
                        + " timelines. \"server\" = the node's own log line for the creation (no HTTP, no JSON)."
                        + " Fsync floor = a new directory and a 1 KiB file written durably the way the local remote"
                        + " storage writes an index (mkdir, fsync parent, write temp, fsync, rename, fsync dir), same"
                        + " disk. HTTP floor = GET of the parent timeline with the same client.%n%n",
                branchCalls,
                BRANCH_WARM_UP));
        sb.append(
                "| parent | logical size MiB | layer MiB | p50 ms | p95 ms | max ms | server p50 ms | server p95 ms |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Latencies l : creation.latencies()) {
            double[] sorted = sorted(l.millis());
            boolean branch = l.serverMillis() != null;
            double[] server = branch ? sorted(l.serverMillis()) : new double[0];
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.2f | %.2f | %.2f | %s | %s |%n",
                    l.parent(),
                    branch ? String.format(Locale.ROOT, "%.0f", l.databaseBytes() / MIB) : "",
                    branch ? String.format(Locale.ROOT, "%.0f", l.layerBytes() / MIB) : "",
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.95),
                    sorted[sorted.length - 1],
                    server.length == 0 ? "" : String.format(Locale.ROOT, "%.2f", percentile(server, 0.5)),
                    server.length == 0 ? "" : String.format(Locale.ROOT, "%.2f", percentile(server, 0.95))));
        }
        if (large == null) {
            sb.append("\n(large parent skipped: --skip-large)\n");
        }
        IdleCost idle = creation.idle();
        sb.append(String.format(
                Locale.ROOT,
                "%nIdle cost of timelines: CPU of the node JVMs over %d s with nothing running, in %% of one core;"
                        + " the %d added timelines are branches without a compute, sampled right after their creation"
                        + " and again %d s after it:%n%n",
                IDLE_SAMPLE.toSeconds(),
                idle.manyTimelines() - idle.fewTimelines(),
                IDLE_SETTLE.toSeconds()));
        sb.append("| timelines |");
        idle.few().keySet().forEach(k -> sb.append(' ').append(k).append(" |"));
        sb.append(" sum |\n|---|");
        idle.few().keySet().forEach(k -> sb.append("---:|"));
        sb.append("---:|\n");
        List<Map.Entry<String, Map<String, Double>>> rows = List.of(
                Map.entry(Integer.toString(idle.fewTimelines()), idle.few()),
                Map.entry(idle.manyTimelines() + ", just created", idle.manyFresh()),
                Map.entry(idle.manyTimelines() + ", " + IDLE_SETTLE.toSeconds() + " s later", idle.manySettled()));
        for (var row : rows) {
            sb.append("| ").append(row.getKey()).append(" |");
            row.getValue().values().forEach(v -> sb.append(String.format(Locale.ROOT, " %.0f |", v)));
            sb.append(String.format(
                    Locale.ROOT,
                    " %.0f |%n",
                    row.getValue().values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum()));
        }
    }

    /** The 1, 5 and 15 minute load averages of the machine. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static LayerBytes divide(LayerBytes l, int n) {
        return n == 0
                ? LayerBytes.NONE
                : new LayerBytes(l.images() / n, l.imageBytes() / n, l.deltas() / n, l.deltaBytes() / n);
    }

    private static void layerRow(StringBuilder sb, String what, LayerBytes l, double copy) {
        sb.append(String.format(
                Locale.ROOT,
                "| %s | %d | %.1f | %d | %.1f | %.1f | %.3f |%n",
                what,
                l.images(),
                l.imageBytes() / MIB,
                l.deltas(),
                l.deltaBytes() / MIB,
                l.total() / MIB,
                l.total() / copy));
    }

    private static void ratioRow(StringBuilder sb, String what, double[] ratios, double target) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        sb.append(String.format(
                Locale.ROOT,
                "| %s | %.2f | %.2f–%.2f | %s |%n",
                what,
                median,
                sorted[0],
                sorted[sorted.length - 1],
                Double.isNaN(target) ? "" : verdict(median >= target)));
    }

    private static double[] perRep(
            BasebackupResult a, java.util.function.ToDoubleFunction<Map<String, Download>> ratio) {
        return a.repetitions().stream().mapToDouble(ratio).toArray();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
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

    static void progress(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
