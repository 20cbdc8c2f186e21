package dev.xenon.storagenode.timeline;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.web.ConflictException;
import dev.xenon.web.NotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every tenant and timeline this node serves, loaded from remote storage at start-up.
 *
 * <p>Thread-safe. Creating a timeline id first reserves it: of two concurrent creations of the same
 * id exactly one gets the reservation, the other a 409.
 */
@Component
public class Tenants {

    private static final Logger log = LoggerFactory.getLogger(Tenants.class);

    /** A tenant: its settings and timelines. */
    public static final class Tenant {
        private volatile TenantConfig config;
        private final Map<TimelineId, Timeline> timelines = new ConcurrentHashMap<>();
        private final Set<TimelineId> reserved = ConcurrentHashMap.newKeySet();

        Tenant(TenantConfig config) {
            this.config = config;
        }

        public TenantConfig config() {
            return config;
        }

        public TenantId id() {
            return config.tenantId();
        }

        public Collection<Timeline> timelines() {
            return List.copyOf(timelines.values());
        }
    }

    private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();
    private final IndexStore store;

    public Tenants(IndexStore store) throws IOException {
        this.store = store;
        long start = System.nanoTime();
        List<IndexStore.StoredTenant> stored = store.loadAll();
        int count = 0;
        for (IndexStore.StoredTenant t : stored) {
            Tenant tenant = new Tenant(t.config());
            tenants.put(t.config().tenantId(), tenant);
            Map<TimelineId, TimelineIndex> byId = new HashMap<>();
            for (TimelineIndex i : t.timelines()) {
                byId.put(i.metadata().timelineId(), i);
            }
            for (TimelineIndex i : t.timelines()) {
                count += load(tenant, i, byId);
            }
        }
        log.info(
                "loaded {} tenants and {} timelines from remote storage in {} ms",
                tenants.size(),
                count,
                (System.nanoTime() - start) / 1_000_000);
    }

    private int load(Tenant tenant, TimelineIndex index, Map<TimelineId, TimelineIndex> byId) {
        TimelineId id = index.metadata().timelineId();
        if (tenant.timelines.containsKey(id)) {
            return 0;
        }
        int loaded = 0;
        Timeline ancestor = null;
        if (index.metadata().hasAncestor()) {
            TimelineIndex parent = byId.get(index.metadata().ancestorTimelineId());
            if (parent == null) {
                log.error(
                        "timeline {}/{} skipped: its ancestor {} is not in remote storage",
                        tenant.id(),
                        id,
                        index.metadata().ancestorTimelineId());
                return 0;
            }
            loaded += load(tenant, parent, byId);
            ancestor = tenant.timelines.get(parent.metadata().timelineId());
        }
        tenant.timelines.put(id, Timeline.fromIndex(index, ancestor));
        return loaded + 1;
    }

    public Tenant createTenant(TenantConfig config) throws IOException {
        Tenant tenant = new Tenant(config);
        if (tenants.putIfAbsent(config.tenantId(), tenant) != null) {
            throw new ConflictException(
                    "TENANT_EXISTS", "new_tenant_id", "tenant " + config.tenantId() + " already exists");
        }
        try {
            store.saveTenant(config);
        } catch (IOException | RuntimeException e) {
            tenants.remove(config.tenantId());
            throw e;
        }
        return tenant;
    }

    public void updateConfig(TenantConfig config) throws IOException {
        Tenant tenant = tenant(config.tenantId());
        store.saveTenant(config);
        tenant.config = config;
    }

    public Tenant tenant(TenantId id) {
        Tenant t = tenants.get(id);
        if (t == null) {
            throw new NotFoundException("tenant " + id + " not found");
        }
        return t;
    }

    public Collection<Tenant> tenants() {
        return List.copyOf(tenants.values());
    }

    public Timeline timeline(TenantId tenant, TimelineId timeline) {
        Timeline t = tenant(tenant).timelines.get(timeline);
        if (t == null) {
            throw new NotFoundException("timeline " + timeline + " not found in tenant " + tenant);
        }
        return t;
    }

    /** Every timeline of every tenant. */
    public List<Timeline> allTimelines() {
        List<Timeline> all = new ArrayList<>();
        for (Tenant t : tenants.values()) {
            all.addAll(t.timelines.values());
        }
        all.sort(Comparator.comparing(tl -> tl.id().toString()));
        return all;
    }

    /** Claims a new timeline id; release it with {@link #publish} or {@link #release}. */
    public void reserve(TenantId tenantId, TimelineId timeline) {
        Tenant tenant = tenant(tenantId);
        if (tenant.timelines.containsKey(timeline) || !tenant.reserved.add(timeline)) {
            throw new ConflictException(
                    "TIMELINE_EXISTS",
                    "new_timeline_id",
                    "timeline " + timeline + " already exists in tenant " + tenantId);
        }
        if (tenant.timelines.containsKey(timeline)) {
            tenant.reserved.remove(timeline);
            throw new ConflictException(
                    "TIMELINE_EXISTS",
                    "new_timeline_id",
                    "timeline " + timeline + " already exists in tenant " + tenantId);
        }
    }

    public void release(TenantId tenantId, TimelineId timeline) {
        tenant(tenantId).reserved.remove(timeline);
    }

    /** A created timeline becomes visible; its index is already in remote storage. */
    public void publish(Timeline timeline) {
        Tenant tenant = tenant(timeline.tenantId());
        tenant.timelines.put(timeline.id(), timeline);
        tenant.reserved.remove(timeline.id());
    }

    public List<Timeline> children(Timeline parent) {
        return tenant(parent.tenantId()).timelines.values().stream()
                .filter(t -> t.ancestor() == parent)
                .toList();
    }

    /** Deletes a timeline without children from remote storage and forgets it. */
    public synchronized void delete(Timeline timeline, LayerCache cache) throws IOException {
        List<Timeline> children = children(timeline);
        if (!children.isEmpty()) {
            throw new ConflictException(
                    "TIMELINE_HAS_CHILDREN",
                    null,
                    "timeline " + timeline.id() + " has child branches "
                            + children.stream().map(c -> c.id().toString()).toList() + "; delete them first");
        }
        Tenant tenant = tenant(timeline.tenantId());
        tenant.timelines.remove(timeline.id());
        // after an index upload in flight, and before any later one: the index cannot come back
        timeline.markDeleted();
        store.deleteTimeline(timeline.tenantId(), timeline.id());
        cache.forgetTimeline(timeline.tenantId(), timeline.id());
        deleteRecursively(cache.timelineDir(timeline.tenantId(), timeline.id()));
    }

    private static void deleteRecursively(java.nio.file.Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
