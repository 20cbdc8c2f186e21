package dev.xenon.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A compute (real Postgres with quorum commit over three WAL nodes) and three WAL nodes as child
 * JVMs, wired as the control plane wires them: election, then every voter follows the compute.
 */
final class WalQuorum implements AutoCloseable {

    static final List<String> NAMES = List.of("wal-0", "wal-1", "wal-2");

    final Path baseDir = TestDirectories.create("quorum");
    final TimelineId timeline = TimelineId.generate();
    final PostgresServer compute;
    final List<WalNodeProcess> nodes = new ArrayList<>();
    final List<WalNodeClient> clients = new ArrayList<>();

    WalQuorum() {
        compute = PostgresServer.builder()
                .name("compute")
                .setting("wal_level", "replica")
                .setting("max_wal_senders", "10")
                .setting("max_replication_slots", "10")
                .setting("synchronous_commit", "on")
                .setting("synchronous_standby_names", "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")")
                .start();
        for (String name : NAMES) {
            WalNodeProcess node = new WalNodeProcess(name, baseDir);
            nodes.add(node);
            clients.add(new WalNodeClient(node.url()));
        }
        CompletableFuture.allOf(nodes.stream()
                        .map(n -> CompletableFuture.runAsync(n::start))
                        .toArray(CompletableFuture[]::new))
                .join();
    }

    /**
     * A quorum whose first term is elected and whose three nodes all stream from the compute; its
     * logs are printed if the running test fails.
     */
    static WalQuorum streaming() throws SQLException {
        WalQuorum quorum = new WalQuorum();
        QuorumLogsOnFailure.current = quorum;
        quorum.startFirstTerm();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> quorum.streamingNodes() == 3);
        return quorum;
    }

    /** Runs statements on the compute, each committed on its own. */
    void execute(String... statements) throws SQLException {
        try (Connection c = compute.connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    ComputeConnection computeConnection() {
        return new ComputeConnection(compute.host(), compute.port(), compute.superuser(), compute.password());
    }

    /** First term on a new timeline: WAL is kept from the start of the compute's current segment. */
    Election.Result startFirstTerm() throws SQLException {
        Lsn current = Lsn.parse(queryString("SELECT pg_current_wal_insert_lsn()::text"));
        Election election = new Election(clients);
        Election.Result result = election.elect(timeline, Term.of(1));
        result = result.startingAt(current.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE));
        election.follow(timeline, result, computeConnection());
        return result;
    }

    /** A new term elected among the nodes that answer; they follow the compute again. */
    Election.Result newTerm(List<WalNodeClient> voters, Term atLeast) {
        Election election = new Election(voters);
        Election.Result result = election.elect(timeline, atLeast);
        election.follow(timeline, result, computeConnection());
        return result;
    }

    String queryString(String sql) throws SQLException {
        try (Connection c = compute.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    int streamingNodes() throws SQLException {
        return Integer.parseInt(queryString(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'quorum'"));
    }

    /** Logs of every node and of the compute, for a failed test. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        for (WalNodeProcess n : nodes) {
            sb.append("---- ").append(n).append(" ----\n").append(tail(n.log()));
        }
        sb.append("---- compute ----\n").append(tail(compute.log()));
        return sb.toString();
    }

    private static String tail(String log) {
        return log.length() > 20_000 ? log.substring(log.length() - 20_000) : log;
    }

    @Override
    public void close() {
        nodes.forEach(WalNodeProcess::close);
        compute.close();
        TestDirectories.deleteRecursively(baseDir);
    }
}
