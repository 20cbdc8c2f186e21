package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Term;
import dev.xenon.common.walnode.TimelineStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Quorum commit over three real WAL nodes, and term fencing. */
@ExtendWith(QuorumLogsOnFailure.class)
class QuorumCommitIT {

    WalQuorum quorum;

    @BeforeEach
    void setUp() throws Exception {
        quorum = WalQuorum.streaming();
    }

    @AfterEach
    void tearDown() {
        quorum.close();
    }

    @Test
    void commitsWithThreeAndTwoNodesBlocksWithOneAndCompletesWhenASecondReturns() throws Exception {
        try (Connection c = quorum.compute.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key, note text)");
            s.execute("INSERT INTO t VALUES (1, 'three nodes')");

            quorum.nodes.get(2).kill();
            s.execute("INSERT INTO t VALUES (2, 'two nodes')");

            quorum.nodes.get(1).kill();
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s2 = c.createStatement()) {
                    s2.execute("INSERT INTO t VALUES (3, 'one node, then two')");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // The commit is written locally and waits for a second WAL node's flush.
            await().atMost(Duration.ofSeconds(20)).until(() -> syncRepWaiters() == 1);
            Thread.sleep(1500);
            assertThat(blocked).isNotDone();
            assertThat(syncRepWaiters()).isEqualTo(1);

            quorum.nodes.get(1).start();
            blocked.get(60, java.util.concurrent.TimeUnit.SECONDS);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
    }

    @Test
    void aNewTermOnTwoNodesFencesTheOldCompute() throws Exception {
        try (Connection c = quorum.compute.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key)");
            s.execute("INSERT INTO t VALUES (1)");

            for (int i = 0; i < 2; i++) {
                var vote = quorum.clients.get(i).putTerm(quorum.timeline, Term.of(2));
                assertThat(vote.term()).isEqualTo(Term.of(2));
                assertThat(vote.lastLogTerm()).isEqualTo(Term.of(1));
            }
            for (int i = 0; i < 2; i++) {
                TimelineStatus st = quorum.clients.get(i).status(quorum.timeline);
                assertThat(st.term()).isEqualTo(Term.of(2));
                assertThat(st.connected()).isFalse();
            }
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                try (Statement s2 = c.createStatement()) {
                    s2.execute("INSERT INTO t VALUES (2)");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> syncRepWaiters() == 1);
            // Only wal-2 (still term 1) acknowledges; the fenced nodes never reconnect to term 1.
            Thread.sleep(3000);
            assertThat(commit).isNotDone();
            assertThat(quorum.streamingNodes()).isEqualTo(1);
            quorum.queryString(
                    "SELECT pg_cancel_backend(pid)::text FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
            await().atMost(Duration.ofSeconds(10)).until(commit::isDone);
        }
    }

    private int syncRepWaiters() throws Exception {
        return Integer.parseInt(
                quorum.queryString("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"));
    }
}
