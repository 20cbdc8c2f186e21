package dev.xenon.console.compute.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.ComputeStartException;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.XenonNodes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The local driver against real processes: three WAL nodes and a storage node (child JVMs), and the
 * computes it starts as real Postgres servers. Clients connect over TCP with SCRAM as the control
 * plane and users would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LocalComputeDriverIT.LogsOnFailure.class)
class LocalComputeDriverIT {

    static volatile XenonNodes current;

    XenonNodes nodes;
    StorageNodeClient storage;
    TenantId tenant;
    Path baseDir;
    SimpleMeterRegistry meters;
    LocalComputeDriver driver;
    int firstPort;

    @BeforeAll
    void startNodes() {
        nodes = XenonNodes.start();
        current = nodes;
        storage = new StorageNodeClient(nodes.storageNodeUrl());
        tenant = TenantId.generate();
        storage.createTenant(tenant);
        baseDir = TestDirectories.create("computes");
        meters = new SimpleMeterRegistry();
        // a range of its own: other builds may run on this machine
        firstPort = 20000 + ThreadLocalRandom.current().nextInt(0, 100) * 100;
        driver = newDriver(meters);
    }

    /** A driver on the same directories, as a restarted control plane would have. */
    private LocalComputeDriver newDriver(SimpleMeterRegistry registry) {
        return new LocalComputeDriver(
                baseDir.resolve("computes"),
                storage,
                nodes.walNodeUrls().stream().map(WalNodeClient::new).toList(),
                LocalComputeProperties.defaults().withPortRange(firstPort, firstPort + 99),
                registry);
    }

    @AfterAll
    void stopNodes() {
        try {
            if (driver != null) {
                driver.stopAll();
            }
        } finally {
            if (nodes != null) {
                nodes.close();
            }
            TestDirectories.deleteRecursively(baseDir);
        }
    }

    @Test
    void rowsSurviveStopAndStartWhetherTheDataDirectoryIsReusedOrRestored() throws Exception {
        TimelineId timeline = bootstrap();
        ComputeSpec spec = spec("ep-rows", timeline);

        RunningCompute first = driver.start(spec);
        assertThat(first.host()).isEqualTo("127.0.0.1");
        assertThat(first.port()).isBetween(firstPort, firstPort + 99);
        assertThat(first.startLsn())
                .isEqualTo(storage.timeline(tenant, timeline).lastRecordLsn());
        long firstCommit = System.nanoTime();
        execute(
                first,
                "cloud_admin",
                spec.adminPassword(),
                "postgres",
                List.of("CREATE ROLE alice LOGIN PASSWORD 'alice-secret'"));
        // for the record (not asserted): the WAL nodes follow once the compute is ready, no back-off
        System.out.printf(
                "the first quorum commit after the start took %d ms%n", (System.nanoTime() - firstCommit) / 1_000_000);
        execute(first, "cloud_admin", spec.adminPassword(), "postgres", List.of("CREATE DATABASE shop OWNER alice"));
        execute(
                first,
                "alice",
                "alice-secret",
                "shop",
                List.of(
                        "CREATE TABLE orders (id int PRIMARY KEY, item text)",
                        "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 100) g"));
        assertThat(queryInt(
                        first,
                        "cloud_admin",
                        spec.adminPassword(),
                        "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'"))
                .isGreaterThanOrEqualTo(2);
        assertThatThrownBy(() -> connect(first, "alice", "wrong", "shop"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");

        driver.stop(spec.endpointId());
        assertThat(driver.running(spec.endpointId())).isEmpty();
        EndpointDirectory.State stopped = directory(spec).readState();
        assertThat(stopped.cleanStop()).isNotNull();
        assertThat(stopped.cleanStop().lsn())
                .isEqualTo(storage.timeline(tenant, timeline).lastRecordLsn());

        // nothing wrote since: the data directory of the clean stop is reused, on the same port
        double reusedBefore = startCount("cache");
        RunningCompute second = driver.start(spec);
        assertThat(startCount("cache")).isEqualTo(reusedBefore + 1);
        assertThat(second.port()).isEqualTo(first.port());
        assertThat(second.startLsn()).isEqualTo(stopped.cleanStop().lsn());
        assertThat(queryInt(second, "alice", "alice-secret", "shop", "SELECT count(*) FROM orders"))
                .isEqualTo(100);
        execute(second, "alice", "alice-secret", "shop", List.of("INSERT INTO orders VALUES (101, 'after reuse')"));
        driver.stop(spec.endpointId());

        // another endpoint writes to the branch: the first one's data directory is stale now
        ComputeSpec other = spec("ep-rows-other", timeline);
        RunningCompute writer = driver.start(other);
        assertThat(writer.port()).isNotEqualTo(first.port());
        execute(writer, "alice", "alice-secret", "shop", List.of("INSERT INTO orders VALUES (102, 'elsewhere')"));
        driver.stop(other.endpointId());

        double restoredBefore = startCount("basebackup");
        RunningCompute third = driver.start(spec);
        assertThat(startCount("basebackup")).isEqualTo(restoredBefore + 1);
        assertThat(third.port()).isEqualTo(first.port());
        assertThat(queryInt(third, "alice", "alice-secret", "shop", "SELECT count(*) FROM orders"))
                .isEqualTo(102);
        driver.stop(spec.endpointId());
    }

    @Test
    void concurrentStartsOfAnEndpointStartOneCompute() throws Exception {
        TimelineId timeline = bootstrap();
        ComputeSpec spec = spec("ep-concurrent", timeline);
        double startsBefore = startCount(null);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RunningCompute>> starts = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                starts.add(executor.submit(() -> {
                    go.await();
                    return driver.start(spec);
                }));
            }
            go.countDown();
        }
        RunningCompute a = starts.get(0).get();
        RunningCompute b = starts.get(1).get();
        assertThat(a).isEqualTo(b);
        assertThat(startCount(null)).isEqualTo(startsBefore + 1);
        assertThat(driver.running(spec.endpointId())).contains(a);
        assertThat(postmastersOn(directory(spec).dataDir())).isEqualTo(1);
        // a start of a running compute returns it as it is
        assertThat(driver.start(spec)).isEqualTo(a);
        driver.stop(spec.endpointId());
        assertThat(postmastersOn(directory(spec).dataDir())).isZero();
        // stopping a stopped endpoint does nothing
        driver.stop(spec.endpointId());
    }

    @Test
    void clientConnectionsCountClientsButNotThePlatformsOwnRoles() throws Exception {
        TimelineId timeline = bootstrap();
        ComputeSpec spec = spec("ep-clients", timeline);
        assertThat(driver.clientConnections(spec.endpointId())).isEmpty();
        RunningCompute compute = driver.start(spec);
        execute(
                compute,
                "cloud_admin",
                spec.adminPassword(),
                "postgres",
                List.of("CREATE ROLE bob LOGIN PASSWORD 'bob'"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> driver.clientConnections(spec.endpointId()).orElseThrow() == 0);
        try (Connection admin = connect(compute, "cloud_admin", spec.adminPassword(), "postgres");
                Connection bob = connect(compute, "bob", "bob", "postgres")) {
            assertThat(driver.clientConnections(spec.endpointId())).contains(1);
            try (Connection bob2 = connect(compute, "bob", "bob", "postgres")) {
                assertThat(driver.clientConnections(spec.endpointId())).contains(2);
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> driver.clientConnections(spec.endpointId()).orElseThrow() == 0);
        driver.stop(spec.endpointId());
        assertThat(driver.clientConnections(spec.endpointId())).isEmpty();
    }

    @Test
    void anUnknownTimelineFailsWithAClearErrorAndLeavesNothingRunning() {
        ComputeSpec spec = spec("ep-unknown", TimelineId.generate());
        assertThatThrownBy(() -> driver.start(spec))
                .isInstanceOf(ComputeStartException.class)
                .hasMessageContaining("ep-unknown")
                .hasMessageContaining("has no timeline " + spec.timeline());
        assertThat(driver.running(spec.endpointId())).isEmpty();
        assertThat(directory(spec).hasDataDirectory()).isFalse();
    }

    @Test
    void aPostgresThatCannotStartFailsWithTheEndOfItsLogAndIsCleanedUp() {
        TimelineId timeline = bootstrap();
        ComputeSpec spec =
                new ComputeSpec("ep-broken", tenant, timeline, 0, "admin-secret", Map.of("shared_buffers", "lots"));
        assertThatThrownBy(() -> driver.start(spec))
                .isInstanceOf(ComputeStartException.class)
                .hasMessageContaining("starting Postgres")
                .satisfies(
                        e -> assertThat(((ComputeStartException) e).logTail()).contains("shared_buffers"));
        assertThat(driver.running(spec.endpointId())).isEmpty();
        assertThat(directory(spec).hasDataDirectory()).isFalse();
        assertThat(postmastersOn(directory(spec).dataDir())).isZero();

        // the endpoint starts once its settings are fixed
        ComputeSpec fixed = new ComputeSpec("ep-broken", tenant, timeline, 0, "admin-secret", Map.of());
        RunningCompute compute = driver.start(fixed);
        assertThat(compute.startLsn()).isNotNull();
        driver.stop(fixed.endpointId());
    }

    @Test
    void aManagedSettingIsRejectedBeforeAnythingStarts() {
        ComputeSpec spec = new ComputeSpec(
                "ep-managed", tenant, TimelineId.generate(), 0, "admin-secret", Map.of("listen_addresses", "*"));
        assertThatThrownBy(() -> driver.start(spec))
                .isInstanceOf(ComputeStartException.class)
                .hasMessageContaining("'listen_addresses' is managed by the platform");
    }

    @Test
    void aComputeLeftByACrashedControlPlaneIsStoppedAndTheEndpointStartsWithItsRows() throws Exception {
        TimelineId timeline = bootstrap();
        ComputeSpec spec = spec("ep-orphan", timeline);
        LocalComputeDriver crashed = newDriver(new SimpleMeterRegistry());
        RunningCompute before = crashed.start(spec);
        execute(
                before,
                "cloud_admin",
                spec.adminPassword(),
                "postgres",
                List.of("CREATE TABLE t (v int)", "INSERT INTO t SELECT generate_series(1, 10)"));
        long orphan = directory(spec).postmasterPid().orElseThrow();

        // the control plane restarts without having stopped its computes
        SimpleMeterRegistry restartedMeters = new SimpleMeterRegistry();
        LocalComputeDriver restarted = newDriver(restartedMeters);
        assertThat(restarted.running(spec.endpointId())).isEmpty();
        RunningCompute after = restarted.start(spec);
        assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(after.port()).isEqualTo(before.port());
        assertThat(queryInt(after, "cloud_admin", spec.adminPassword(), "SELECT count(*) FROM t"))
                .isEqualTo(10);
        assertThat(postmastersOn(directory(spec).dataDir())).isEqualTo(1);
        restarted.stop(spec.endpointId());
    }

    @Test
    void aComputeWhosePostgresDiedIsNotRunningAndStartsAgainWithItsRows() throws Exception {
        TimelineId timeline = bootstrap();
        ComputeSpec spec = spec("ep-killed", timeline);
        RunningCompute first = driver.start(spec);
        execute(
                first,
                "cloud_admin",
                spec.adminPassword(),
                "postgres",
                List.of("CREATE TABLE t (v int)", "INSERT INTO t SELECT generate_series(1, 7)"));
        ProcessHandle.of(directory(spec).postmasterPid().orElseThrow())
                .orElseThrow()
                .destroyForcibly();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> driver.running(spec.endpointId()).isEmpty());
        assertThat(driver.clientConnections(spec.endpointId())).isEmpty();
        RunningCompute second = driver.start(spec);
        assertThat(second.startedAt()).isAfter(first.startedAt());
        assertThat(queryInt(second, "cloud_admin", spec.adminPassword(), "SELECT count(*) FROM t"))
                .isEqualTo(7);
        driver.stop(spec.endpointId());
    }

    @Test
    void onShutdownEveryComputeIsStoppedCleanlyAndNoneStarts() throws Exception {
        SimpleMeterRegistry appMeters = new SimpleMeterRegistry();
        LocalComputeDriver app = newDriver(appMeters);
        List<ComputeSpec> specs = List.of(spec("ep-shutdown-a", bootstrap()), spec("ep-shutdown-b", bootstrap()));
        for (ComputeSpec spec : specs) {
            RunningCompute compute = app.start(spec);
            execute(compute, "cloud_admin", spec.adminPassword(), "postgres", List.of("CREATE TABLE t (v int)"));
        }
        assertThat(appMeters.get("xenon.computes.running").gauge().value()).isEqualTo(2.0);

        app.stopAll();

        assertThat(appMeters.get("xenon.computes.running").gauge().value()).isZero();
        assertThat(appMeters
                        .get("xenon.compute.stops")
                        .tag("outcome", "clean")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        for (ComputeSpec spec : specs) {
            assertThat(app.running(spec.endpointId())).isEmpty();
            assertThat(postmastersOn(directory(spec).dataDir())).isZero();
            assertThat(directory(spec).readState().cleanStop()).isNotNull();
            assertThatThrownBy(() -> app.start(spec))
                    .isInstanceOf(ComputeStartException.class)
                    .hasMessageContaining("shutting down");
        }
    }

    private TimelineId bootstrap() {
        TimelineId timeline = TimelineId.generate();
        TimelineInfo info = storage.bootstrapTimeline(tenant, timeline, null);
        assertThat(info.lastRecordLsn()).isNotEqualTo(Lsn.INVALID);
        return timeline;
    }

    private ComputeSpec spec(String endpointId, TimelineId timeline) {
        return new ComputeSpec(endpointId, tenant, timeline, 0, "admin-secret-" + endpointId, Map.of());
    }

    private EndpointDirectory directory(ComputeSpec spec) {
        return EndpointDirectory.of(baseDir.resolve("computes"), spec.endpointId());
    }

    /** Successful starts so far, of one source ({@code cache}, {@code basebackup}) or all. */
    private double startCount(String source) {
        var timers = meters.find("xenon.compute.start");
        if (source != null) {
            timers = timers.tag("source", source);
        }
        return timers.timers().stream().mapToLong(t -> t.count()).sum();
    }

    /** Postmasters running on a data directory: processes started as {@code postgres -D <dir>}. */
    private static long postmastersOn(Path dataDir) {
        String dir = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> List.of(args).contains(dir))
                        .orElse(false))
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .count();
    }

    private static Connection connect(RunningCompute compute, String user, String password, String database)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + compute.host() + ":" + compute.port() + "/" + database, props);
    }

    private static void execute(
            RunningCompute compute, String user, String password, String database, List<String> statements)
            throws SQLException {
        try (Connection c = connect(compute, user, password, database);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static int queryInt(RunningCompute compute, String user, String password, String sql) throws SQLException {
        return queryInt(compute, user, password, "postgres", sql);
    }

    private static int queryInt(RunningCompute compute, String user, String password, String database, String sql)
            throws SQLException {
        try (Connection c = connect(compute, user, password, database);
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Prints the data plane's logs when a test fails. */
    static final class LogsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            XenonNodes nodes = current;
            if (nodes != null) {
                System.err.println("==== data plane logs of " + context.getDisplayName() + " ====\n" + nodes.logs());
            }
        }
    }
}
