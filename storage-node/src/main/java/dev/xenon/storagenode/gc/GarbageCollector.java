package dev.xenon.storagenode.gc;

import dev.xenon.common.Lsn;
import dev.xenon.storagenode.layer.DeltaLayerName;
import dev.xenon.storagenode.layer.ImageLayerFile;
import dev.xenon.storagenode.layer.LayerRef;
import dev.xenon.storagenode.remote.RemoteStorage;
import dev.xenon.storagenode.timeline.CommitTimestamps;
import dev.xenon.storagenode.timeline.IndexStore;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.TenantConfig;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes layers that no compute start can need any more, per tenant.
 *
 * <p>For each timeline the cutoff is the older of: {@code gc_horizon} bytes behind the last record,
 * and the LSN of the point {@code pitr_interval} ago (from the commit timestamps). A start at any
 * LSN from the cutoff on, and at every child's branch point, needs: the newest image ending at or
 * before that LSN, every newer image, and the delta layers from that image's first WAL segment on.
 * Images hold blocks of earlier images by reference, so every image a kept image refers to is kept
 * too. Everything else is deleted: first from the timeline index (uploaded), then from remote
 * storage, then locally. Branching or a basebackup before the cutoff is then refused.
 *
 * <p>Runs under the tenant's lock, which branch creation also takes.
 */
@Component
public class GarbageCollector {

    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    /** What one run removed. */
    public record Result(int layersRemoved, long bytesRemoved, Map<String, Lsn> cutoffs) {}

    private final Tenants tenants;
    private final LayerCache cache;
    private final IndexStore store;
    private final RemoteStorage remote;
    private final CommitTimestamps timestamps;
    private final int segmentSize;
    private final Counter removed;

    public GarbageCollector(
            Tenants tenants,
            LayerCache cache,
            IndexStore store,
            RemoteStorage remote,
            CommitTimestamps timestamps,
            dev.xenon.storagenode.StorageNodeProperties properties,
            MeterRegistry metrics) {
        this.tenants = tenants;
        this.cache = cache;
        this.store = store;
        this.remote = remote;
        this.timestamps = timestamps;
        this.segmentSize = properties.segmentSize();
        this.removed = Counter.builder("xenon_storage_gc_layers_removed")
                .description("layers deleted by GC")
                .register(metrics);
    }

    @Scheduled(
            initialDelayString = "${xenon.storage-node.gc-interval:10m}",
            fixedDelayString = "${xenon.storage-node.gc-interval:10m}")
    public void tick() {
        for (Tenants.Tenant tenant : tenants.tenants()) {
            try {
                collect(tenant);
            } catch (IOException | RuntimeException e) {
                log.warn("GC of tenant {} failed: {}", tenant.id(), e.getMessage());
            }
        }
    }

    public Result collect(Tenants.Tenant tenant) throws IOException {
        synchronized (tenant) {
            TenantConfig config = tenant.config();
            List<Timeline> timelines = List.copyOf(tenant.timelines());
            Map<Timeline, Lsn> cutoffs = new HashMap<>();
            Set<LayerRef> keptImages = new HashSet<>();
            Map<Timeline, Set<String>> keep = new HashMap<>();
            for (Timeline t : timelines) {
                Lsn cutoff = cutoff(t, config);
                cutoffs.put(t, cutoff);
                Set<String> kept = new HashSet<>();
                List<Lsn> points = new ArrayList<>();
                points.add(cutoff);
                for (Timeline child : tenants.children(t)) {
                    points.add(child.metadata().ancestorLsn());
                }
                Timeline.State s = t.state();
                for (Lsn point : points) {
                    keepFor(t, s, point, point.equals(cutoff), kept);
                }
                keep.put(t, kept);
                for (LayerDescriptor d : s.images()) {
                    if (kept.contains(d.name())) {
                        keptImages.add(
                                new LayerRef(t.id(), (dev.xenon.storagenode.layer.ImageLayerName) d.layerName()));
                    }
                }
            }
            // images refer to blocks in earlier images: keep those too
            for (LayerRef ref : List.copyOf(keptImages)) {
                Timeline owner = tenants.timeline(tenant.id(), ref.timeline());
                LayerDescriptor d = owner.state().images().stream()
                        .filter(i -> i.name().equals(ref.layer().toString()))
                        .findFirst()
                        .orElse(null);
                if (d == null) {
                    continue;
                }
                try (LayerCache.Lease<ImageLayerFile> image = cache.image(owner.tenantId(), owner.id(), d)) {
                    for (LayerRef r : image.file().refs()) {
                        keep.computeIfAbsent(tenants.timeline(tenant.id(), r.timeline()), x -> new HashSet<>())
                                .add(r.layer().toString());
                    }
                }
            }
            int count = 0;
            long bytes = 0;
            Map<String, Lsn> reported = new HashMap<>();
            for (Timeline t : timelines) {
                Set<String> kept = keep.getOrDefault(t, Set.of());
                List<LayerDescriptor> doomed = t.state().layers().stream()
                        .filter(d -> !kept.contains(d.name()))
                        .filter(d -> !(d.layerName() instanceof DeltaLayerName)
                                || !d.layerName().end().isAfter(t.state().remoteConsistentLsn()))
                        .toList();
                reported.put(t.id().toString(), cutoffs.get(t));
                if (doomed.isEmpty()) {
                    continue;
                }
                Set<String> names = new HashSet<>();
                doomed.forEach(d -> names.add(d.name()));
                t.layersRemoved(names, cutoffs.get(t));
                store.saveIndex(t);
                remote.delete(names.stream()
                        .map(n -> LayerCache.remoteTimelinePath(t.tenantId(), t.id())
                                .resolve(n))
                        .toList());
                for (String n : names) {
                    cache.forget(t.tenantId(), t.id(), n);
                }
                count += doomed.size();
                bytes += doomed.stream().mapToLong(LayerDescriptor::size).sum();
                log.info("GC of {}: cutoff {}, removed {} layers: {}", t, cutoffs.get(t), doomed.size(), names);
            }
            removed.increment(count);
            return new Result(count, bytes, reported);
        }
    }

    /** The older of the horizon and the PITR window, never before what is already cut. */
    private Lsn cutoff(Timeline t, TenantConfig config) throws IOException {
        Lsn last = t.lastRecordLsn();
        Lsn horizon = Lsn.of(Math.max(0, last.value() - config.gcHorizon()));
        Lsn pitr = last;
        if (!config.pitrInterval().isZero()) {
            CommitTimestamps.Answer answer = timestamps.lsnAt(t, Instant.now().minus(config.pitrInterval()));
            pitr = switch (answer.kind()) {
                case present, future -> answer.lsn();
                case past, nodata -> Lsn.INVALID;
            };
        }
        Lsn cutoff = Lsn.min(horizon, pitr);
        return Lsn.max(cutoff, t.state().gcCutoffLsn());
    }

    /**
     * Marks what a start at {@code point} needs (and, for the cutoff, at every later LSN): the newest
     * image ending at or before it, later images, and deltas from that image's first segment on.
     */
    private void keepFor(Timeline t, Timeline.State s, Lsn point, boolean andLater, Set<String> kept) {
        LayerDescriptor base = s.newestImageAtOrBefore(point).orElse(null);
        Lsn walFrom;
        if (base == null) {
            // the start image is an ancestor's: this timeline's own WAL from its beginning is needed
            walFrom = Lsn.INVALID;
        } else {
            kept.add(base.name());
            walFrom = base.layerName().start().segmentStart(segmentSize);
        }
        if (andLater) {
            for (LayerDescriptor d : s.images()) {
                if (d.layerName().end().isAfter(point)) {
                    kept.add(d.name());
                }
            }
        }
        for (LayerDescriptor d : s.deltas()) {
            boolean overlaps = d.layerName().end().isAfter(walFrom)
                    && (andLater || d.layerName().start().isBefore(point));
            if (overlaps) {
                kept.add(d.name());
            }
        }
    }
}
