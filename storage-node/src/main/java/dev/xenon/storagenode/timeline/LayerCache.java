package dev.xenon.storagenode.timeline;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.DeltaLayerFile;
import dev.xenon.storagenode.layer.ImageLayerFile;
import dev.xenon.storagenode.layer.LayerCorruptException;
import dev.xenon.storagenode.remote.RemotePath;
import dev.xenon.storagenode.remote.RemoteStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The local disk as a cache of remote storage, for layer files.
 *
 * <p>Layout: {@code <data-dir>/tenants/<tenant>/timelines/<timeline>/<layer name>}, the same paths
 * as in remote storage. A layer missing locally is downloaded on first use. Every file is checked
 * whole (size and CRC-32C) the first time this process opens it; a file found corrupt then, or by a
 * block or chunk checksum later, is counted ({@code xenon_storage_layer_corrupt_total}), logged,
 * deleted and downloaded again — corrupt bytes are never served. Layers already in remote storage
 * are evicted least recently used first once the cache exceeds {@code local-cache-size}; a layer in
 * use is never evicted.
 *
 * <p>Thread-safe.
 */
@Component
public class LayerCache {

    private static final Logger log = LoggerFactory.getLogger(LayerCache.class);

    /** A cached layer: its open file, users, and whether remote storage has it. */
    private static final class Entry {
        final Path path;
        final RemotePath remotePath;
        final long expectedSize;
        final AtomicInteger users = new AtomicInteger();
        volatile AutoCloseable handle;
        volatile long lastAccess = System.nanoTime();
        volatile boolean uploaded;

        Entry(Path path, RemotePath remotePath, long expectedSize, boolean uploaded) {
            this.path = path;
            this.remotePath = remotePath;
            this.expectedSize = expectedSize;
            this.uploaded = uploaded;
        }
    }

    /** An open layer file, held until closed; a layer in use is never evicted. */
    public final class Lease<T> implements AutoCloseable {
        private final Entry entry;
        private final T file;

        private Lease(Entry entry, T file) {
            this.entry = entry;
            this.file = file;
        }

        public T file() {
            return file;
        }

        @Override
        public void close() {
            entry.lastAccess = System.nanoTime();
            entry.users.decrementAndGet();
        }
    }

    @FunctionalInterface
    public interface LayerAction<F, R> {
        R apply(F file) throws IOException;
    }

    private final Path root;
    private final RemoteStorage remote;
    private final long limitBytes;
    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final Counter corrupt;
    private final Counter downloads;
    private final Counter evictions;

    public LayerCache(StorageNodeProperties properties, RemoteStorage remote, MeterRegistry metrics) {
        this.root = properties.dataDir().toAbsolutePath().resolve("tenants");
        this.remote = remote;
        this.limitBytes = properties.localCacheSize().toBytes();
        this.corrupt = Counter.builder("xenon_storage_layer_corrupt")
                .description("layer files found corrupt (then downloaded again)")
                .register(metrics);
        this.downloads = Counter.builder("xenon_storage_layer_downloads")
                .description("layer files downloaded from remote storage")
                .register(metrics);
        this.evictions = Counter.builder("xenon_storage_layer_evictions")
                .description("layer files evicted from the local cache")
                .register(metrics);
        Gauge.builder("xenon_storage_layer_cache_bytes", this, LayerCache::localBytes)
                .description("bytes of layer files on local disk")
                .register(metrics);
    }

    public Path tenantDir(TenantId tenant) {
        return root.resolve(tenant.toString());
    }

    public Path timelineDir(TenantId tenant, TimelineId timeline) {
        return tenantDir(tenant).resolve("timelines").resolve(timeline.toString());
    }

    public static RemotePath remoteTenantPath(TenantId tenant) {
        return RemotePath.of("tenants", tenant.toString());
    }

    public static RemotePath remoteTimelinePath(TenantId tenant, TimelineId timeline) {
        return RemotePath.of("tenants", tenant.toString(), "timelines", timeline.toString());
    }

    /** Opens a delta layer (downloading it if needed) and runs {@code action}; one retry after corruption. */
    public <R> R withDelta(Timeline timeline, LayerDescriptor layer, LayerAction<DeltaLayerFile, R> action)
            throws IOException {
        return with(timeline.tenantId(), timeline.id(), layer, DeltaLayerFile::open, DeltaLayerFile::verify, action);
    }

    /** Opens an image layer (downloading it if needed); the caller closes the lease. */
    public Lease<ImageLayerFile> image(TenantId tenant, TimelineId timeline, LayerDescriptor layer) throws IOException {
        Entry entry = entry(tenant, timeline, layer);
        for (int attempt = 0; ; attempt++) {
            entry.users.incrementAndGet();
            try {
                ImageLayerFile file = open(entry, ImageLayerFile::open, ImageLayerFile::verify);
                return new Lease<>(entry, file);
            } catch (LayerCorruptException e) {
                entry.users.decrementAndGet();
                if (attempt > 0) {
                    throw e;
                }
                discardCorrupt(entry, e);
            } catch (IOException | RuntimeException e) {
                entry.users.decrementAndGet();
                throw e;
            }
        }
    }

    /** Reports a layer found corrupt while reading; the next open downloads it again. */
    public void reportCorrupt(LayerCorruptException e) {
        Entry entry = entries.get(e.file().toAbsolutePath());
        if (entry != null) {
            discardCorrupt(entry, e);
        }
    }

    /** A layer file written locally and listed in memory, not yet in remote storage. */
    public void registerLocal(TenantId tenant, TimelineId timeline, LayerDescriptor layer) {
        entry(tenant, timeline, layer).uploaded = false;
    }

    /** Uploads a local layer file to remote storage; from then on it may be evicted. */
    public void upload(TenantId tenant, TimelineId timeline, LayerDescriptor layer) throws IOException {
        Entry entry = entry(tenant, timeline, layer);
        remote.upload(entry.remotePath, entry.path);
        entry.uploaded = true;
    }

    /** Forgets and deletes the local copy (GC already deleted the remote one, or is about to). */
    public void forget(TenantId tenant, TimelineId timeline, String layerName) throws IOException {
        Path path = timelineDir(tenant, timeline).resolve(layerName);
        Entry entry = entries.remove(path);
        if (entry != null) {
            closeQuietly(entry);
        }
        Files.deleteIfExists(path);
    }

    /** Closes every open file of a timeline (before its directory is deleted). */
    public void forgetTimeline(TenantId tenant, TimelineId timeline) {
        Path dir = timelineDir(tenant, timeline);
        entries.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(dir)) {
                closeQuietly(e.getValue());
                return true;
            }
            return false;
        });
    }

    private Entry entry(TenantId tenant, TimelineId timeline, LayerDescriptor layer) {
        Path path = timelineDir(tenant, timeline).resolve(layer.name());
        return entries.computeIfAbsent(
                path,
                p -> new Entry(p, remoteTimelinePath(tenant, timeline).resolve(layer.name()), layer.size(), true));
    }

    private <F extends AutoCloseable, R> R with(
            TenantId tenant,
            TimelineId timeline,
            LayerDescriptor layer,
            Opener<F> opener,
            Verifier<F> verifier,
            LayerAction<F, R> action)
            throws IOException {
        Entry entry = entry(tenant, timeline, layer);
        for (int attempt = 0; ; attempt++) {
            entry.users.incrementAndGet();
            try {
                return action.apply(open(entry, opener, verifier));
            } catch (LayerCorruptException e) {
                if (attempt > 0) {
                    throw e;
                }
                discardCorrupt(entry, e);
            } finally {
                entry.lastAccess = System.nanoTime();
                entry.users.decrementAndGet();
            }
        }
    }

    @FunctionalInterface
    private interface Opener<F> {
        F open(Path path) throws IOException;
    }

    @FunctionalInterface
    private interface Verifier<F> {
        void verify(F file) throws IOException;
    }

    @SuppressWarnings("unchecked")
    private <F extends AutoCloseable> F open(Entry entry, Opener<F> opener, Verifier<F> verifier) throws IOException {
        AutoCloseable h = entry.handle;
        if (h != null) {
            return (F) h;
        }
        synchronized (entry) {
            if (entry.handle != null) {
                return (F) entry.handle;
            }
            if (!Files.exists(entry.path)) {
                download(entry);
            }
            long size = Files.size(entry.path);
            if (entry.expectedSize >= 0 && size != entry.expectedSize) {
                throw new LayerCorruptException(
                        entry.path, "size " + size + " bytes, the timeline index says " + entry.expectedSize);
            }
            F file = opener.open(entry.path);
            try {
                verifier.verify(file);
            } catch (IOException | RuntimeException e) {
                entry.handle = file;
                closeQuietly(entry);
                throw e;
            }
            entry.handle = file;
            return file;
        }
    }

    private void download(Entry entry) throws IOException {
        Files.createDirectories(entry.path.getParent());
        long start = System.nanoTime();
        remote.download(entry.remotePath, entry.path);
        downloads.increment();
        log.info(
                "downloaded layer {} ({} bytes) in {} ms",
                entry.remotePath,
                Files.size(entry.path),
                (System.nanoTime() - start) / 1_000_000);
    }

    private void discardCorrupt(Entry entry, LayerCorruptException e) {
        corrupt.increment();
        log.error(
                "layer file {} is corrupt ({}); deleting the local copy and downloading it again",
                entry.path,
                e.getMessage());
        synchronized (entry) {
            closeQuietly(entry);
            try {
                Files.deleteIfExists(entry.path);
            } catch (IOException io) {
                throw new UncheckedIOException("cannot delete corrupt layer " + entry.path, io);
            }
        }
    }

    private static void closeQuietly(Entry entry) {
        AutoCloseable h = entry.handle;
        entry.handle = null;
        if (h != null) {
            try {
                h.close();
            } catch (Exception ignored) {
                // closing a read-only file
            }
        }
    }

    long localBytes() {
        long total = 0;
        for (Entry e : entries.values()) {
            if (Files.exists(e.path)) {
                total += Math.max(0, e.expectedSize);
            }
        }
        return total;
    }

    /** Evicts uploaded, unused layers, least recently used first, while the cache is over its limit. */
    @Scheduled(fixedDelayString = "${xenon.storage-node.eviction-interval:10s}")
    public void evict() {
        long total = localBytes();
        if (total <= limitBytes) {
            return;
        }
        List<Entry> candidates = new ArrayList<>(entries.values());
        candidates.sort(Comparator.comparingLong(e -> e.lastAccess));
        for (Entry e : candidates) {
            if (total <= limitBytes) {
                break;
            }
            if (!e.uploaded || e.users.get() > 0 || !Files.exists(e.path)) {
                continue;
            }
            synchronized (e) {
                if (e.users.get() > 0) {
                    continue;
                }
                closeQuietly(e);
                try {
                    Files.deleteIfExists(e.path);
                    total -= e.expectedSize;
                    evictions.increment();
                    log.debug("evicted layer {}; cache now {} bytes, limit {}", e.path, total, limitBytes);
                } catch (IOException io) {
                    log.warn("cannot evict layer {}: {}", e.path, io.getMessage());
                }
            }
        }
    }
}
