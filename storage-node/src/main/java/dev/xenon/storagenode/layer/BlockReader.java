package dev.xenon.storagenode.layer;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads and decompresses image blocks for one streaming pass (one tar, one file's content): one
 * decompression context and one block buffer for the whole pass, and a read-ahead window per layer
 * file. A window is refilled with {@value #WINDOW_SIZE} bytes while blocks are read onward in file
 * order, even with gaps (the common case: a new image's own blocks, or the unchanged runs of an
 * older one), and with just one block's worth otherwise, so scattered references do not read much
 * they do not need. Not thread-safe.
 */
final class BlockReader implements AutoCloseable {

    private static final int WINDOW_SIZE = 256 * 1024;
    private static final int SMALL_READ = 16 * 1024;

    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final CRC32C crc = new CRC32C();
    private final byte[] block = new byte[ImageLayerFile.BLOCK_SIZE];
    private final Map<ImageLayerFile, Window> windows = new IdentityHashMap<>();
    private ImageLayerFile lastFile;
    private long lastOffset = -1;
    private int lastLength;

    private static final class Window {
        byte[] data = new byte[SMALL_READ];
        long start = -1;
        int length;
        long nextInOrder = -1;
    }

    /**
     * The content of the block stored at {@code offset} of {@code file}, in a buffer that stays valid
     * until the next call.
     *
     * @throws LayerCorruptException when the block fails its CRC32C or does not decompress to {@code length} bytes
     */
    byte[] read(ImageLayerFile file, long offset, int length) throws IOException {
        if (file == lastFile && offset == lastOffset && length == lastLength) {
            return block; // the same content again, typically an all-zero page
        }
        lastFile = null;
        Window window = windows.computeIfAbsent(file, f -> new Window());
        int at = locate(file, window, offset);
        byte[] data = window.data;
        int compressed = getInt(data, at);
        int stored = getInt(data, at + 4);
        crc.reset();
        crc.update(data, at + ImageLayerFile.BLOCK_HEADER_SIZE, compressed);
        int actual = (int) crc.getValue();
        if (actual != stored) {
            throw new LayerCorruptException(
                    file.path(),
                    "block at offset %d: CRC32C expected %08x, actual %08x".formatted(offset, stored, actual));
        }
        int n;
        try {
            n = zstd.decompressByteArray(block, 0, length, data, at + ImageLayerFile.BLOCK_HEADER_SIZE, compressed);
        } catch (ZstdException e) {
            throw new LayerCorruptException(file.path(), "block at offset " + offset + " does not decompress", e);
        }
        if (n != length) {
            throw new LayerCorruptException(
                    file.path(), "block at offset " + offset + " holds " + n + " bytes, expected " + length);
        }
        lastFile = file;
        lastOffset = offset;
        lastLength = length;
        return block;
    }

    /** Makes sure the whole stored block at {@code offset} is in the window; returns its index there. */
    private int locate(ImageLayerFile file, Window window, long offset) throws IOException {
        long end = window.start + window.length;
        if (offset < window.start || offset + ImageLayerFile.BLOCK_HEADER_SIZE > end) {
            fill(file, window, offset);
        }
        int at = (int) (offset - window.start);
        int compressed = getInt(window.data, at);
        if (compressed <= 0
                || compressed > ImageLayerFile.MAX_COMPRESSED_BLOCK
                || offset + ImageLayerFile.BLOCK_HEADER_SIZE + compressed > file.blocksEnd()) {
            throw new LayerCorruptException(
                    file.path(),
                    "block at offset " + offset + " claims " + Integer.toUnsignedString(compressed)
                            + " compressed bytes, which do not fit the blocks region ending at " + file.blocksEnd());
        }
        if (at + ImageLayerFile.BLOCK_HEADER_SIZE + compressed > window.length) {
            fill(file, window, offset);
            at = 0;
        }
        window.nextInOrder = offset + ImageLayerFile.BLOCK_HEADER_SIZE + compressed;
        return at;
    }

    private static void fill(ImageLayerFile file, Window window, long offset) throws IOException {
        // Reading on in file order, perhaps skipping a few blocks that a newer image replaced.
        boolean onward =
                window.nextInOrder >= 0 && offset >= window.nextInOrder && offset - window.nextInOrder <= WINDOW_SIZE;
        int want = onward ? WINDOW_SIZE : SMALL_READ;
        if (window.data.length < want) {
            window.data = new byte[want];
        }
        int n = (int) Math.min(want, file.blocksEnd() - offset);
        file.channel().readFully(offset, window.data, 0, n);
        window.start = offset;
        window.length = n;
    }

    private static int getInt(byte[] data, int at) {
        return (data[at] & 0xFF) << 24
                | (data[at + 1] & 0xFF) << 16
                | (data[at + 2] & 0xFF) << 8
                | (data[at + 3] & 0xFF);
    }

    @Override
    public void close() {
        zstd.close();
    }
}
