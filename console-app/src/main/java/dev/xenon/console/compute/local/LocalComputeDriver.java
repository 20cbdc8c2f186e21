package dev.xenon.console.compute.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.DataDirectoryExtractor;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.ComputeStartException;
import dev.xenon.console.compute.ComputeStopException;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.console.config.PlatformProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.annotation.PreDestroy;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Runs computes as Postgres processes on this machine, one per endpoint, each in {@code
 * <xenon.data-dir>/computes/<endpoint-id>/} (layout: {@link EndpointDirectory}). Active when {@code
 * xenon.compute.driver} is {@code local} or unset; settings in {@link LocalComputeProperties}.
 *
 * <p>Start: a new term on the WAL nodes (start LSN = the elected one, or the storage node's last
 * record for a timeline the WAL nodes have never seen, see {@link DataPlane#elect}); the storage
 * node ingests up to the start (when it is behind, the WAL nodes follow the compute-to-be first, so
 * that lagging ones copy the missing WAL from the donor); the data directory is the basebackup at
 * the start, or the one the endpoint's last clean stop left when that is still exactly the
 * branch's end (see {@link #reusable}); {@code pg_hba.conf} and settings ({@link
 * ComputeConfiguration}); Postgres starts; the platform's roles get their passwords ({@link
 * RoleSetup}); the WAL nodes follow the compute (unless they already do); the storage node learns
 * where the compute runs.
 *
 * <p>Stop: detach from the storage node, fast shutdown (its last WAL reaches the connected WAL
 * nodes), wait until the storage node has ingested what a majority of WAL nodes holds, and remember
 * a clean stop in the endpoint's state.
 *
 * <p>Thread-safety: start and stop of one endpoint are serialised by a lock per endpoint; different
 * endpoints start and stop in parallel. On shutdown of the application the computes it runs are
 * stopped.
 */
@Component
@ConditionalOnProperty(prefix = "xenon.compute", name = "driver", havingValue = "local", matchIfMissing = true)
public class LocalComputeDriver implements ComputeDriver {

    private static final Logger log = LoggerFactory.getLogger(LocalComputeDriver.class);
    private static final int LOG_TAIL_LINES = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path computesDir;
    private final LocalComputeProperties properties;
    private final DataPlane dataPlane;
    private final PortAllocator ports;
    private final ComputeMetrics metrics;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LocalCompute> running = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, PostgresInstallation> installations = new ConcurrentHashMap<>();

    /** The port each endpoint remembers; loaded from the endpoint directories on first use. */
    private final Map<String, Integer> rememberedPorts = new HashMap<>();

    private boolean rememberedPortsLoaded;
    private volatile PostgresOsUser osUser;
    private volatile boolean shuttingDown;

    @Autowired
    public LocalComputeDriver(
            PlatformProperties platform,
            LocalComputeProperties properties,
            ObjectProvider<MeterRegistry> meterRegistry) {
        this(
                platform.dataDir().resolve("computes"),
                new StorageNodeClient(platform.storageNodeUrl()),
                platform.walNodes().stream().map(WalNodeClient::new).toList(),
                properties,
                meterRegistry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /**
     * @param computesDir where endpoint directories are created
     * @param walNodes the WAL nodes, in the order of their names {@code wal-0}, {@code wal-1}, ...
     */
    public LocalComputeDriver(
            Path computesDir,
            StorageNodeClient storage,
            List<WalNodeClient> walNodes,
            LocalComputeProperties properties,
            MeterRegistry meterRegistry) {
        this.computesDir = computesDir.toAbsolutePath().normalize();
        this.properties = properties;
        this.dataPlane = new DataPlane(storage, walNodes, properties.ingestTimeout());
        this.ports = new PortAllocator(properties.portRangeStart(), properties.portRangeEnd(), PortAllocator::canBind);
        this.metrics = new ComputeMetrics(
                meterRegistry,
                () -> running.values().stream().filter(LocalCompute::isRunning).count());
        ComputeConfiguration.walNodeNames(walNodes.size());
    }

    @Override
    public RunningCompute start(ComputeSpec spec) {
        String id = spec.endpointId();
        EndpointDirectory.of(computesDir, id); // rejects an id that is no directory name
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            LocalCompute current = running.get(id);
            if (current != null) {
                if (current.isRunning()) {
                    if (!current.spec().timeline().equals(spec.timeline())) {
                        log.warn(
                                "{}: asked to start on timeline {}, but it runs on {}; stop it first to move it",
                                id,
                                spec.timeline(),
                                current.spec().timeline());
                    }
                    return current.toRunningCompute();
                }
                running.remove(id);
                log.warn(
                        "{}: its Postgres on port {} exited on its own; starting a new compute. Log:\n{}",
                        id,
                        current.port(),
                        current.directory().logTail(LOG_TAIL_LINES));
                detachQuietly(current.spec());
            }
            if (shuttingDown) {
                throw new ComputeStartException(id, "the control plane is shutting down", null);
            }
            LocalCompute started = startLocked(spec);
            running.put(id, started);
            return started.toRunningCompute();
        } finally {
            lock.unlock();
        }
    }

    /** The steps of a start, in order; a failure names the step it failed in. */
    private LocalCompute startLocked(ComputeSpec spec) {
        long began = System.nanoTime();
        String id = spec.endpointId();
        TenantId tenant = spec.tenant();
        TimelineId timeline = spec.timeline();
        String step = "checking its settings";
        EndpointDirectory dir = null;
        PostgresProcess process = null;
        try {
            ComputeConfiguration.checkEndpointSettings(spec.settings());

            step = "preparing its directory";
            PostgresOsUser os = osUser();
            dir = EndpointDirectory.of(computesDir, id).create(os);
            stopOrphanedPostmaster(dir);

            step = "looking up timeline " + timeline + " of tenant " + tenant + " on the storage node";
            TimelineInfo info = timelineInfo(tenant, timeline);
            int pgVersion = pgVersion(spec, info);
            step = "finding PostgreSQL " + pgVersion;
            PostgresInstallation installation = installation(pgVersion);

            step = "choosing its port";
            EndpointDirectory.State state = dir.readState();
            EndpointDirectory.CleanStop cleanStop = state.cleanStop();
            int port = allocatePort(id, spec.preferredPort() > 0 ? spec.preferredPort() : state.port());
            String replicatorPassword = state.replicatorPassword() != null ? state.replicatorPassword() : newPassword();
            // From here on the data directory is no longer what a clean stop left.
            dir.writeState(new EndpointDirectory.State(port, replicatorPassword, null));

            step = "electing a term on the WAL nodes";
            DataPlane.StartPoint start = dataPlane.elect(tenant, timeline);
            Lsn startLsn = start.startLsn();
            log.info(
                    "{}: term {} on timeline {}, start LSN {} (storage node at {})",
                    id,
                    start.result().term(),
                    timeline,
                    startLsn,
                    start.lastRecordLsn());
            ComputeConnection connection = new ComputeConnection(
                    ComputeConfiguration.LISTEN_ADDRESS,
                    port,
                    ComputeConfiguration.REPLICATION_ROLE,
                    replicatorPassword);
            if (start.storageNodeBehind()) {
                // Only a majority of WAL nodes makes WAL ingestible: lagging ones copy from the donor
                // when they follow. Otherwise they follow once Postgres and its roles are ready, so
                // that they connect at once instead of backing off while it starts.
                log.info(
                        "{}: the storage node is at {}, behind the start; the WAL nodes follow first",
                        id,
                        start.lastRecordLsn());
                step = "telling the WAL nodes to follow the compute";
                dataPlane.follow(timeline, start, connection);
            }
            step = "waiting for the storage node to ingest timeline " + timeline + " up to " + startLsn;
            Lsn lastRecord = dataPlane.awaitIngested(tenant, timeline, startLsn);

            ComputeMetrics.Source source;
            if (properties.reuseDataDirectory()
                    && reusable(cleanStop, timeline, pgVersion, startLsn, lastRecord)
                    && dir.hasDataDirectory()) {
                source = ComputeMetrics.Source.CACHE;
                log.info("{}: reusing the data directory its clean stop left at {}", id, startLsn);
            } else {
                source = ComputeMetrics.Source.BASEBACKUP;
                step = "restoring the basebackup of timeline " + timeline + " at " + startLsn;
                restore(dir, os, tenant, timeline, startLsn);
            }

            step = "configuring Postgres";
            Path hbaFile = writePgHba(dir, os);
            Path socketDir = dir.prepareSocketDirectory(os, port);
            Map<String, String> settings =
                    ComputeConfiguration.settings(id, socketDir, hbaFile, dataPlane.walNodeCount(), spec.settings());
            dir.rotateLog();
            step = "starting Postgres on port " + port;
            long postgresBegan = System.nanoTime();
            process = new PostgresProcess(installation, os, dir.dataDir(), dir.logFile(), port, settings);
            process.start(properties.readinessTimeout());
            long postgresMillis = (System.nanoTime() - postgresBegan) / 1_000_000;

            step = "setting up roles";
            RoleSetup.apply(installation, os, socketDir, port, spec.adminPassword(), replicatorPassword);
            if (!start.storageNodeBehind()) {
                step = "telling the WAL nodes to follow the compute";
                dataPlane.follow(timeline, start, connection);
            }
            step = "attaching the compute to the storage node";
            dataPlane.storage().attachCompute(tenant, timeline, connection);

            Duration took = Duration.ofNanos(System.nanoTime() - began);
            metrics.started(source, took);
            log.info(
                    "{}: started on {}:{} at {} (from {}, Postgres ready in {} ms) in {} ms",
                    id,
                    ComputeConfiguration.LISTEN_ADDRESS,
                    port,
                    startLsn,
                    source.tag(),
                    postgresMillis,
                    took.toMillis());
            return new LocalCompute(
                    spec,
                    dir,
                    installation,
                    process,
                    socketDir,
                    port,
                    pgVersion,
                    start.result().term(),
                    startLsn,
                    source,
                    Instant.now());
        } catch (RuntimeException e) {
            metrics.startFailed();
            String logTail = process != null ? dir.logTail(LOG_TAIL_LINES) : "";
            cleanUpFailedStart(id, dir, process);
            log.warn("{}: start failed while {}: {}", id, step, e.getMessage());
            throw new ComputeStartException(id, step + " failed: " + e.getMessage(), logTail, e);
        }
    }

    /**
     * Whether the data directory a clean stop left may serve this start: it is this timeline's and
     * Postgres version's, it ends exactly at the start LSN the WAL nodes elected, and the storage
     * node's last record is that LSN too (no compute wrote to the branch since). Anything else (a
     * later write, a branch moved, an unclean stop) restores the basebackup: a stopped data
     * directory started with WAL it does not hold would silently lose rows.
     */
    static boolean reusable(
            EndpointDirectory.CleanStop cleanStop, TimelineId timeline, int pgVersion, Lsn startLsn, Lsn lastRecord) {
        return cleanStop != null
                && cleanStop.timeline().equals(timeline)
                && cleanStop.pgVersion() == pgVersion
                && cleanStop.lsn().equals(startLsn)
                && lastRecord.equals(startLsn);
    }

    /**
     * Whether a stopped compute leaves a data directory a start may reuse: Postgres shut down
     * cleanly, every WAL node that holds WAL of the timeline holds the same (the committed LSN is the
     * highest), and that includes its shutdown checkpoint (WAL nodes flush whole records, so beyond
     * the checkpoint's start means up to its end: the end of the data directory's WAL).
     */
    static boolean leavesReusableDataDirectory(Optional<ControlData> control, Lsn committed, Lsn highestFlushed) {
        return control.isPresent()
                && control.get().isShutDown()
                && committed.isValid()
                && committed.equals(highestFlushed)
                && committed.isAfter(control.get().latestCheckpoint());
    }

    private void restore(EndpointDirectory dir, PostgresOsUser os, TenantId tenant, TimelineId timeline, Lsn lsn) {
        dir.deleteDataDirectory();
        long began = System.nanoTime();
        try (InputStream body = dataPlane.basebackup(tenant, timeline, lsn);
                CountingInputStream tar = new CountingInputStream(new BufferedInputStream(body, 1 << 16))) {
            DataDirectoryExtractor.Stats stats = new DataDirectoryExtractor(os).extract(tar, dir.dataDir());
            log.info(
                    "{}: basebackup at {} restored: {} bytes of tar, {} files ({} bytes) in {} ms",
                    dir.endpointId(),
                    lsn,
                    tar.count(),
                    stats.files(),
                    stats.bytes(),
                    (System.nanoTime() - began) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the basebackup into " + dir.dataDir(), e);
        }
    }

    private static Path writePgHba(EndpointDirectory dir, PostgresOsUser os) {
        Path hba = dir.dataDir().resolve("pg_hba.conf");
        try {
            Files.deleteIfExists(hba);
            Files.createFile(hba, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(hba, ComputeConfiguration.PG_HBA, StandardCharsets.UTF_8);
            os.prepareDirectory(hba);
            return hba;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hba, e);
        }
    }

    /** Undoes a failed start: no Postgres left running, no half-restored data directory kept. */
    private void cleanUpFailedStart(String id, EndpointDirectory dir, PostgresProcess process) {
        try {
            if (process != null && process.isRunning()) {
                process.stop(Duration.ofSeconds(10));
                process.kill();
            }
            if (dir != null) {
                dir.deleteDataDirectory();
            }
        } catch (RuntimeException e) {
            log.warn("{}: cleaning up after the failed start failed too: {}", id, e.getMessage());
        }
    }

    @Override
    public void stop(String endpointId) {
        ReentrantLock lock = locks.computeIfAbsent(endpointId, k -> new ReentrantLock());
        lock.lock();
        try {
            LocalCompute compute = running.remove(endpointId);
            if (compute != null) {
                stopLocked(compute);
            }
        } finally {
            lock.unlock();
        }
    }

    private void stopLocked(LocalCompute compute) {
        long began = System.nanoTime();
        String id = compute.spec().endpointId();
        TenantId tenant = compute.spec().tenant();
        TimelineId timeline = compute.spec().timeline();
        RuntimeException failure = null;
        String failedStep = null;
        try {
            dataPlane.storage().detachCompute(tenant, timeline);
        } catch (RuntimeException e) {
            log.warn("{}: detaching from the storage node failed: {}", id, e.getMessage());
            failure = e;
            failedStep = "detaching from the storage node failed";
        }
        compute.process().stop(properties.shutdownTimeout());
        Optional<ControlData> control = ControlData.read(
                compute.installation(), osUser(), compute.directory().dataDir());
        List<Lsn> flushed = dataPlane.flushLsns(timeline);
        Lsn committed = DataPlane.committed(flushed);
        try {
            dataPlane.awaitIngested(tenant, timeline, committed);
        } catch (RuntimeException e) {
            failure = e;
            failedStep = "the storage node did not ingest its committed WAL up to " + committed;
        }
        boolean clean = control.map(ControlData::isShutDown).orElse(false);
        boolean reusable = failure == null && leavesReusableDataDirectory(control, committed, flushed.getFirst());
        try {
            EndpointDirectory.State state = compute.directory().readState();
            compute.directory()
                    .writeState(state.withCleanStop(
                            reusable
                                    ? new EndpointDirectory.CleanStop(timeline, committed, compute.pgVersion())
                                    : null));
        } catch (RuntimeException e) {
            log.warn("{}: cannot record its clean stop: {}", id, e.getMessage());
        }
        metrics.stopped(clean);
        log.info(
                "{}: stopped {} in {} ms; committed LSN {} (WAL nodes {}){}; data directory {}",
                id,
                clean ? "cleanly" : "UNCLEANLY",
                (System.nanoTime() - began) / 1_000_000,
                committed,
                flushed,
                failure == null ? " ingested by the storage node" : "",
                reusable ? "kept for the next start" : "not reusable: the next start restores a basebackup");
        if (failure != null) {
            throw new ComputeStopException(id, failedStep + ": " + failure.getMessage(), failure);
        }
    }

    @Override
    public Optional<RunningCompute> running(String endpointId) {
        LocalCompute compute = running.get(endpointId);
        return compute != null && compute.isRunning() ? Optional.of(compute.toRunningCompute()) : Optional.empty();
    }

    @Override
    public Optional<Integer> clientConnections(String endpointId) {
        LocalCompute compute = running.get(endpointId);
        if (compute == null || !compute.isRunning()) {
            return Optional.empty();
        }
        Properties props = new Properties();
        props.setProperty("user", ComputeConfiguration.ADMIN_ROLE);
        props.setProperty("password", compute.spec().adminPassword());
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "xenon-control-plane");
        String url = "jdbc:postgresql://" + ComputeConfiguration.LISTEN_ADDRESS + ":" + compute.port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, props);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND usename NOT IN ('"
                        + ComputeConfiguration.ADMIN_ROLE + "', '" + ComputeConfiguration.REPLICATION_ROLE + "')")) {
            rows.next();
            return Optional.of(rows.getInt(1));
        } catch (SQLException e) {
            if (!compute.isRunning()) {
                return Optional.empty();
            }
            throw new IllegalStateException(
                    "cannot count the client connections of " + endpointId + ": " + e.getMessage(), e);
        }
    }

    /** Stops every compute this driver runs (in parallel); used on application shutdown. */
    @PreDestroy
    public void stopAll() {
        shuttingDown = true;
        List<String> ids = List.copyOf(running.keySet());
        if (ids.isEmpty()) {
            return;
        }
        log.info("stopping {} computes: {}", ids.size(), ids);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : ids) {
                executor.submit(() -> {
                    try {
                        stop(id);
                    } catch (RuntimeException e) {
                        log.warn("{}: stop at shutdown failed: {}", id, e.getMessage());
                    }
                });
            }
        }
    }

    private TimelineInfo timelineInfo(TenantId tenant, TimelineId timeline) {
        try {
            return dataPlane.timeline(tenant, timeline);
        } catch (StorageNodeException e) {
            if (e.status() == 404) {
                throw new IllegalArgumentException(
                        "the storage node has no timeline " + timeline + " of tenant " + tenant, e);
            }
            throw e;
        }
    }

    private static int pgVersion(ComputeSpec spec, TimelineInfo info) {
        if (info.pgVersion() > 0 && spec.pgVersion() > 0 && spec.pgVersion() != info.pgVersion()) {
            throw new IllegalArgumentException("the endpoint asks for PostgreSQL " + spec.pgVersion()
                    + ", but timeline " + info.timelineId() + " was bootstrapped with " + info.pgVersion());
        }
        return info.pgVersion() > 0 ? info.pgVersion() : spec.pgVersion();
    }

    private PostgresInstallation installation(int pgVersion) {
        return installations.computeIfAbsent(pgVersion, v -> {
            Integer wanted = v > 0 ? v : null;
            if (properties.pgBinDir() == null) {
                return PostgresInstallation.fromEnvironment(wanted);
            }
            PostgresInstallation configured = PostgresInstallation.discover(properties.pgBinDir(), null);
            if (wanted != null && configured.majorVersion() != wanted) {
                throw new IllegalStateException("xenon.compute.local.pg-bin-dir " + properties.pgBinDir()
                        + " holds PostgreSQL " + configured.majorVersion() + ", the timeline needs " + wanted);
            }
            return configured;
        });
    }

    private PostgresOsUser osUser() {
        PostgresOsUser user = osUser;
        if (user == null) {
            user = PostgresOsUser.forCurrentProcess();
            osUser = user;
        }
        return user;
    }

    /** The endpoint's port (see {@link PortAllocator}), remembered for it. */
    private int allocatePort(String endpointId, int previous) {
        synchronized (rememberedPorts) {
            if (!rememberedPortsLoaded) {
                for (EndpointDirectory other : EndpointDirectory.all(computesDir)) {
                    try {
                        int port = other.readState().port();
                        if (port > 0) {
                            rememberedPorts.putIfAbsent(other.endpointId(), port);
                        }
                    } catch (RuntimeException e) {
                        log.warn("ignoring the state of {}: {}", other, e.getMessage());
                    }
                }
                rememberedPortsLoaded = true;
            }
            Set<Integer> rememberedByOthers = new HashSet<>();
            rememberedPorts.forEach((id, port) -> {
                if (!id.equals(endpointId)) {
                    rememberedByOthers.add(port);
                }
            });
            Set<Integer> runningOthers = new HashSet<>();
            running.forEach((id, compute) -> {
                if (!id.equals(endpointId)) {
                    runningOthers.add(compute.port());
                }
            });
            int port = ports.allocate(previous, rememberedByOthers, runningOthers);
            if (previous > 0 && port != previous) {
                log.warn("{}: its port {} is taken; it moves to port {}", endpointId, previous, port);
            }
            rememberedPorts.values().removeIf(p -> p == port);
            rememberedPorts.put(endpointId, port);
            return port;
        }
    }

    /**
     * Stops a postmaster an earlier run of the control plane left on the endpoint's data directory
     * (it crashed before stopping its computes): fast shutdown, then {@code kill -9}.
     */
    private void stopOrphanedPostmaster(EndpointDirectory dir) {
        // A postmaster keeps its command line ("postgres -D <dataDir> ..."); checking it guards
        // against a pid reused since, perhaps by another endpoint's postmaster.
        String dataDir = dir.dataDir().toString();
        Optional<ProcessHandle> orphan = dir.postmasterPid()
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> List.of(args).contains(dataDir))
                        .orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        log.warn(
                "{}: Postgres (pid {}) left by an earlier run of the control plane still runs on {}; stopping it",
                dir.endpointId(),
                postmaster.pid(),
                dir.dataDir());
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
                    .redirectErrorStream(true)
                    .start()
                    .waitFor();
            postmaster.onExit().get(properties.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            postmaster.destroyForcibly();
        }
    }

    private void detachQuietly(ComputeSpec spec) {
        try {
            dataPlane.storage().detachCompute(spec.tenant(), spec.timeline());
        } catch (RuntimeException e) {
            log.warn("{}: detaching from the storage node failed: {}", spec.endpointId(), e.getMessage());
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Counts the bytes read through it: the size of a basebackup tar. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        long count() {
            return count;
        }
    }
}
