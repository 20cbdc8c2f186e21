package dev.xenon.storagenode.layer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.xenon.common.Lsn;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes a delta layer (format: {@link DeltaLayerFile}) from WAL held in memory: to a temporary
 * file in the target directory, then fsync, atomic rename to {@code directory/<name>} and a
 * directory fsync. On any failure nothing is left under the final name. Stateless and thread-safe.
 */
public final class DeltaLayerWriter {

    private DeltaLayerWriter() {}

    /**
     * Writes the WAL {@code wal[0, length)}, which starts at {@code start}, with the commits found in it.
     *
     * @param commits commit records ending in {@code (start, start + length]}, in ascending LSN order
     * @throws IllegalArgumentException when the range is empty or the commits are out of range or order
     */
    public static WrittenLayer write(Path directory, Lsn start, byte[] wal, int length, List<CommitEntry> commits)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(wal, "wal");
        if (length <= 0 || length > wal.length) {
            throw new IllegalArgumentException(
                    "WAL length " + length + " must be positive and at most the buffer's " + wal.length);
        }
        DeltaLayerName name = new DeltaLayerName(start, start.plus(length));
        List<CommitEntry> checked = checkCommits(name, commits);
        int chunks = (int) DeltaLayerFile.chunkCount(length);
        long[] offsets = new long[chunks];
        int[] compressedLengths = new int[chunks];
        int[] crcs = new int[chunks];
        try (LayerFileOutput out = LayerFileOutput.create(directory, name.toString());
                ZstdCompressCtx zstd = new ZstdCompressCtx()) {
            zstd.setLevel(DeltaLayerFile.ZSTD_LEVEL);
            out.write(DeltaLayerFile.MAGIC, 0, DeltaLayerFile.MAGIC.length);
            out.writeLong(name.start().value());
            out.writeLong(name.end().value());

            byte[] compressed = new byte[(int) Zstd.compressBound(DeltaLayerFile.CHUNK_SIZE)];
            CRC32C crc = new CRC32C();
            for (int i = 0; i < chunks; i++) {
                int from = i * DeltaLayerFile.CHUNK_SIZE;
                int n = Math.min(DeltaLayerFile.CHUNK_SIZE, length - from);
                int c = zstd.compressByteArray(compressed, 0, compressed.length, wal, from, n);
                crc.reset();
                crc.update(compressed, 0, c);
                offsets[i] = out.position();
                compressedLengths[i] = c;
                crcs[i] = (int) crc.getValue();
                out.write(compressed, 0, c);
            }

            long indexOffset = out.position();
            out.writeInt(chunks);
            for (int i = 0; i < chunks; i++) {
                out.writeLong(offsets[i]);
                out.writeInt(compressedLengths[i]);
                out.writeInt(Math.min(DeltaLayerFile.CHUNK_SIZE, length - i * DeltaLayerFile.CHUNK_SIZE));
                out.writeInt(crcs[i]);
            }

            long commitsOffset = out.position();
            out.writeInt(checked.size());
            for (CommitEntry commit : checked) {
                out.writeLong(commit.end().value());
                out.writeLong(toEpochMicros(commit.timestamp()));
                out.writeInt(commit.xid());
            }

            out.writeLong(indexOffset);
            out.writeLong(commitsOffset);
            out.writeInt(out.crc());
            out.write(DeltaLayerFile.END_MAGIC, 0, DeltaLayerFile.END_MAGIC.length);
            return out.commit(name);
        }
    }

    private static List<CommitEntry> checkCommits(DeltaLayerName name, List<CommitEntry> commits) {
        List<CommitEntry> copy = List.copyOf(Objects.requireNonNull(commits, "commits"));
        Lsn previous = name.start();
        for (CommitEntry commit : copy) {
            if (commit.end().compareTo(previous) <= 0 || commit.end().compareTo(name.end()) > 0) {
                throw new IllegalArgumentException("commit ending at " + commit.end() + " is out of order or outside ("
                        + name.start() + ", " + name.end() + "] of " + name
                        + "; commits must be in ascending LSN order");
            }
            toEpochMicros(commit.timestamp());
            previous = commit.end();
        }
        return copy;
    }

    static long toEpochMicros(Instant timestamp) {
        try {
            return Math.addExact(
                    Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000L), timestamp.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("commit timestamp " + timestamp + " is out of range", e);
        }
    }
}
