package dev.xenon.storagenode.image;

import dev.xenon.common.Lsn;
import dev.xenon.common.pgwire.BaseBackupOptions;
import dev.xenon.common.pgwire.BaseBackupResult;
import dev.xenon.common.pgwire.ConnectOptions;
import dev.xenon.common.pgwire.PgReplicationConnection;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.ImageLayerFile;
import dev.xenon.storagenode.layer.ImageLayerWriter;
import dev.xenon.storagenode.layer.LayerRef;
import dev.xenon.storagenode.layer.WrittenLayer;
import dev.xenon.storagenode.timeline.IndexStore;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import dev.xenon.web.ConflictException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes new image layers once {@code image-creation-threshold} bytes of WAL have accumulated since
 * a timeline's newest image, or that image is {@code image-creation-age} old and WAL followed it, so
 * the WAL a compute start replays stays bounded. The source is {@code BASE_BACKUP} of the running
 * compute when one is attached and its WAL reaches this node ({@link Timeline#computeStreams()}),
 * else a redo Postgres ({@link RedoImageBuilder}). The new image
 * stores only the blocks that differ from the previous image of the timeline or its ancestors.
 *
 * <p>A compute's backup start and end records reach this node through the WAL nodes like any other
 * WAL; the image serves basebackups once ingest has passed its end.
 */
@Component
public class ImageBuilder {

    private static final Logger log = LoggerFactory.getLogger(ImageBuilder.class);

    private final StorageNodeProperties properties;
    private final Tenants tenants;
    private final LayerCache cache;
    private final IndexStore store;
    private final RedoImageBuilder redo;
    private final Set<Timeline> running = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Timeline, Instant> lastImage = new ConcurrentHashMap<>();
    private final Counter images;

    /** An image file written, not yet published. */
    record Taken(WrittenLayer layer, ImageLayerWriter.Stats stats) {}

    public ImageBuilder(
            StorageNodeProperties properties,
            Tenants tenants,
            LayerCache cache,
            IndexStore store,
            RedoImageBuilder redo,
            MeterRegistry metrics) {
        this.properties = properties;
        this.tenants = tenants;
        this.cache = cache;
        this.store = store;
        this.redo = redo;
        this.images = Counter.builder("xenon_storage_image_layers_written")
                .description("image layers taken (from running computes or by redo)")
                .register(metrics);
    }

    @Scheduled(fixedDelayString = "${xenon.storage-node.image-check-interval:10s}")
    public void tick() {
        for (Timeline timeline : tenants.allTimelines()) {
            String why = due(timeline);
            if (why != null) {
                try {
                    log.info("{}: taking an image: {}", timeline, why);
                    create(timeline);
                } catch (IOException | RuntimeException e) {
                    log.warn("image of {} failed: {}", timeline, e.getMessage(), e);
                }
            }
        }
    }

    /** Why the timeline needs a new image now, or null. */
    String due(Timeline timeline) {
        if (timeline.compute().isPresent() && !timeline.computeStreams()) {
            return null;
        }
        Lsn last = timeline.lastRecordLsn();
        // The newest image at any LSN: one taken from a compute ends at its backup end, which ingest
        // may not have reached yet; it still counts, or every check would take another.
        Optional<Timeline.ImageChoice> newest = timeline.imageFor(Lsn.of(Long.MAX_VALUE));
        long since = newest.map(c -> Math.max(0, last.minus(c.name().end()))).orElse(Long.MAX_VALUE);
        if (since >= properties.imageCreationThreshold().toBytes()) {
            return since + " bytes of WAL since the newest image";
        }
        Instant taken = lastImage.computeIfAbsent(timeline, t -> Instant.now());
        if (since > 0 && Duration.between(taken, Instant.now()).compareTo(properties.imageCreationAge()) >= 0) {
            return "the newest image is older than " + properties.imageCreationAge() + " and WAL followed it";
        }
        return null;
    }

    /**
     * Takes an image now: from the timeline's compute when one is attached and streams, else with a redo
     * Postgres ({@link RedoImageBuilder}).
     */
    public LayerDescriptor create(Timeline timeline) throws IOException {
        if (!running.add(timeline)) {
            throw new ConflictException("IMAGE_IN_PROGRESS", null, "an image of " + timeline + " is being taken");
        }
        try {
            Optional<ComputeConnection> compute = timeline.compute().filter(c -> timeline.computeStreams());
            Taken taken = compute.isPresent() ? fromCompute(timeline, compute.get()) : redo.take(timeline);
            LayerDescriptor descriptor = new LayerDescriptor(
                    taken.layer().name().toString(),
                    taken.layer().size(),
                    taken.layer().crc32c(),
                    taken.stats().logicalBytes());
            cache.registerLocal(timeline.tenantId(), timeline.id(), descriptor);
            cache.upload(timeline.tenantId(), timeline.id(), descriptor);
            timeline.imageWritten(descriptor);
            store.saveIndex(timeline);
            lastImage.put(timeline, Instant.now());
            images.increment();
            return descriptor;
        } finally {
            running.remove(timeline);
        }
    }

    private Taken fromCompute(Timeline timeline, ComputeConnection compute) throws IOException {
        long started = System.nanoTime();
        Optional<Timeline.ImageChoice> previous = timeline.imageFor(timeline.lastRecordLsn());
        LayerCache.Lease<ImageLayerFile> previousFile = null;
        try {
            if (previous.isPresent()) {
                previousFile = cache.image(
                        previous.get().owner().tenantId(),
                        previous.get().owner().id(),
                        previous.get().image());
            }
            var dir = cache.timelineDir(timeline.tenantId(), timeline.id());
            Files.createDirectories(dir);
            try (ImageLayerWriter writer = new ImageLayerWriter(
                            dir,
                            timeline.id(),
                            previousFile == null ? null : previousFile.file(),
                            previous.map(p -> new LayerRef(p.owner().id(), p.name()))
                                    .orElse(null));
                    PgReplicationConnection connection = PgReplicationConnection.connect(
                            ConnectOptions.of(compute.host(), compute.port(), compute.user(), compute.password()))) {
                BaseBackupResult backup = connection.baseBackup(
                        BaseBackupOptions.defaults("xenon image " + timeline.id()), (name, tar) -> writer.addTar(tar));
                WrittenLayer written = writer.finish(backup.startLsn(), backup.endLsn());
                log.info(
                        "{}: image {} from its compute, {} bytes stored ({} of {} blocks new), in {} ms",
                        timeline,
                        written.name(),
                        written.size(),
                        writer.stats().newBlocks(),
                        writer.stats().blocks(),
                        (System.nanoTime() - started) / 1_000_000);
                return new Taken(written, writer.stats());
            }
        } finally {
            if (previousFile != null) {
                previousFile.close();
            }
        }
    }
}
