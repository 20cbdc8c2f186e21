package dev.xenon.storagenode.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.ImageLayerName;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.Timeline;
import dev.xenon.storagenode.timeline.TimelineIndex;
import dev.xenon.storagenode.timeline.TimelineMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** When a timeline is due for a new image: by WAL volume, or by age once WAL followed the image. */
class ImageBuilderTest {

    private static final Lsn IMAGE_END = Lsn.parse("0/2000100");

    private static ImageBuilder builder(long thresholdBytes, Duration age) {
        StorageNodeProperties properties = new StorageNodeProperties(
                Path.of("unused"),
                List.<URI>of(),
                16 * 1024 * 1024,
                Duration.ofMillis(200),
                DataSize.ofMegabytes(16),
                Duration.ofSeconds(30),
                DataSize.ofBytes(thresholdBytes),
                age,
                DataSize.ofGigabytes(1),
                Duration.ofMinutes(10));
        return new ImageBuilder(properties, null, null, null, null, new SimpleMeterRegistry());
    }

    private static Timeline timeline(long walAfterImage) {
        TimelineMetadata m = new TimelineMetadata(
                TenantId.generate(), TimelineId.generate(), null, null, 15, Lsn.parse("0/2000000"), Instant.EPOCH);
        LayerDescriptor image =
                new LayerDescriptor(new ImageLayerName(Lsn.parse("0/2000028"), IMAGE_END).toString(), 1, 0, 0);
        return Timeline.fromIndex(new TimelineIndex(1, m, IMAGE_END.plus(walAfterImage), List.of(image), null), null);
    }

    @Test
    void dueByWalVolume() {
        ImageBuilder builder = builder(1000, Duration.ofHours(1));
        assertThat(builder.due(timeline(999))).isNull();
        assertThat(builder.due(timeline(1000))).contains("1000 bytes of WAL");
    }

    @Test
    void dueByAgeOnlyWhenWalFollowedTheImage() throws Exception {
        ImageBuilder builder = builder(1 << 30, Duration.ofMillis(50));
        Timeline idle = timeline(0);
        Timeline written = timeline(8);
        assertThat(builder.due(idle)).isNull();
        assertThat(builder.due(written)).isNull();
        Thread.sleep(80);
        assertThat(builder.due(idle)).isNull();
        assertThat(builder.due(written)).contains("older than");
    }

    @Test
    void anImageEndingBeyondTheIngestedWalCountsAsTheNewest() {
        // an image from a compute ends at its backup end, which ingest reaches only later
        TimelineMetadata m = new TimelineMetadata(
                TenantId.generate(), TimelineId.generate(), null, null, 15, Lsn.parse("0/2000000"), Instant.EPOCH);
        LayerDescriptor old =
                new LayerDescriptor(new ImageLayerName(Lsn.parse("0/2000028"), IMAGE_END).toString(), 1, 0, 0);
        LayerDescriptor pending =
                new LayerDescriptor(new ImageLayerName(IMAGE_END.plus(1500), IMAGE_END.plus(3000)).toString(), 1, 0, 0);
        Timeline timeline =
                Timeline.fromIndex(new TimelineIndex(1, m, IMAGE_END.plus(2000), List.of(old, pending), null), null);

        assertThat(builder(1000, Duration.ofHours(1)).due(timeline)).isNull();
    }

    @Test
    void anAttachedComputeIsNotImagedBeforeItsWalReachesTheNode() {
        ImageBuilder builder = builder(1000, Duration.ofHours(1));
        Timeline timeline = timeline(5000);
        assertThat(builder.due(timeline)).contains("5000 bytes of WAL");

        timeline.setCompute(new ComputeConnection("127.0.0.1", 5432, "replicator", "secret"));
        assertThat(timeline.computeStreams()).isFalse();
        assertThat(builder.due(timeline)).isNull();

        timeline.appendWal(new byte[64], 0, 64, List.of());
        assertThat(timeline.computeStreams()).isTrue();
        assertThat(builder.due(timeline)).contains("5064 bytes of WAL");
    }
}
