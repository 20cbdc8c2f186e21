package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.common.walnode.WalNodeClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acked-write ledger: while clients commit, one WAL node is killed with {@code kill -9} and
 * restarted. Afterwards every WAL node is killed and restarted too, so what counts is only what
 * each persisted; every commit a client saw acknowledged must have its commit record in the
 * persisted WAL of at least two nodes.
 */
@ExtendWith(QuorumLogsOnFailure.class)
class DurabilityLedgerIT {

    private static final int CLIENTS = 4;

    WalQuorum quorum;

    @AfterEach
    void tearDown() {
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void everyAcknowledgedCommitIsDurableOnTwoNodesAcrossKillNine() throws Exception {
        quorum = WalQuorum.streaming();
        quorum.execute("CREATE TABLE ledger (id bigserial primary key, client int, n int, payload text)");

        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int id = client;
            clients.add(pool.submit(() -> {
                runClient(id, running, acked);
                return null;
            }));
        }
        Thread.sleep(2500);
        int before = acked.size();
        quorum.nodes.get(1).kill();
        Thread.sleep(2000);
        quorum.nodes.get(1).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> quorum.streamingNodes() == 3);
        Thread.sleep(2000);
        running.set(false);
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();
        assertThat(before).as("commits before the kill").isGreaterThan(20);
        assertThat(acked.size()).as("commits in all").isGreaterThan(before);

        // Crash every node now: only what it fsynced survives; then read each one's WAL back.
        List<Set<Long>> committedPerNode = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            quorum.nodes.get(i).kill();
            quorum.nodes.get(i).start();
            WalNodeClient node = quorum.clients.get(i);
            TimelineStatus status = node.status(quorum.timeline);
            byte[] wal = WalFiles.read(node, quorum.timeline, status.localStartLsn(), status.flushLsn());
            Set<Long> committed = new HashSet<>();
            Lsn lastEnd = status.localStartLsn();
            for (WalRecord r : WalFiles.records(status.localStartLsn(), wal)) {
                if (r.isCommit()) {
                    committed.add(Integer.toUnsignedLong(r.xid()));
                }
                lastEnd = r.end();
            }
            assertThat(lastEnd)
                    .as("records of %s end at its flush LSN", quorum.nodes.get(i))
                    .isEqualTo(status.flushLsn());
            committedPerNode.add(committed);
        }
        List<Long> lost = new ArrayList<>();
        for (long xid : acked) {
            long copies =
                    committedPerNode.stream().filter(set -> set.contains(xid)).count();
            if (copies < 2) {
                lost.add(xid);
            }
        }
        assertThat(lost)
                .as("acknowledged commits on fewer than two WAL nodes (of %d acked)", acked.size())
                .isEmpty();
    }

    private void runClient(int client, AtomicBoolean running, ConcurrentLinkedQueue<Long> acked) {
        int n = 0;
        while (running.get()) {
            try (Connection c = quorum.compute.connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement(
                                "INSERT INTO ledger (client, n, payload) VALUES (?, ?, repeat('x', 200))");
                        PreparedStatement xid = c.prepareStatement("SELECT txid_current()")) {
                    while (running.get()) {
                        insert.setInt(1, client);
                        insert.setInt(2, n++);
                        insert.executeUpdate();
                        long id;
                        try (ResultSet rs = xid.executeQuery()) {
                            rs.next();
                            id = rs.getLong(1) & 0xFFFFFFFFL;
                        }
                        c.commit();
                        acked.add(id);
                    }
                }
            } catch (SQLException e) {
                // A commit that failed was not acknowledged: it is not in the ledger.
            }
        }
    }
}
