package dev.xenon.walnode.wal;

import dev.xenon.common.Lsn;
import dev.xenon.common.WalSegmentName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The WAL of one timeline as Postgres lays it out: segment files of {@code segmentSize} bytes in
 * one directory, named as Postgres names them ({@code 000000010000000000000003}).
 *
 * <p><b>On disk.</b> A segment being written is {@code NAME.partial}, created zero-filled to its
 * full size and fsynced (file and directory) before the first byte of WAL goes in, so that later
 * {@code fdatasync}s never need to flush metadata. Once WAL is halfway through a segment, a
 * background thread prepares the next one as {@code NAME.next} (zero-filled, fsynced), and reaching
 * it costs a rename and a directory fsync instead of 2048 writes and a 16 MiB fsync on the commit
 * path, where every WAL node of a quorum would pay them at the same LSN ({@code pg_receivewal} pays
 * them there). When WAL reaches a segment's end it is fsynced, renamed to {@code NAME} and the
 * directory fsynced. Bytes past the written end are zeros: truncation
 * zero-fills, so a reader finds the end of WAL where records stop. A completed segment is
 * byte-identical to the one in the compute's {@code pg_wal}.
 *
 * <p><b>Durability.</b> {@link #append} only writes into the page cache; {@link #force} makes
 * every byte appended before it started durable and returns that position. Only positions
 * returned by {@code force} may be acknowledged to the compute.
 *
 * <p><b>Thread-safety.</b> One writer thread calls {@link #append} / {@link #truncate}; one
 * flusher thread calls {@link #force} concurrently with it; any thread may {@link #read}.
 * {@link #removeBefore} and {@link #truncate} must not run concurrently with appends.
 */
public final class SegmentStore implements AutoCloseable {

    /**
     * Segments are zero-filled one WAL page (8 KiB) per write, as {@code pg_receivewal} does. The page
     * cache sizes a file's folios by the writes that create them, and ext4 (Linux 6.16+) makes large
     * folios: a segment filled with 1 MiB writes had 1 MiB folios, and every later small WAL write into
     * one walked all its 256 buffers ({@code ext4_block_write_begin}). perf under pgbench put 5 % of
     * the receiver's CPU there, against 0.7 % for {@code pg_receivewal}.
     */
    private static final int ZERO_CHUNK = 8192;

    private final Path dir;
    private final int segmentSize;
    private final Object lock = new Object();
    private final List<FileChannel> retired = new ArrayList<>();
    private int pgTimelineId;
    private FileChannel current;
    private WalSegmentName currentName;
    private volatile long writtenEnd;
    private volatile long flushedEnd;
    /** The next segment's file being prepared in the background, or null; under lock. */
    private Prepared prepared;
    /** The segment {@link #prepareNext} last looked at, so it looks once per segment; under lock. */
    private long preparedFor = -1;

    /** A zero-filled, fsynced file for segment {@code name}, ready once {@code done} completes. */
    private record Prepared(WalSegmentName name, Path file, CompletableFuture<Void> done) {
        /** Waits for the preparation; false when it failed (the file is then not to be used). */
        boolean await() {
            try {
                done.join();
                return true;
            } catch (CompletionException e) {
                return false;
            }
        }
    }

    /**
     * Suffix of a segment file being prepared (in the background, or inline when none was ready);
     * never read as WAL.
     */
    static final String PREPARED_SUFFIX = ".next";

    /**
     * Opens the directory (creating it) with the given written end: bytes at or after it are
     * considered absent. Callers find that end by scanning for the last valid record.
     */
    public SegmentStore(Path dir, int pgTimelineId, int segmentSize, Lsn end) throws IOException {
        this.dir = dir;
        this.pgTimelineId = pgTimelineId;
        this.segmentSize = segmentSize;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            // Left by a crash while preparing (or before using) a segment: not WAL, prepared again.
            for (Path p :
                    files.filter(p -> p.toString().endsWith(PREPARED_SUFFIX)).toList()) {
                Files.deleteIfExists(p);
            }
        }
        this.writtenEnd = end.value();
        this.flushedEnd = end.value();
    }

    public Path directory() {
        return dir;
    }

    public int segmentSize() {
        return segmentSize;
    }

    public int pgTimelineId() {
        return pgTimelineId;
    }

    /** Sets the Postgres timeline ID used in new file names (from IDENTIFY_SYSTEM). */
    public void setPgTimelineId(int pgTimelineId) {
        this.pgTimelineId = pgTimelineId;
    }

    /** End of the bytes appended so far (not necessarily durable). */
    public Lsn writtenEnd() {
        return Lsn.of(writtenEnd);
    }

    /** End of the bytes known durable (returned by the last {@link #force}). */
    public Lsn flushedEnd() {
        return Lsn.of(flushedEnd);
    }

    /**
     * Writes WAL bytes starting at {@code start}, which must not be beyond the written end (a gap
     * would leave a hole in the WAL); bytes before the written end are overwritten.
     */
    public void append(Lsn start, ByteBuffer data) throws IOException {
        if (Long.compareUnsigned(start.value(), writtenEnd) > 0) {
            throw new WalGapException("WAL at " + start + " would leave a gap after the written end " + writtenEnd());
        }
        long position = start.value();
        while (data.hasRemaining()) {
            long segNo = Long.divideUnsigned(position, segmentSize);
            FileChannel channel = channelFor(segNo);
            int offset = (int) Long.remainderUnsigned(position, segmentSize);
            int chunk = Math.min(data.remaining(), segmentSize - offset);
            ByteBuffer slice = data.slice(data.position(), chunk);
            long filePos = offset;
            while (slice.hasRemaining()) {
                filePos += channel.write(slice, filePos);
            }
            data.position(data.position() + chunk);
            position += chunk;
            if (Long.compareUnsigned(position, writtenEnd) > 0) {
                writtenEnd = position;
            }
            if (offset + chunk == segmentSize) {
                completeCurrent();
            } else if (offset + chunk >= segmentSize / 2) {
                prepareNext(segNo + 1);
            }
        }
    }

    /** Makes every byte appended so far durable; returns the durable end. */
    public Lsn force() throws IOException {
        FileChannel channel;
        long end;
        synchronized (lock) {
            for (FileChannel old : retired) {
                old.close();
            }
            retired.clear();
            channel = current;
            end = writtenEnd;
        }
        if (channel != null) {
            channel.force(false);
        }
        // Completed segments were forced when they completed, before writtenEnd moved past them.
        flushedEnd = end;
        return Lsn.of(end);
    }

    /**
     * Forgets every byte at or after {@code end}: zero-fills the rest of its segment, deletes later
     * segments, and makes the segment holding {@code end} a {@code .partial} again. Durable on return.
     */
    public void truncate(Lsn end) throws IOException {
        synchronized (lock) {
            discardPrepared();
            closeCurrent();
            long segNo = end.segmentNumber(segmentSize);
            for (var entry : listSegments().entrySet()) {
                if (entry.getKey() > segNo) {
                    Files.deleteIfExists(entry.getValue());
                }
            }
            WalSegmentName name = WalSegmentName.of(pgTimelineId, segNo, segmentSize);
            Path complete = dir.resolve(name.toString());
            Path partial = dir.resolve(name.partialName());
            if (Files.exists(complete)) {
                Files.move(complete, partial, StandardCopyOption.ATOMIC_MOVE);
            }
            if (Files.exists(partial)) {
                try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                    zeroFill(ch, end.segmentOffset(segmentSize), segmentSize);
                    ch.force(true);
                }
            }
            fsyncDirectory();
            writtenEnd = end.value();
            flushedEnd = end.value();
        }
    }

    /**
     * Deletes whole segments that end at or before {@code lsn}; returns how many. The segment
     * holding the written end is never deleted.
     */
    public int removeBefore(Lsn lsn) throws IOException {
        int removed = 0;
        long keepFrom =
                Math.min(Long.divideUnsigned(lsn.value(), segmentSize), Long.divideUnsigned(writtenEnd, segmentSize));
        for (var entry : listSegments().entrySet()) {
            if (entry.getKey() < keepFrom) {
                Files.deleteIfExists(entry.getValue());
                removed++;
            }
        }
        if (removed > 0) {
            fsyncDirectory();
        }
        return removed;
    }

    /** Start of the oldest segment on disk, if any. */
    public Lsn oldestSegmentStart() throws IOException {
        var segments = listSegments();
        return segments.isEmpty() ? Lsn.INVALID : Lsn.of(segments.firstKey() * segmentSize);
    }

    /**
     * Reads bytes at {@code position} into {@code dst}; stops at the end of a segment file. Returns
     * the number of bytes read, or -1 when no segment holds that position. Does not look at the
     * written end: callers bound their reads.
     */
    public int read(Lsn position, byte[] dst, int off, int len) throws IOException {
        long segNo = position.segmentNumber(segmentSize);
        int offset = position.segmentOffset(segmentSize);
        int n = Math.min(len, segmentSize - offset);
        WalSegmentName name = WalSegmentName.of(pgTimelineId, segNo, segmentSize);
        for (String candidate : new String[] {name.toString(), name.partialName(), name.toString()}) {
            try (FileChannel ch = FileChannel.open(dir.resolve(candidate), StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.wrap(dst, off, n);
                long filePos = offset;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, filePos);
                    if (r < 0) {
                        break;
                    }
                    filePos += r;
                }
                return n - buf.remaining();
            } catch (NoSuchFileException e) {
                // renamed between attempts, or absent: try the other name
            }
        }
        return -1;
    }

    /**
     * Reads {@code len} bytes at {@code position}, across segment files; returns how many were read,
     * fewer only where a segment file is missing.
     */
    public int readFully(Lsn position, byte[] dst, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = read(position.plus(total), dst, off + total, len - total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Segment number → file, for every segment file in the directory. */
    public TreeMap<Long, Path> listSegments() throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (WalSegmentName.looksLikeSegment(n)) {
                    segments.put(WalSegmentName.parse(n, segmentSize).segmentNumber(), p);
                }
            });
        }
        return segments;
    }

    private FileChannel channelFor(long segNo) throws IOException {
        synchronized (lock) {
            if (current != null && currentName.segmentNumber() == segNo) {
                return current;
            }
            if (current != null) {
                retired.add(current);
                current = null;
            }
            WalSegmentName name = WalSegmentName.of(pgTimelineId, segNo, segmentSize);
            Path complete = dir.resolve(name.toString());
            Path partial = dir.resolve(name.partialName());
            if (Files.exists(complete)) {
                // Rewriting a completed segment (resent WAL after a reconnect): it becomes partial again.
                Files.move(complete, partial, StandardCopyOption.ATOMIC_MOVE);
            }
            if (!Files.exists(partial)) {
                Path ready = takePrepared(name);
                if (ready == null) {
                    ready = dir.resolve(name + PREPARED_SUFFIX);
                    createZeroFilled(ready, segmentSize);
                }
                Files.move(ready, partial, StandardCopyOption.ATOMIC_MOVE);
                fsyncDirectory();
            }
            discardPrepared();
            current = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
            currentName = name;
            return current;
        }
    }

    private void completeCurrent() throws IOException {
        synchronized (lock) {
            if (current == null) {
                return;
            }
            current.force(false);
            Path partial = dir.resolve(currentName.partialName());
            Files.move(partial, dir.resolve(currentName.toString()), StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory();
            retired.add(current);
            current = null;
            currentName = null;
        }
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            current.close();
            current = null;
            currentName = null;
        }
        for (FileChannel old : retired) {
            old.close();
        }
        retired.clear();
    }

    /**
     * Starts preparing segment {@code segNo}'s file in the background, unless it is being prepared
     * or already exists (WAL resent after a reconnect).
     */
    private void prepareNext(long segNo) throws IOException {
        synchronized (lock) {
            if (preparedFor == segNo) {
                return;
            }
            discardPrepared();
            preparedFor = segNo;
            WalSegmentName name = WalSegmentName.of(pgTimelineId, segNo, segmentSize);
            if (Files.exists(dir.resolve(name.partialName())) || Files.exists(dir.resolve(name.toString()))) {
                return;
            }
            Path file = dir.resolve(name + PREPARED_SUFFIX);
            CompletableFuture<Void> done = new CompletableFuture<>();
            prepared = new Prepared(name, file, done);
            Thread.ofPlatform().daemon().name("wal-prepare-" + name).start(() -> {
                try {
                    createZeroFilled(file, segmentSize);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }
    }

    /** The prepared file for {@code name} once it is ready, or null (none, or its preparation failed). */
    private Path takePrepared(WalSegmentName name) throws IOException {
        if (prepared == null || !prepared.name().equals(name)) {
            return null;
        }
        Prepared p = prepared;
        prepared = null;
        if (p.await()) {
            return p.file();
        }
        Files.deleteIfExists(p.file());
        return null;
    }

    /** Waits for a preparation in progress and deletes its file. Under lock. */
    private void discardPrepared() throws IOException {
        preparedFor = -1;
        if (prepared != null) {
            Prepared p = prepared;
            prepared = null;
            p.await();
            Files.deleteIfExists(p.file());
        }
    }

    /** Creates (or replaces) {@code file} as {@code size} zero bytes, fsynced. */
    private static void createZeroFilled(Path file, int size) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            zeroFill(ch, 0, size);
            ch.force(true);
        }
    }

    private static void zeroFill(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
        long pos = from;
        while (pos < to) {
            zeros.clear();
            zeros.limit((int) Math.min(ZERO_CHUNK, to - pos));
            while (zeros.hasRemaining()) {
                pos += ch.write(zeros, pos);
            }
        }
    }

    private void fsyncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            discardPrepared();
            closeCurrent();
        }
    }
}
