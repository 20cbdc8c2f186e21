package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.FollowRequest;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.testsupport.ComputeStarter;
import dev.xenon.testsupport.Ledger;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.ProcessPlatform;
import dev.xenon.testsupport.TestDirectories;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9's fault scenarios: the local platform as processes ({@link ProcessPlatform}), the
 * acknowledged-write ledger ({@link Ledger}) running through the proxy, and one fault per scenario.
 * After each run the ledger is checked on the branch after recovery — the endpoint suspended and
 * woken, so the rows come back from the storage node and the WAL nodes, not from a compute's disk:
 * every acknowledged commit present, none twice, totals conserved.
 *
 * <p>Each scenario runs {@code -Dxenon.faults.runs} times (1 by default, as in CI); every run adds
 * a row to {@code target/reliability/results.md}, the table of {@code docs/reliability.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultScenariosIT {

    static final int RUNS = Integer.getInteger("xenon.faults.runs", 1);
    static final int INSERTERS = 4;
    static final int TRANSFERRERS = 2;
    static final Duration PROGRESS = Duration.ofSeconds(90);
    /**
     * Each client's pause between commits: a steady load (a few hundred commits a second here) that
     * leaves the machine room to restart what a scenario kills.
     */
    static final Duration CLIENT_PAUSE = Duration.ofMillis(10);
    /** How long a fault lasts at least while the workload runs. */
    static final Duration FAULT_WINDOW = Duration.ofSeconds(3);

    ProcessPlatform platform;
    /** Per scenario: runs, acknowledged, lost, duplicated, in doubt, failed runs (in the order run). */
    final java.util.Map<String, long[]> results = new java.util.LinkedHashMap<>();

    final List<String> problems = new ArrayList<>();
    /** The generated role passwords of every project made (from their connection URIs). */
    final List<String> rolePasswords = new ArrayList<>();

    /** A project under test: its ids and its owner's connection URI. */
    record Project(String id, String branchId, String endpointId, String uri) {}

    @BeforeAll
    void startThePlatform() {
        platform = ProcessPlatform.start();
    }

    @AfterEach
    void reportOnFailure() {
        if (!problems.isEmpty()) {
            System.out.println(platform.report());
            problems.clear();
        }
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (platform == null) {
            return; // it never started; the failure says why
        }
        try {
            Path out = Path.of("target", "reliability", "results.md");
            Files.createDirectories(out.getParent());
            List<String> table = new ArrayList<>(List.of(
                    "| Scenario | Runs | Acknowledged commits | Lost | Duplicated | In doubt | Failed runs |",
                    "|---|---:|---:|---:|---:|---:|---:|"));
            results.forEach((name, r) -> table.add(
                    String.format("| %s | %d | %d | %d | %d | %d | %d |", name, r[0], r[1], r[2], r[3], r[4], r[5])));
            Files.write(out, table, StandardCharsets.UTF_8);
            System.out.println("[faults] results (" + out.toAbsolutePath() + "):\n" + String.join("\n", table));
        } finally {
            platform.close();
        }
        // the children got their secrets through the environment; none may show up in a log
        List<String> secrets = new ArrayList<>(platform.secrets());
        secrets.addAll(rolePasswords);
        List<String> leaks = new ArrayList<>();
        for (Path log : platform.logFiles()) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    leaks.add(log + " holds a secret of " + secret.length() + " characters");
                }
            }
        }
        assertThat(platform.logFiles()).as("the processes' logs").hasSizeGreaterThan(6);
        assertThat(leaks).as("secrets in the logs").isEmpty();
    }

    // ---- scenarios

    @Test
    void killOneWalNode() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            int victim = run % 3;
            scenario("kill -9 one WAL node, restart it", run, (p, ledger) -> {
                progress(ledger, 150);
                Ledger.Mark mark = ledger.mark();
                platform.killWalNode(victim);
                // a quorum of two remains: commits go on
                hold(ledger, FAULT_WINDOW, 150);
                platform.restartWalNode(victim);
                progress(ledger, 100);
                ledger.stop();
                branchAtMark(p, ledger, mark);
            });
        }
    }

    @Test
    void killTwoWalNodesThenRestoreOne() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            int first = run % 3;
            int second = (run + 1) % 3;
            scenario("kill -9 two WAL nodes, restore one", run, (p, ledger) -> {
                progress(ledger, 150);
                platform.killWalNode(first);
                platform.killWalNode(second);
                // commits in flight when the second died may still complete; then nothing can
                Thread.sleep(1_000);
                long blockedAt = ledger.acknowledged();
                Thread.sleep(3_000);
                assertThat(ledger.acknowledged())
                        .as("no commit is acknowledged with one WAL node of three")
                        .isEqualTo(blockedAt);
                platform.restartWalNode(first);
                // the commits that waited complete, new ones follow while the other comes back
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> platform.restartWalNode(second));
                progress(ledger, 150);
                other.join();
                progress(ledger, 50);
            });
        }
    }

    @Test
    void pauseOneWalNode() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            int victim = (run + 2) % 3;
            scenario("kill -STOP one WAL node, then -CONT", run, (p, ledger) -> {
                progress(ledger, 100);
                platform.pauseWalNode(victim);
                // a hung node is not a dead one: its sockets stay open; the other two carry on
                hold(ledger, FAULT_WINDOW, 150);
                platform.resumeWalNode(victim);
                progress(ledger, 100);
            });
        }
    }

    @Test
    void killTheStorageNodeAndWipeItsDisk() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            scenario("kill -9 the storage node, wipe its disk, restart", run, (p, ledger) -> {
                progress(ledger, 150);
                platform.killStorageNode();
                // the write path does not go through the storage node
                hold(ledger, FAULT_WINDOW, 150);
                assertThat(platform.s3Objects())
                        .as("what the storage node uploaded to S3")
                        .anyMatch(k -> k.endsWith("index.json"));
                platform.wipeStorageNodeDisk();
                platform.restartStorageNode();
                progress(ledger, 100);
                Ledger.Mark mark = ledger.mark();
                progress(ledger, 100);
                ledger.stop();
                // a branch and the wake below both read from what the node rebuilt from remote storage
                branchAtMark(p, ledger, mark);
            });
        }
    }

    @Test
    void cutTheStorageNodeOffFromTheWalNodes() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            scenario("cut, then slow, the storage node's links to the WAL nodes", run, (p, ledger) -> {
                progress(ledger, 100);
                StorageTimeline timeline = storageTimeline(p);
                platform.cutStorageNodeFromWalNodes();
                // commits need the WAL nodes only; the storage node falls behind
                hold(ledger, FAULT_WINDOW, 100);
                Lsn cutAt = ingested(timeline);
                Ledger.Mark mark = ledger.mark();
                hold(ledger, FAULT_WINDOW, 100);
                assertThat(ingested(timeline))
                        .as("the storage node ingests nothing while cut off")
                        .isEqualTo(cutAt);
                platform.healStorageNodeLinks();
                platform.delayStorageNodeToWalNodes(Duration.ofMillis(50));
                hold(ledger, FAULT_WINDOW, 100);
                platform.healStorageNodeLinks();
                ledger.stop();
                // the branch point was never ingested during the cut: the storage node catches up first
                branchAtMark(p, ledger, mark);
            });
        }
    }

    @Test
    void killTheComputeMidTransactionAndWakeIt() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            scenario("kill -9 the compute mid-transaction, wake it", run, (p, ledger) -> {
                progress(ledger, 200);
                platform.killCompute(p.endpointId());
                // the clients reconnect through the proxy, which wakes the endpoint again
                progress(ledger, 200);
            });
        }
    }

    @Test
    void killTheProxy() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            scenario("kill -9 the proxy, restart it", run, (p, ledger) -> {
                progress(ledger, 100);
                platform.killProxy();
                // every client connection went through it: all fail, in doubt if a commit was under way
                Thread.sleep(1_000);
                platform.restartProxy();
                progress(ledger, 200);
            });
        }
    }

    @Test
    void killConsoleAppDuringBranchCreation() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            int r = run;
            scenario("kill -9 console-app during branch creation", run, (p, ledger) -> {
                progress(ledger, 100);
                JsonNode created = call(
                        "POST",
                        "/projects/" + p.id() + "/branches",
                        "{\"branch\":{\"name\":\"during-kill-" + r + "\"},\"endpoints\":[{\"type\":\"read_write\"}]}",
                        201);
                String branch = created.path("branch").path("id").asString();
                // somewhere inside the operations: creating the timeline, starting the compute
                Thread.sleep(100L * r % 700);
                platform.killConsole();
                progress(ledger, 50);
                platform.restartConsole();
                // every operation ends — finished, or failed for good — never running forever
                List<JsonNode> ops = awaitTerminal(p.id());
                JsonNode listed = call("GET", "/projects/" + p.id() + "/branches", null, 200)
                        .path("branches");
                boolean exists = listed.valueStream()
                        .anyMatch(b -> b.path("id").asString().equals(branch));
                boolean allFinished =
                        ops.stream().allMatch(o -> o.path("status").asString().equals("finished"));
                platform.fault(
                        "after restart: branch %s %s, operations %s",
                        branch,
                        exists ? "exists" : "is gone",
                        ops.stream()
                                .map(o -> o.path("action").asString() + "="
                                        + o.path("status").asString())
                                .toList());
                if (exists) {
                    // not half-made: it answers, with a consistent copy of the ledger
                    if (!allFinished) {
                        // a failed start of its endpoint is retried by a start, as a user would
                        awaitOperations(
                                p.id(),
                                call(
                                                "POST",
                                                "/projects/" + p.id() + "/endpoints/" + endpointOf(p.id(), branch)
                                                        + "/start",
                                                null,
                                                200)
                                        .path("operations"));
                    }
                    try (Connection c = connect(connectionUri(p.id(), branch))) {
                        Ledger.Report copy = ledger.checkCopy(c);
                        assertThat(copy.problems())
                                .as("the branch made during the kill")
                                .isEmpty();
                    }
                }
                progress(ledger, 100);
            });
        }
    }

    @Test
    void aSecondComputeWithAForgedOldTermNeverCommits() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            int r = run;
            scenario("a second compute on the branch with a forged old term", run, (p, ledger) -> {
                progress(ledger, 100);
                // a restart is a new election: the term before it is a real, past one to forge
                awaitOperations(
                        p.id(),
                        call("POST", "/projects/" + p.id() + "/endpoints/" + p.endpointId() + "/restart", null, 200)
                                .path("operations"));
                progress(ledger, 100);
                StorageTimeline st = storageTimeline(p);
                TenantId tenant = st.tenant();
                TimelineId timeline = st.timeline();
                List<WalNodeClient> walNodes = platform.walNodes().stream()
                        .map(n -> new WalNodeClient(n.url()))
                        .toList();
                TimelineStatus current = walNodes.getFirst().status(timeline);
                Term forged = Term.of(current.term().value() - 1);
                assertThat(forged.value()).as("a term the branch had before").isPositive();
                // the impostor: a real Postgres on the branch's data, set up exactly as a compute is
                StorageNodeClient storage =
                        new StorageNodeClient(platform.storageNode().url());
                Path dir = TestDirectories.create("impostor");
                Path tar = dir.resolve("base.tar");
                try (InputStream in = storage.basebackup(tenant, timeline, null)) {
                    Files.copy(in, tar);
                }
                try (PostgresServer impostor = PostgresServer.builder()
                        .name("impostor-" + r)
                        .restoreFrom(tar)
                        .setting("synchronous_commit", "on")
                        .setting("synchronous_standby_names", ComputeStarter.SYNC_NAMES)
                        .setting("max_wal_senders", "10")
                        .setting("max_replication_slots", "10")
                        .start()) {
                    platform.fault("impostor compute on port %d, forging term %s", impostor.port(), forged);
                    ComputeConnection connection = new ComputeConnection(
                            "127.0.0.1", impostor.port(), impostor.superuser(), impostor.password());
                    for (WalNodeClient node : walNodes) {
                        assertThatThrownBy(() -> node.putTerm(timeline, forged))
                                .as("%s takes the old term %s", node, forged)
                                .isInstanceOf(RuntimeException.class);
                        assertThatThrownBy(() -> node.follow(
                                        timeline,
                                        new FollowRequest(forged, current.flushLsn(), null, null, connection)))
                                .as("%s follows a compute of the old term %s", node, forged)
                                .isInstanceOf(RuntimeException.class);
                        // nor in the current term, which another compute holds
                        assertThatThrownBy(() -> node.follow(
                                        timeline,
                                        new FollowRequest(current.term(), current.flushLsn(), null, null, connection)))
                                .as("%s follows a second compute in the current term %s", node, current.term())
                                .isInstanceOf(RuntimeException.class)
                                .hasMessageContaining("TERM_TAKEN");
                    }
                    // its commit waits for WAL nodes that never come
                    CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                        try (Connection c = impostor.connect("neondb");
                                Statement s = c.createStatement()) {
                            s.execute("INSERT INTO ledger (id, client) VALUES (-" + r + ", -1)");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    hold(ledger, FAULT_WINDOW, 100);
                    assertThat(commit)
                            .as("the impostor's commit is still waiting for a quorum")
                            .isNotDone();
                    impostor.kill();
                    try {
                        commit.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        // its connection died with it: never acknowledged
                    }
                    assertThat(commit.isCompletedExceptionally() || !commit.isDone())
                            .as("the impostor's commit was never acknowledged")
                            .isTrue();
                } finally {
                    TestDirectories.deleteRecursively(dir);
                }
                ledger.stop();
                try (Connection c = connect(p.uri());
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM ledger WHERE id < 0")) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("the impostor's row on the branch")
                            .isZero();
                }
            });
        }
    }

    // ---- the frame of every run

    @FunctionalInterface
    interface Body {
        void run(Project project, Ledger ledger) throws Exception;
    }

    /**
     * A new project; the ledger through the proxy; the scenario's faults; the ledger stopped; the
     * endpoint suspended and woken through the proxy; the check. A row of the results either way.
     */
    private void scenario(String name, int run, Body body) throws Exception {
        platform.fault("== %s, run %d/%d", name, run, RUNS);
        Project p = newProject(name.replaceAll("[^a-z0-9]+", "-") + "-" + run);
        Ledger ledger = new Ledger(() -> connect(p.uri()), INSERTERS, TRANSFERRERS, m -> platform.fault("%s", m))
                .pause(CLIENT_PAUSE);
        ledger.createTables();
        ledger.start();
        Ledger.Report report = null;
        try {
            body.run(p, ledger);
            ledger.stop();
            platform.fault("workload stopped: %d acknowledged, %d errors", ledger.acknowledged(), ledger.errors());
            awaitOperations(
                    p.id(),
                    call("POST", "/projects/" + p.id() + "/endpoints/" + p.endpointId() + "/suspend", null, 200)
                            .path("operations"));
            try (Connection c = connect(p.uri())) {
                report = ledger.check(c);
            }
            platform.fault("%s run %d: %s", name, run, report);
            assertThat(report.problems())
                    .as("%s, run %d: %s", name, run, report)
                    .isEmpty();
        } catch (Throwable t) {
            problems.add(name + " run " + run + ": " + t);
            throw t;
        } finally {
            ledger.stop();
            long[] row = results.computeIfAbsent(name, k -> new long[6]);
            row[0]++;
            if (report == null) {
                row[5]++;
            } else {
                row[1] += report.acknowledged() + report.transfersAcknowledged();
                row[2] += report.lost() + report.transfersLost();
                row[3] += report.duplicated();
                row[4] += report.inDoubt();
                if (!report.clean()) {
                    row[5]++;
                }
            }
            deleteProject(p);
        }
    }

    /** At least {@code commits} more acknowledged commits, and at least {@code time} passed. */
    private void hold(Ledger ledger, Duration time, int commits) throws InterruptedException {
        long start = System.nanoTime();
        progress(ledger, commits);
        long left = time.toNanos() - (System.nanoTime() - start);
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }

    private void progress(Ledger ledger, int commits) throws InterruptedException {
        assertThat(ledger.awaitMoreAcks(commits, PROGRESS))
                .as(
                        "%d more commits acknowledged within %s (%d so far, %d errors)",
                        commits, PROGRESS, ledger.acknowledged(), ledger.errors())
                .isTrue();
    }

    /** A branch at the mark's LSN holds the rows acknowledged before it and none begun after it. */
    private void branchAtMark(Project p, Ledger ledger, Ledger.Mark mark) throws Exception {
        JsonNode created = call(
                "POST",
                "/projects/" + p.id() + "/branches",
                "{\"branch\":{\"parent_id\":\"" + p.branchId() + "\",\"parent_lsn\":\"" + mark.lsn()
                        + "\"},\"endpoints\":[{\"type\":\"read_write\"}]}",
                201);
        awaitOperations(p.id(), created.path("operations"));
        String branch = created.path("branch").path("id").asString();
        try (Connection c = connect(connectionUri(p.id(), branch))) {
            List<String> found = ledger.checkBranchAt(mark, c);
            platform.fault("branch at %s: %s", mark.lsn(), found.isEmpty() ? "exact" : found);
            assertThat(found).as("branch at %s", mark.lsn()).isEmpty();
        }
    }

    record StorageTimeline(TenantId tenant, TimelineId timeline) {}

    /** The storage node's ids of a project's default branch, from the control plane's metadata. */
    private StorageTimeline storageTimeline(Project p) throws SQLException {
        try (Connection m = platform.metadata();
                PreparedStatement q = m.prepareStatement("SELECT p.tenant_id, b.timeline_id FROM branches b"
                        + " JOIN projects p ON p.id = b.project_id WHERE b.id = ?")) {
            q.setString(1, p.branchId());
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new StorageTimeline(TenantId.parse(rs.getString(1)), TimelineId.parse(rs.getString(2)));
            }
        }
    }

    private Lsn ingested(StorageTimeline t) {
        return new StorageNodeClient(platform.storageNode().url())
                .timeline(t.tenant(), t.timeline())
                .lastRecordLsn();
    }

    private Project newProject(String name) throws InterruptedException {
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"" + name + "\"}}", 201);
        String project = created.path("project").path("id").asString();
        awaitOperations(project, created.path("operations"));
        String uri =
                created.path("connection_uris").path(0).path("connection_uri").asString();
        rolePasswords.add(URLDecoder.decode(URI.create(uri).getRawUserInfo().split(":", 2)[1], StandardCharsets.UTF_8));
        return new Project(
                project,
                created.path("branch").path("id").asString(),
                created.path("endpoints").path(0).path("id").asString(),
                uri);
    }

    private void deleteProject(Project p) {
        try {
            call("DELETE", "/projects/" + p.id(), null, 200);
        } catch (AssertionError | RuntimeException e) {
            platform.fault("could not delete %s: %s", p.id(), e.getMessage());
        }
    }

    private String connectionUri(String project, String branch) {
        return call(
                        "GET",
                        "/projects/" + project + "/connection_uri?branch_id=" + branch
                                + "&database_name=neondb&role_name=neondb_owner",
                        null,
                        200)
                .path("uri")
                .asString();
    }

    private String endpointOf(String project, String branch) {
        return call("GET", "/projects/" + project + "/branches/" + branch + "/endpoints", null, 200)
                .path("endpoints")
                .path(0)
                .path("id")
                .asString();
    }

    /** Waits (3 minutes at most) until no operation of the project is scheduling or running; returns them all. */
    private List<JsonNode> awaitTerminal(String project) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            List<JsonNode> ops = call("GET", "/projects/" + project + "/operations", null, 200)
                    .path("operations")
                    .valueStream()
                    .toList();
            if (ops.stream().noneMatch(o -> List.of("scheduling", "running")
                    .contains(o.path("status").asString()))) {
                return ops;
            }
            assertThat(System.nanoTime()).as("operations end: %s", ops).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private void awaitOperations(String project, JsonNode operations) throws InterruptedException {
        PlatformApi.awaitOperations(platform.apiUrl(), platform.apiKey(), project, operations);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        return PlatformApi.call(platform.apiUrl(), platform.apiKey(), method, path, body, expectedStatus);
    }

    /**
     * pgjdbc to a {@code postgresql://role:password@host:port/db?options=…} URI, with timeouts: a
     * commit blocked longer than the socket timeout counts as in doubt, never as acknowledged.
     */
    static Connection connect(String uri) throws SQLException {
        return PlatformApi.connect(uri, 30, 120);
    }
}
