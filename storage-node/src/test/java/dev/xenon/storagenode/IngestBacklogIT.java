package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WAL that piled up on the WAL nodes while the storage node was down is written out in layers of
 * about the checkpoint distance as it is read, not held in memory until all of it is read.
 */
@ExtendWith(StorageClusterLogsOnFailure.class)
class IngestBacklogIT {

    private static final long DISTANCE = 2L * 1024 * 1024;
    /** At most this much WAL is read per fetch, so an open layer never exceeds distance + one fetch. */
    private static final long MAX_FETCH = 16L * 1024 * 1024;

    StorageCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aBacklogIsWrittenOutInLayersOfAboutTheCheckpointDistance() throws Exception {
        cluster = StorageCluster.start("--xenon.storage-node.checkpoint-distance=" + DISTANCE + "B");
        StorageClusterLogsOnFailure.current = cluster;
        TimelineId main = TimelineId.generate();
        cluster.bootstrap(main);
        StorageCluster.Compute compute = cluster.startCompute(main);
        compute.execute("CREATE TABLE t (v int, pad text)");
        Lsn before = cluster.client.timeline(cluster.tenant, main).lastRecordLsn();

        cluster.stopStorageNode();
        Lsn end = compute.commit("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 150000) g");
        assertThat(end.minus(before)).isGreaterThan(MAX_FETCH + 2 * DISTANCE);
        cluster.startStorageNode();
        cluster.awaitIngested(main, end);

        List<LayerInfo> backlog = cluster.client.layers(cluster.tenant, main).stream()
                .filter(l -> l.kind().equals("delta") && !l.lsnStart().isBefore(before))
                .toList();
        assertThat(backlog).hasSizeGreaterThanOrEqualTo(2);
        assertThat(backlog)
                .allSatisfy(l -> assertThat(l.lsnEnd().minus(l.lsnStart())).isLessThanOrEqualTo(DISTANCE + MAX_FETCH));
        assertThat(compute.count("t")).isEqualTo(150000);
        cluster.stopCompute(compute);
    }
}
