package dev.xenon.storagenode.layer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.xenon.common.Lsn;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * An open delta layer: the raw WAL bytes of one timeline in {@code [start, end)}, exactly as
 * Postgres wrote them, plus the commits found in them. Written by {@link DeltaLayerWriter};
 * immutable once written.
 *
 * <p><b>On disk.</b> All integers big-endian.
 *
 * <pre>
 * header   magic "XNDELTA1" (8 bytes) | start LSN u64 | end LSN u64
 * chunks   chunk i holds the WAL of [start + i * 1 MiB, min(end, start + (i + 1) * 1 MiB)),
 *          one zstd frame (level 1) each, back to back from offset 24
 * index    u32 chunk count; per chunk: file offset u64 | compressed length u32
 *          | uncompressed length u32 | CRC32C of the compressed bytes u32
 * commits  u32 count; per commit: end LSN of the commit record u64
 *          | commit timestamp, Unix epoch microseconds i64 | xid u32; ascending by LSN
 * footer   index offset u64 | commits offset u64 | CRC32C of every byte before this field u32
 *          | magic "XNDEND01" (8 bytes)                                   (28 bytes, at the end)
 * </pre>
 *
 * <p><b>Checks.</b> {@link #open} checks both magics and that header, index, commits and footer fit
 * together exactly (chunks contiguous, lengths adding up to {@code end - start}, commits in
 * order and in range); a truncated or padded file fails there. Every read of a chunk checks its
 * CRC32C before decompressing it; {@link #verify} reads the whole file and checks the footer's
 * CRC32C, which covers the footer's offsets too. Every mismatch is a {@link LayerCorruptException}
 * naming the file.
 *
 * <p><b>Thread-safety.</b> Safe for any number of concurrent readers: reads are positional, and
 * the only mutable state is the most recently decompressed chunk, published as an immutable
 * value, so reading a range sequentially in small pieces decompresses each chunk once.
 */
public final class DeltaLayerFile implements AutoCloseable {

    static final byte[] MAGIC = "XNDELTA1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "XNDEND01".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK_SIZE = 1 << 20;
    static final int ZSTD_LEVEL = 1;
    static final int HEADER_SIZE = 24;
    static final int FOOTER_SIZE = 28;
    private static final int INDEX_ENTRY_SIZE = 20;
    private static final int COMMIT_ENTRY_SIZE = 20;

    private final LayerChannel channel;
    private final DeltaLayerName name;
    private final long[] chunkOffsets;
    private final int[] compressedLengths;
    private final int[] chunkCrcs;
    private final List<CommitEntry> commits;
    private final long footerOffset;
    private final int footerCrc;
    private volatile DecodedChunk lastChunk;
    private final LongAdder chunksDecoded = new LongAdder();

    private record DecodedChunk(int index, byte[] data) {}

    private DeltaLayerFile(
            LayerChannel channel,
            DeltaLayerName name,
            long[] chunkOffsets,
            int[] compressedLengths,
            int[] chunkCrcs,
            List<CommitEntry> commits,
            long footerOffset,
            int footerCrc) {
        this.channel = channel;
        this.name = name;
        this.chunkOffsets = chunkOffsets;
        this.compressedLengths = compressedLengths;
        this.chunkCrcs = chunkCrcs;
        this.commits = commits;
        this.footerOffset = footerOffset;
        this.footerCrc = footerCrc;
    }

    /**
     * Opens a delta layer and checks its structure (not its checksums: see {@link #verify}).
     *
     * @throws LayerCorruptException when the file is not a well-formed delta layer
     */
    public static DeltaLayerFile open(Path file) throws IOException {
        LayerChannel channel = LayerChannel.open(file);
        try {
            return read(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static DeltaLayerFile read(LayerChannel channel) throws IOException {
        Path file = channel.file();
        long size = channel.size();
        if (size < HEADER_SIZE + 8 + FOOTER_SIZE) {
            throw new LayerCorruptException(file, "file of " + size + " bytes is too short for a delta layer");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        channel.readFully(0, header);
        channel.checkMagic(header.array(), 0, MAGIC, "header");
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_SIZE);
        long footerOffset = size - FOOTER_SIZE;
        channel.readFully(footerOffset, footer);
        channel.checkMagic(footer.array(), 20, END_MAGIC, "footer (truncated file?)");

        DeltaLayerName name;
        try {
            name = new DeltaLayerName(Lsn.of(header.getLong(8)), Lsn.of(header.getLong(16)));
        } catch (IllegalArgumentException e) {
            throw new LayerCorruptException(file, "bad LSN range in header: " + e.getMessage());
        }
        channel.checkFileName(name);

        long indexOffset = footer.getLong(0);
        long commitsOffset = footer.getLong(8);
        int footerCrc = footer.getInt(16);
        if (indexOffset < HEADER_SIZE
                || indexOffset > footerOffset
                || commitsOffset < indexOffset + 4
                || commitsOffset > footerOffset - 4) {
            throw new LayerCorruptException(
                    file,
                    "index offset " + indexOffset + " and commits offset " + commitsOffset + " do not fit a file of "
                            + size + " bytes");
        }
        if (footerOffset - indexOffset > Integer.MAX_VALUE) {
            throw new LayerCorruptException(
                    file, "index and commits of " + (footerOffset - indexOffset) + " bytes are implausibly large");
        }
        ByteBuffer meta = ByteBuffer.allocate((int) (footerOffset - indexOffset));
        channel.readFully(indexOffset, meta);

        long walLength = name.end().minus(name.start());
        long expectedChunks = chunkCount(walLength);
        int chunks = meta.getInt(0);
        if (Integer.toUnsignedLong(chunks) != expectedChunks
                || commitsOffset - indexOffset != 4 + (long) chunks * INDEX_ENTRY_SIZE) {
            throw new LayerCorruptException(
                    file,
                    "index of " + Integer.toUnsignedString(chunks) + " chunks in "
                            + (commitsOffset - indexOffset) + " bytes does not match " + expectedChunks
                            + " chunks for " + walLength + " bytes of WAL");
        }
        long[] offsets = new long[chunks];
        int[] compressedLengths = new int[chunks];
        int[] crcs = new int[chunks];
        long maxCompressed = Zstd.compressBound(CHUNK_SIZE);
        long expectedOffset = HEADER_SIZE;
        for (int i = 0; i < chunks; i++) {
            int at = 4 + i * INDEX_ENTRY_SIZE;
            offsets[i] = meta.getLong(at);
            compressedLengths[i] = meta.getInt(at + 8);
            int uncompressed = meta.getInt(at + 12);
            crcs[i] = meta.getInt(at + 16);
            long expectedUncompressed = Math.min(CHUNK_SIZE, walLength - (long) i * CHUNK_SIZE);
            if (offsets[i] != expectedOffset
                    || compressedLengths[i] <= 0
                    || compressedLengths[i] > maxCompressed
                    || uncompressed != expectedUncompressed) {
                throw new LayerCorruptException(
                        file,
                        "index entry of chunk " + i + " (offset " + offsets[i]
                                + ", compressed " + Integer.toUnsignedString(compressedLengths[i]) + ", uncompressed "
                                + Integer.toUnsignedString(uncompressed) + ") does not follow chunk " + (i - 1)
                                + " ending at " + expectedOffset + " or does not hold " + expectedUncompressed
                                + " bytes");
            }
            expectedOffset += compressedLengths[i];
        }
        if (expectedOffset != indexOffset) {
            throw new LayerCorruptException(
                    file, "chunks end at " + expectedOffset + " but the index starts at " + indexOffset);
        }

        int commitsAt = (int) (commitsOffset - indexOffset);
        int count = meta.getInt(commitsAt);
        if (footerOffset - commitsOffset != 4 + Integer.toUnsignedLong(count) * COMMIT_ENTRY_SIZE) {
            throw new LayerCorruptException(
                    file,
                    Integer.toUnsignedString(count) + " commits do not fill the " + (footerOffset - commitsOffset)
                            + " bytes between commits offset and footer");
        }
        List<CommitEntry> commits = new ArrayList<>(count);
        Lsn previous = name.start();
        for (int i = 0; i < count; i++) {
            int at = commitsAt + 4 + i * COMMIT_ENTRY_SIZE;
            Lsn end = Lsn.of(meta.getLong(at));
            long micros = meta.getLong(at + 8);
            if (end.compareTo(previous) <= 0 || end.compareTo(name.end()) > 0) {
                throw new LayerCorruptException(
                        file, "commit " + i + " ending at " + end + " is out of order or outside the layer");
            }
            Instant timestamp =
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
            commits.add(new CommitEntry(end, timestamp, meta.getInt(at + 16)));
            previous = end;
        }
        return new DeltaLayerFile(
                channel, name, offsets, compressedLengths, crcs, List.copyOf(commits), footerOffset, footerCrc);
    }

    public DeltaLayerName name() {
        return name;
    }

    public Lsn start() {
        return name.start();
    }

    public Lsn end() {
        return name.end();
    }

    /** File size in bytes. */
    public long size() {
        return channel.size();
    }

    public Path path() {
        return channel.file();
    }

    /** The commits in this layer's WAL, ascending by LSN. */
    public List<CommitEntry> commits() {
        return commits;
    }

    /**
     * Reads the whole file and checks the CRC32C in its footer.
     *
     * @throws LayerCorruptException on a mismatch
     */
    public void verify() throws IOException {
        int actual = channel.crc32c(footerOffset + 16);
        if (actual != footerCrc) {
            throw new LayerCorruptException(
                    channel.file(), "CRC32C of the file is %08x, its footer says %08x".formatted(actual, footerCrc));
        }
    }

    /**
     * Copies WAL starting at {@code from} into {@code dst}: {@code min(len, end - from)} bytes.
     *
     * @param from a position in {@code [start, end]}
     * @return the number of bytes copied, 0 when {@code from} is the end
     * @throws LayerCorruptException when a chunk read fails its checksum or does not decompress
     */
    public int read(Lsn from, byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        checkInRange(from, "read position");
        int n = (int) Math.min(len, end().minus(from));
        long position = from.minus(start());
        int done = 0;
        while (done < n) {
            long at = position + done;
            byte[] chunk = chunk((int) (at / CHUNK_SIZE));
            int inChunk = (int) (at % CHUNK_SIZE);
            int k = Math.min(n - done, chunk.length - inChunk);
            System.arraycopy(chunk, inChunk, dst, off + done, k);
            done += k;
        }
        return n;
    }

    /** Writes the WAL of {@code [from, to)} to {@code out}. */
    public void transferTo(Lsn from, Lsn to, OutputStream out) throws IOException {
        checkInRange(from, "start of transfer");
        checkInRange(to, "end of transfer");
        if (from.compareTo(to) > 0) {
            throw new IllegalArgumentException("transfer start " + from + " is above its end " + to);
        }
        long position = from.minus(start());
        long end = to.minus(start());
        while (position < end) {
            byte[] chunk = chunk((int) (position / CHUNK_SIZE));
            int inChunk = (int) (position % CHUNK_SIZE);
            int k = (int) Math.min(end - position, chunk.length - inChunk);
            out.write(chunk, inChunk, k);
            position += k;
        }
    }

    /** How many times a chunk was decompressed (read from disk, checked and decompressed). */
    long chunksDecoded() {
        return chunksDecoded.sum();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return channel.file().toString();
    }

    static long chunkCount(long walLength) {
        return (walLength + CHUNK_SIZE - 1) / CHUNK_SIZE;
    }

    private void checkInRange(Lsn position, String what) {
        if (position.compareTo(start()) < 0 || position.compareTo(end()) > 0) {
            throw new IllegalArgumentException(
                    what + " " + position + " is outside [" + start() + ", " + end() + "] of " + name);
        }
    }

    private byte[] chunk(int index) throws IOException {
        DecodedChunk cached = lastChunk;
        if (cached != null && cached.index() == index) {
            return cached.data();
        }
        byte[] data = decode(index);
        chunksDecoded.increment();
        lastChunk = new DecodedChunk(index, data);
        return data;
    }

    private byte[] decode(int index) throws IOException {
        byte[] compressed = new byte[compressedLengths[index]];
        channel.readFully(chunkOffsets[index], compressed, 0, compressed.length);
        CRC32C crc = new CRC32C();
        crc.update(compressed);
        int actual = (int) crc.getValue();
        if (actual != chunkCrcs[index]) {
            throw new LayerCorruptException(
                    channel.file(),
                    "chunk %d at offset %d: CRC32C expected %08x, actual %08x"
                            .formatted(index, chunkOffsets[index], chunkCrcs[index], actual));
        }
        int length = (int) Math.min(CHUNK_SIZE, end().minus(start()) - (long) index * CHUNK_SIZE);
        byte[] data = new byte[length];
        int n;
        try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
            n = zstd.decompressByteArray(data, 0, length, compressed, 0, compressed.length);
        } catch (ZstdException e) {
            throw new LayerCorruptException(channel.file(), "chunk " + index + " does not decompress", e);
        }
        if (n != length) {
            throw new LayerCorruptException(
                    channel.file(), "chunk " + index + " decompresses to " + n + " bytes, expected " + length);
        }
        return data;
    }
}
