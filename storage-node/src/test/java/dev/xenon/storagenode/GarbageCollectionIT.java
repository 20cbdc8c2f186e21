package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.storagenode.remote.RemoteObject;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GC with a short PITR window deletes what no start needs, from S3 too; every branch point still starts. */
@ExtendWith(StorageClusterLogsOnFailure.class)
class GarbageCollectionIT {

    StorageCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void layersOutsideTheWindowAreDeletedAndBranchPointsStillStart() throws Exception {
        cluster = StorageCluster.start("--xenon.storage-node.gc-interval=1h");
        StorageClusterLogsOnFailure.current = cluster;
        cluster.client.configureTenant(cluster.tenant, "1s", 0L);
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute compute = cluster.startCompute(main);

        compute.execute("CREATE TABLE t (v int)", "INSERT INTO t SELECT generate_series(1, 100)");
        Lsn beforeWindow = compute.commit("SELECT pg_switch_wal()");
        checkpoint(main, compute, false);
        compute.execute("INSERT INTO t SELECT generate_series(101, 200)");
        checkpoint(main, compute, true);
        Lsn branchPoint = compute.insertCommitted("t", 1000);
        compute.execute("SELECT pg_switch_wal()");
        checkpoint(main, compute, false);
        TimelineId branch = TimelineId.generate();
        cluster.client.branch(cluster.tenant, branch, main, branchPoint);
        compute.execute("INSERT INTO t SELECT generate_series(201, 300)");
        checkpoint(main, compute, true);
        Thread.sleep(1200);
        compute.insertCommitted("t", 2000);
        checkpoint(main, compute, false);
        Thread.sleep(1200);
        compute.insertCommitted("t", 3000);
        checkpoint(main, compute, false);

        // WAL in S3 is removed from the WAL nodes, whole segments at a time
        var uploaded = cluster.client.timeline(cluster.tenant, main).remoteConsistentLsn();
        for (var node : cluster.walClients) {
            assertThat(node.status(main).localStartLsn())
                    .isEqualTo(uploaded.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE))
                    .isGreaterThan(compute.startLsn);
        }

        List<LayerInfo> before = cluster.client.layers(cluster.tenant, main);
        Set<String> inS3Before = names(cluster.s3Objects("timelines/" + main));
        assertThat(inS3Before).containsAll(before.stream().map(LayerInfo::name).toList());

        int removed = cluster.client.gc(cluster.tenant);

        assertThat(removed).isPositive();
        Set<String> after = new HashSet<>(cluster.client.layers(cluster.tenant, main).stream()
                .map(LayerInfo::name)
                .toList());
        Set<String> gone = new HashSet<>(before.stream().map(LayerInfo::name).toList());
        gone.removeAll(after);
        assertThat(gone).hasSize(removed);
        Set<String> inS3After = names(cluster.s3Objects("timelines/" + main));
        assertThat(inS3After).doesNotContainAnyElementsOf(gone).containsAll(after);

        // history before the cutoff is refused with a clear error
        assertThatThrownBy(() -> {
                    try (InputStream in = cluster.client.basebackup(cluster.tenant, main, beforeWindow)) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(StorageNodeException.class)
                .satisfies(e -> assertThat(((StorageNodeException) e).status()).isEqualTo(409));

        // the branch point and the end of the parent still start
        StorageCluster.Compute child = cluster.startCompute(branch);
        assertThat(child.queryString("SELECT max(v) FROM t")).isEqualTo("1000");
        assertThat(child.count("t")).isEqualTo(201);
        cluster.stopCompute(child);
        cluster.stopCompute(compute);
        StorageCluster.Compute restarted = cluster.startCompute(main);
        assertThat(restarted.count("t")).isEqualTo(303);
        cluster.stopCompute(restarted);
    }

    private void checkpoint(TimelineId timeline, StorageCluster.Compute compute, boolean image) throws Exception {
        cluster.awaitIngested(timeline, compute.currentLsn());
        cluster.client.checkpoint(cluster.tenant, timeline, image);
    }

    private static Set<String> names(List<RemoteObject> objects) {
        Set<String> names = new HashSet<>();
        for (RemoteObject o : objects) {
            names.add(o.path().fileName());
        }
        return names;
    }
}
