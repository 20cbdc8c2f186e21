package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.common.storagenode.LsnByTimestamp;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Computes start from the storage node's basebackups, with real Postgres, three real WAL nodes and
 * an S3 protocol server: restart at the last LSN, branches at an LSN and at a timestamp, branch of
 * a branch, and a restart of the storage node from S3 alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(StorageClusterLogsOnFailure.class)
class ComputeStartIT {

    StorageCluster cluster;

    @BeforeAll
    void start() throws Exception {
        cluster = StorageCluster.start();
        StorageClusterLogsOnFailure.current = cluster;
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNewComputeAtTheLastLsnHasEveryCommittedRowAndAcceptsWrites() throws Exception {
        TimelineId main = TimelineId.generate();
        TimelineInfo created = cluster.bootstrap(main);
        assertThat(created.layerCount()).isEqualTo(2);
        assertThat(created.remoteConsistentLsn()).isEqualTo(created.lastRecordLsn());

        StorageCluster.Compute first = cluster.startCompute(main);
        first.execute("CREATE TABLE t (v int)", "INSERT INTO t SELECT generate_series(1, 1000)");
        for (int i = 0; i < 20; i++) {
            first.insertCommitted("t", 5000 + i);
        }
        cluster.stopCompute(first);

        StorageCluster.Compute second = cluster.startCompute(main);
        assertThat(second.count("t")).isEqualTo(1020);
        assertThat(second.queryString("SELECT max(v) FROM t")).isEqualTo("5019");
        assertThat(second.queryString("SELECT timeline_id FROM pg_control_checkpoint()"))
                .isEqualTo("1");
        second.execute("INSERT INTO t VALUES (-1)");
        cluster.stopCompute(second);

        // the second compute's write reached the storage node: a third compute sees it
        StorageCluster.Compute third = cluster.startCompute(main);
        assertThat(third.count("t")).isEqualTo(1021);
        assertThat(third.queryString("SELECT count(*) FROM t WHERE v = -1")).isEqualTo("1");
        cluster.stopCompute(third);

        // no compute runs: a new image comes from a redo Postgres replaying the WAL on the last image
        List<LayerInfo> imagesBefore = images(main);
        cluster.client.checkpoint(cluster.tenant, main, true);
        List<LayerInfo> imagesAfter = images(main);
        assertThat(imagesAfter).hasSize(imagesBefore.size() + 1);
        LayerInfo redone = imagesAfter.getLast();
        assertThat(redone.lsnEnd()).isGreaterThan(imagesBefore.getLast().lsnEnd());
        assertThat(redone.lsnEnd())
                .isLessThanOrEqualTo(
                        cluster.client.timeline(cluster.tenant, main).lastRecordLsn());

        // everything is in S3: drop the local directory and restart from S3 alone (from the redo image)
        cluster.wipeStorageNode();
        cluster.startStorageNode();
        TimelineInfo reloaded = cluster.client.timeline(cluster.tenant, main);
        assertThat(reloaded.lastRecordLsn()).isEqualTo(cluster.walNodesCommittedLsn(main));
        StorageCluster.Compute fourth = cluster.startCompute(main);
        assertThat(fourth.count("t")).isEqualTo(1021);
        fourth.execute("INSERT INTO t VALUES (-2)");
        cluster.stopCompute(fourth);
    }

    private List<LayerInfo> images(TimelineId timeline) {
        return cluster.client.layers(cluster.tenant, timeline).stream()
                .filter(l -> l.kind().equals("image"))
                .sorted(java.util.Comparator.comparing(LayerInfo::lsnEnd))
                .toList();
    }

    @Test
    void theEndOfARecordThatCrossedAPageIsABranchPoint() throws Exception {
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute parent = cluster.startCompute(main);
        parent.execute("CREATE TABLE big (v text)", "ALTER TABLE big ALTER COLUMN v SET STORAGE PLAIN");
        // rows of 6.4 kB stored as they are: each insert record starts on one WAL page and ends on
        // the next, right after the continuation of itself that page begins with
        List<Lsn> insertEnds = new java.util.ArrayList<>();
        try (Connection c = parent.postgres.connect();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 6; i++) {
                s.execute("INSERT INTO big SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200)");
                try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    insertEnds.add(Lsn.parse(rs.getString(1)));
                }
                c.commit();
            }
        }
        cluster.awaitIngested(main, parent.currentLsn());
        TimelineId branch = null;
        for (Lsn end : insertEnds) {
            branch = TimelineId.generate();
            TimelineInfo info = cluster.client.branch(cluster.tenant, branch, main, end);
            assertThat(info.ancestorLsn()).isEqualTo(end);
        }
        // a compute starts there: the last insert is in its WAL, its commit is not
        StorageCluster.Compute child = cluster.startCompute(branch);
        assertThat(child.count("big")).isEqualTo(insertEnds.size() - 1);
    }

    @Test
    void branchesSeeExactlyTheirHistory() throws Exception {
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute parent = cluster.startCompute(main);
        parent.execute("CREATE TABLE t (v int)");
        Lsn[] after = new Lsn[10];
        for (int i = 0; i < 10; i++) {
            after[i] = parent.insertCommitted("t", i);
        }
        cluster.awaitIngested(main, after[9]);

        // branch in the middle of the inserts: rows 0..4 committed at after[4]
        TimelineId branch = TimelineId.generate();
        TimelineInfo info = cluster.client.branch(cluster.tenant, branch, main, after[4]);
        assertThat(info.ancestorTimelineId()).isEqualTo(main);
        assertThat(info.ancestorLsn()).isEqualTo(after[4]);
        StorageCluster.Compute child = cluster.startCompute(branch);
        assertThat(child.count("t")).isEqualTo(5);
        assertThat(child.queryString("SELECT max(v) FROM t")).isEqualTo("4");

        // writes on each side stay on that side
        Lsn childWrite = child.insertCommitted("t", 100);
        parent.insertCommitted("t", 200);
        assertThat(child.queryString("SELECT count(*) FROM t WHERE v = 200")).isEqualTo("0");
        assertThat(parent.queryString("SELECT count(*) FROM t WHERE v = 100")).isEqualTo("0");

        // an LSN inside a record is not a place to start
        TimelineId offBoundary = TimelineId.generate();
        assertThatThrownBy(() -> cluster.client.branch(cluster.tenant, offBoundary, main, Lsn.of(after[4].value() - 8)))
                .isInstanceOf(StorageNodeException.class)
                .satisfies(e -> assertThat(((StorageNodeException) e).status()).isEqualTo(400))
                .hasMessageContaining("record boundary");

        // a branch of the branch, after the branch's own write
        cluster.awaitIngested(branch, childWrite);
        TimelineId grandchild = TimelineId.generate();
        cluster.client.branch(cluster.tenant, grandchild, branch, childWrite);
        StorageCluster.Compute third = cluster.startCompute(grandchild);
        assertThat(third.queryString("SELECT string_agg(v::text, ',' ORDER BY v) FROM t"))
                .isEqualTo("0,1,2,3,4,100");

        // the parent cannot be deleted while it has children
        assertThatThrownBy(() -> cluster.client.deleteTimeline(cluster.tenant, main))
                .isInstanceOf(StorageNodeException.class)
                .satisfies(e -> assertThat(((StorageNodeException) e).status()).isEqualTo(409));
        cluster.stopCompute(third);
        cluster.stopCompute(child);
        cluster.stopCompute(parent);
    }

    @Test
    void aBranchAtTheEndOfAWalSwitchStarts() throws Exception {
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute parent = cluster.startCompute(main);
        parent.execute("CREATE TABLE t (v int)");
        parent.insertCommitted("t", 1);
        // a switch record ends at the next segment boundary: the rest of its segment holds no records
        Lsn switchRecordEnd = Lsn.parse(parent.queryString("SELECT pg_switch_wal()::text"));
        Lsn boundary = switchRecordEnd.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE).plus(Lsn.DEFAULT_SEGMENT_SIZE);
        cluster.awaitIngested(main, boundary);

        TimelineId atBoundary = TimelineId.generate();
        cluster.client.branch(cluster.tenant, atBoundary, main, boundary);
        // once WAL follows, Postgres reports that position as the one after the next segment's long
        // page header (pg_current_wal_insert_lsn() right after the switch)
        cluster.awaitIngested(main, parent.insertCommitted("t", 2));
        cluster.client.branch(cluster.tenant, TimelineId.generate(), main, boundary.plus(40));
        // the switched-away rest of the segment holds no record boundary
        Lsn inside = Lsn.of(Math.max(switchRecordEnd.value(), boundary.value() - Lsn.WAL_PAGE_SIZE) + 8);
        assertThatThrownBy(() -> cluster.client.branch(cluster.tenant, TimelineId.generate(), main, inside))
                .isInstanceOf(StorageNodeException.class)
                .satisfies(e -> assertThat(((StorageNodeException) e).status()).isEqualTo(400));

        StorageCluster.Compute child = cluster.startCompute(atBoundary);
        assertThat(child.count("t")).isEqualTo(1);
        cluster.stopCompute(child);
        cluster.stopCompute(parent);
    }

    @Test
    void pointInTimeRestoreSeesTheCommitBeforeTheTimestampAndNotTheOneAfter() throws Exception {
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute compute = cluster.startCompute(main);
        compute.execute("CREATE TABLE t (v text)");
        compute.execute("INSERT INTO t VALUES ('first')");
        Thread.sleep(20);
        Instant between = Instant.parse(compute.queryString(
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        Thread.sleep(20);
        Lsn second = compute.commit("INSERT INTO t VALUES ('second')");
        Lsn end = compute.currentLsn();
        cluster.awaitIngested(main, end);

        LsnByTimestamp at = cluster.client.lsnByTimestamp(cluster.tenant, main, between);
        assertThat(at.kind()).isEqualTo("present");
        assertThat(at.lsn()).isLessThan(second);
        TimelineId restored = TimelineId.generate();
        cluster.client.branch(cluster.tenant, restored, main, at.lsn());
        StorageCluster.Compute pitr = cluster.startCompute(restored);
        assertThat(pitr.queryString("SELECT string_agg(v, ',') FROM t")).isEqualTo("first");

        assertThat(cluster.client
                        .lsnByTimestamp(cluster.tenant, main, Instant.now().plusSeconds(3600))
                        .kind())
                .isEqualTo("future");
        assertThat(cluster.client
                        .lsnByTimestamp(cluster.tenant, main, Instant.parse("2000-01-01T00:00:00Z"))
                        .kind())
                .isEqualTo("past");
        cluster.stopCompute(pitr);
        cluster.stopCompute(compute);
    }
}
