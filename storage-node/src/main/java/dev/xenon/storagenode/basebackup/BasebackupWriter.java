package dev.xenon.storagenode.basebackup;

import dev.xenon.common.Lsn;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.ImageLayerFile;
import dev.xenon.storagenode.layer.ImageLayerResolver;
import dev.xenon.storagenode.layer.LayerCorruptException;
import dev.xenon.storagenode.layer.LayerRef;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.RecordBoundaries;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import dev.xenon.storagenode.timeline.WalView;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.ConflictException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds the tar a compute starts from at LSN {@code X}: the newest image whose backup end is at most
 * X (following the ancestry for branches), then every WAL segment from the one holding the image's
 * backup start up to the one holding X, the last cut at X and zero-filled; no signal file. Stock
 * Postgres extracts it, runs backup/crash recovery to X, stays on Postgres timeline 1 and continues
 * writing at X.
 *
 * <p>{@link #plan} checks everything that can be refused before any byte is sent; {@link #write}
 * then streams, reading each image block and WAL chunk just before it is written.
 */
@Component
public class BasebackupWriter {

    private static final Logger log = LoggerFactory.getLogger(BasebackupWriter.class);
    private static final int PG_TIMELINE = 1;

    /** What a basebackup at {@code lsn} is made of, checked. */
    public record Plan(Timeline timeline, Lsn lsn, Timeline.ImageChoice image, WalView wal) {
        public Lsn walStart(int segmentSize) {
            return image.name().start().segmentStart(segmentSize);
        }
    }

    private final LayerCache cache;
    private final Tenants tenants;
    private final int segmentSize;
    private final Timer duration;
    private final Counter bytes;

    public BasebackupWriter(
            StorageNodeProperties properties, LayerCache cache, Tenants tenants, MeterRegistry metrics) {
        this.cache = cache;
        this.tenants = tenants;
        this.segmentSize = properties.segmentSize();
        this.duration = Timer.builder("xenon_storage_basebackup_seconds")
                .description("time to stream a basebackup")
                .register(metrics);
        this.bytes = Counter.builder("xenon_storage_basebackup_bytes")
                .description("bytes of basebackup tars streamed")
                .register(metrics);
    }

    /** Checks that a compute can start at {@code lsn} (null: the last record) on {@code timeline}. */
    public Plan plan(Timeline timeline, Lsn lsn) throws IOException {
        Timeline.State state = timeline.state();
        Lsn last = state.lastRecordLsn();
        Lsn x = lsn == null ? last : lsn;
        if (x.isAfter(last)) {
            throw new BadRequestException(
                    "lsn", "lsn " + x + " is beyond the last record of " + timeline + " (" + last + ")");
        }
        if (timeline.metadata().hasAncestor() && x.isBefore(timeline.metadata().ancestorLsn())) {
            throw new BadRequestException(
                    "lsn",
                    "lsn " + x + " is before the branch point "
                            + timeline.metadata().ancestorLsn() + " of " + timeline + "; read the parent instead");
        }
        if (x.isBefore(state.gcCutoffLsn())) {
            throw new ConflictException(
                    "LSN_GARBAGE_COLLECTED",
                    "lsn",
                    "lsn " + x + " is before the GC cutoff " + state.gcCutoffLsn() + " of " + timeline
                            + ": that history is no longer kept");
        }
        Timeline.ImageChoice image = timeline.imageFor(x)
                .orElseThrow(() -> new ConflictException(
                        "NO_IMAGE",
                        "lsn",
                        "no image of " + timeline + " or its ancestors ends at or before " + x
                                + ": the lsn is before the oldest image still kept"));
        WalView wal = WalView.of(timeline, cache);
        Lsn walStart = image.name().start().segmentStart(segmentSize);
        if (!wal.covers(walStart, x)) {
            throw new ConflictException(
                    "WAL_MISSING",
                    "lsn",
                    "the WAL from " + walStart + " to " + x + " that image " + image.name() + " needs is not all kept ("
                            + wal.describe() + ")");
        }
        if (!x.equals(last) && !RecordBoundaries.isRecordEnd(wal, x, segmentSize)) {
            throw new BadRequestException("lsn", "lsn " + x + " is not a WAL record boundary of " + timeline);
        }
        return new Plan(timeline, x, image, wal);
    }

    /** Streams the tar; {@code out} is not closed. */
    public void write(Plan plan, OutputStream out) throws IOException {
        long start = System.nanoTime();
        CountingOutputStream counted = new CountingOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(counted, 64 * 1024);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Timeline.ImageChoice choice = plan.image();
        try (Resolver resolver = new Resolver(plan.timeline())) {
            ImageLayerFile image = resolver.open(new LayerRef(choice.owner().id(), choice.name()));
            image.writeTar(tar, resolver);
        } catch (LayerCorruptException e) {
            // the corrupt bytes were not sent; the next request downloads the layer again
            cache.reportCorrupt(e);
            throw e;
        }
        int segments = writeWal(plan, tar);
        tar.finish();
        tar.flush();
        long nanos = System.nanoTime() - start;
        duration.record(java.time.Duration.ofNanos(nanos));
        bytes.increment(counted.count);
        log.info(
                "basebackup of {} at {}: image {} + {} WAL segments, {} MB in {} ms",
                plan.timeline(),
                plan.lsn(),
                choice.name(),
                segments,
                counted.count / (1024 * 1024),
                nanos / 1_000_000);
    }

    /**
     * Resolves the layers an image's blocks live in (it and earlier images of its timeline or
     * ancestors), holding each open until the tar is written.
     */
    private final class Resolver implements ImageLayerResolver, AutoCloseable {
        private final Timeline timeline;
        private final java.util.Map<LayerRef, LayerCache.Lease<ImageLayerFile>> open = new java.util.HashMap<>();

        Resolver(Timeline timeline) {
            this.timeline = timeline;
        }

        @Override
        public ImageLayerFile open(LayerRef ref) throws IOException {
            LayerCache.Lease<ImageLayerFile> lease = open.get(ref);
            if (lease == null) {
                Timeline owner = tenants.timeline(timeline.tenantId(), ref.timeline());
                LayerDescriptor descriptor = owner.state().images().stream()
                        .filter(d -> d.name().equals(ref.layer().toString()))
                        .findFirst()
                        .orElseThrow(() -> new IOException("image layer " + ref.layer() + " of timeline "
                                + ref.timeline() + " is referenced but no longer listed"));
                lease = cache.image(owner.tenantId(), owner.id(), descriptor);
                open.put(ref, lease);
            }
            return lease.file();
        }

        @Override
        public void close() {
            open.values().forEach(LayerCache.Lease::close);
        }
    }

    private int writeWal(Plan plan, TarArchiveOutputStream tar) throws IOException {
        Lsn from = plan.walStart(segmentSize);
        Lsn x = plan.lsn();
        byte[] buf = new byte[256 * 1024];
        int count = 0;
        for (Lsn seg = from; seg.isBefore(x); seg = seg.plus(segmentSize)) {
            TarArchiveEntry entry = new TarArchiveEntry("pg_wal/" + seg.segmentFileName(PG_TIMELINE, segmentSize));
            entry.setSize(segmentSize);
            entry.setMode(0100600);
            entry.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(entry);
            long segEnd = seg.value() + segmentSize;
            long pos = seg.value();
            long dataEnd = Math.min(segEnd, x.value());
            while (pos < dataEnd) {
                int n = (int) Math.min(buf.length, dataEnd - pos);
                plan.wal().readFully(Lsn.of(pos), buf, 0, n);
                tar.write(buf, 0, n);
                pos += n;
            }
            Arrays.fill(buf, (byte) 0);
            while (pos < segEnd) {
                int n = (int) Math.min(buf.length, segEnd - pos);
                tar.write(buf, 0, n);
                pos += n;
            }
            tar.closeArchiveEntry();
            count++;
        }
        return count;
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
