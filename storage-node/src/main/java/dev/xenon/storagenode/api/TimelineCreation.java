package dev.xenon.storagenode.api;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.image.Bootstrap;
import dev.xenon.storagenode.timeline.IndexStore;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.RecordBoundaries;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import dev.xenon.storagenode.timeline.TimelineIndex;
import dev.xenon.storagenode.timeline.TimelineMetadata;
import dev.xenon.storagenode.timeline.WalView;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.ConflictException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates timelines. A branch is metadata only: an index naming the ancestor and the LSN, uploaded
 * to remote storage — O(1) whatever the ancestor's size. A timeline without an ancestor is
 * bootstrapped: {@code initdb}, a base backup of it as the first image, its WAL as the first delta.
 *
 * <p>Durability: the layers, then the index, are in remote storage before the timeline is visible
 * and before the request is answered.
 */
@Component
class TimelineCreation {

    private static final Logger log = LoggerFactory.getLogger(TimelineCreation.class);

    private final Tenants tenants;
    private final IndexStore store;
    private final LayerCache cache;
    private final Bootstrap bootstrap;
    private final int segmentSize;

    TimelineCreation(
            Tenants tenants,
            IndexStore store,
            LayerCache cache,
            Bootstrap bootstrap,
            StorageNodeProperties properties) {
        this.tenants = tenants;
        this.store = store;
        this.cache = cache;
        this.bootstrap = bootstrap;
        this.segmentSize = properties.segmentSize();
    }

    Timeline branch(TenantId tenant, TimelineId id, TimelineId ancestorId, Lsn at, Integer pgVersion)
            throws IOException {
        long start = System.nanoTime();
        Tenants.Tenant t = tenants.tenant(tenant);
        Timeline ancestor = tenants.timeline(tenant, ancestorId);
        if (pgVersion != null && pgVersion != ancestor.metadata().pgVersion()) {
            throw new BadRequestException(
                    "pg_version",
                    "pg_version " + pgVersion + " differs from the ancestor's "
                            + ancestor.metadata().pgVersion());
        }
        tenants.reserve(tenant, id);
        try {
            // GC of the tenant holds the same lock: the history checked here stays until the branch exists.
            synchronized (t) {
                Lsn x = checkBranchPoint(ancestor, at, "ancestor_start_lsn");
                TimelineMetadata metadata = new TimelineMetadata(
                        tenant, id, ancestorId, x, ancestor.metadata().pgVersion(), x, Instant.now());
                TimelineIndex index = new TimelineIndex(TimelineIndex.FORMAT_VERSION, metadata, x, List.of(), null);
                store.saveIndex(index);
                Timeline timeline = Timeline.fromIndex(index, ancestor);
                tenants.publish(timeline);
                log.info(
                        "created branch {} of {} at {} in {} µs",
                        timeline,
                        ancestor.id(),
                        x,
                        (System.nanoTime() - start) / 1000);
                return timeline;
            }
        } finally {
            tenants.release(tenant, id);
        }
    }

    /**
     * The LSN a branch of {@code ancestor} at {@code at} (null: its last record) starts at, or the
     * 400/409 its creation would get, naming {@code field}: beyond the last record, before the
     * ancestor's own branch point, GC cutoff or oldest image, WAL no longer kept, not a record end.
     */
    Lsn checkBranchPoint(Timeline ancestor, Lsn at, String field) throws IOException {
        Timeline.State s = ancestor.state();
        Lsn last = s.lastRecordLsn();
        Lsn x = at == null ? last : at;
        if (x.isAfter(last)) {
            throw new BadRequestException(field, field + " " + x + " is beyond the ancestor's last record " + last);
        }
        if (ancestor.metadata().hasAncestor() && x.isBefore(ancestor.metadata().ancestorLsn())) {
            throw new BadRequestException(
                    field,
                    field + " " + x + " is before the ancestor's own branch point "
                            + ancestor.metadata().ancestorLsn());
        }
        if (x.isBefore(s.gcCutoffLsn())) {
            throw new ConflictException(
                    "LSN_GARBAGE_COLLECTED",
                    field,
                    field + " " + x + " is before the ancestor's GC cutoff " + s.gcCutoffLsn()
                            + ": that history is no longer kept");
        }
        Timeline.ImageChoice image = ancestor.imageFor(x)
                .orElseThrow(() -> new ConflictException(
                        "LSN_GARBAGE_COLLECTED",
                        field,
                        field + " " + x + " is before the oldest image of the ancestor"));
        WalView wal = WalView.of(ancestor, cache);
        if (!wal.covers(image.name().start().segmentStart(segmentSize), x)) {
            throw new ConflictException(
                    "LSN_GARBAGE_COLLECTED",
                    field,
                    "the ancestor's WAL before " + x + " is no longer all kept (" + wal.describe() + ")");
        }
        if (!x.equals(last) && !RecordBoundaries.isRecordEnd(wal, x, segmentSize)) {
            throw new BadRequestException(field, field + " " + x + " is not a WAL record boundary of the ancestor");
        }
        return x;
    }

    Timeline bootstrap(TenantId tenant, TimelineId id, Integer pgVersion) throws IOException {
        tenants.tenant(tenant);
        tenants.reserve(tenant, id);
        try {
            Bootstrap.Result result = bootstrap.run(tenant, id, pgVersion);
            for (LayerDescriptor layer : List.of(result.image(), result.delta())) {
                cache.registerLocal(tenant, id, layer);
                cache.upload(tenant, id, layer);
            }
            TimelineMetadata metadata =
                    new TimelineMetadata(tenant, id, null, null, result.pgVersion(), result.walStart(), Instant.now());
            TimelineIndex index = new TimelineIndex(
                    TimelineIndex.FORMAT_VERSION,
                    metadata,
                    result.lastRecordLsn(),
                    List.of(result.image(), result.delta()),
                    null);
            store.saveIndex(index);
            Timeline timeline = Timeline.fromIndex(index, null);
            tenants.publish(timeline);
            return timeline;
        } finally {
            tenants.release(tenant, id);
        }
    }
}
