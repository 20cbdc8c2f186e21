package dev.xenon.storagenode.timeline;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.storagenode.remote.RemoteObject;
import dev.xenon.storagenode.remote.RemotePath;
import dev.xenon.storagenode.remote.RemoteStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the small JSON files that describe tenants and timelines: {@code
 * tenants/<tenant>/tenant.json} ({@link TenantConfig}) and {@code
 * tenants/<tenant>/timelines/<timeline>/index.json} ({@link TimelineIndex}), in snake_case.
 *
 * <p>Durability: remote storage first (the system of record), then a local copy written to a temp
 * file and renamed. A node with an empty disk rebuilds everything from {@link #loadAll()}.
 */
@Component
public class IndexStore {

    static final String TENANT_FILE = "tenant.json";
    static final String INDEX_FILE = "index.json";

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final RemoteStorage remote;
    private final LayerCache cache;

    public IndexStore(RemoteStorage remote, LayerCache cache) {
        this.remote = remote;
        this.cache = cache;
    }

    public void saveTenant(TenantConfig config) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(config);
        remote.uploadBytes(LayerCache.remoteTenantPath(config.tenantId()).resolve(TENANT_FILE), bytes);
        writeLocal(cache.tenantDir(config.tenantId()).resolve(TENANT_FILE), bytes);
    }

    /**
     * Uploads the timeline's current index. Serialised per timeline, so an older snapshot never
     * overwrites a newer one.
     */
    public void saveIndex(Timeline timeline) throws IOException {
        synchronized (timeline.indexLock()) {
            if (timeline.isDeleted()) {
                throw new IOException(timeline + " was deleted; its index is not uploaded again");
            }
            saveIndex(timeline.toIndex());
        }
    }

    public void saveIndex(TimelineIndex index) throws IOException {
        TenantId tenant = index.metadata().tenantId();
        TimelineId timeline = index.metadata().timelineId();
        byte[] bytes = JSON.writeValueAsBytes(index);
        remote.uploadBytes(LayerCache.remoteTimelinePath(tenant, timeline).resolve(INDEX_FILE), bytes);
        writeLocal(cache.timelineDir(tenant, timeline).resolve(INDEX_FILE), bytes);
    }

    /** Removes a timeline from remote storage: its index first (so it is gone), then its layers. */
    public void deleteTimeline(TenantId tenant, TimelineId timeline) throws IOException {
        RemotePath dir = LayerCache.remoteTimelinePath(tenant, timeline);
        remote.delete(List.of(dir.resolve(INDEX_FILE)));
        List<RemotePath> rest =
                remote.list(dir).stream().map(RemoteObject::path).toList();
        remote.delete(rest);
    }

    /** Everything remote storage knows: tenants with their timelines' indexes. */
    public List<StoredTenant> loadAll() throws IOException {
        List<StoredTenant> tenants = new ArrayList<>();
        List<RemoteObject> objects = remote.list(RemotePath.of("tenants"));
        for (RemoteObject o : objects) {
            String[] parts = o.path().toString().split("/");
            if (parts.length == 3 && parts[2].equals(TENANT_FILE)) {
                TenantConfig config = JSON.readValue(remote.downloadBytes(o.path()), TenantConfig.class);
                List<TimelineIndex> indexes = new ArrayList<>();
                for (RemoteObject i : objects) {
                    String[] p = i.path().toString().split("/");
                    if (p.length == 5 && p[1].equals(parts[1]) && p[4].equals(INDEX_FILE)) {
                        indexes.add(JSON.readValue(remote.downloadBytes(i.path()), TimelineIndex.class));
                    }
                }
                tenants.add(new StoredTenant(config, indexes));
            }
        }
        return tenants;
    }

    /** A tenant as remote storage holds it. */
    public record StoredTenant(TenantConfig config, List<TimelineIndex> timelines) {}

    private static void writeLocal(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
