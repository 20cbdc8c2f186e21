package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local disk is a cache: uploaded layers are evicted beyond its size and downloaded again on use. */
class LocalCacheIT {

    StorageCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void uploadedLayersAreEvictedBeyondTheLimitAndDownloadedWhenNeeded() throws Exception {
        cluster = StorageCluster.withoutWalNodes(
                "--xenon.storage-node.local-cache-size=0B", "--xenon.storage-node.eviction-interval=100ms");
        TimelineId timeline = TimelineId.generate();
        cluster.bootstrap(timeline);
        List<LayerInfo> layers = cluster.client.layers(cluster.tenant, timeline);
        Path dir = cluster.storageDir.resolve("tenants/" + cluster.tenant + "/timelines/" + timeline);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> layers.stream().noneMatch(l -> Files.exists(dir.resolve(l.name()))));
        assertThat(cluster.client.layers(cluster.tenant, timeline)).allSatisfy(l -> {
            assertThat(l.remote()).isTrue();
            assertThat(l.local()).isFalse();
        });

        long bytes;
        try (InputStream in = cluster.client.basebackup(cluster.tenant, timeline, null)) {
            bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(bytes).isGreaterThan(16L * 1024 * 1024);
        // used, then evicted again once no basebackup holds them
        await().atMost(Duration.ofSeconds(10))
                .until(() -> layers.stream().noneMatch(l -> Files.exists(dir.resolve(l.name()))));
    }
}
