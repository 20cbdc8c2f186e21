package dev.xenon.storagenode.layer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * An open image layer: the content of an online base backup of one timeline (directories, regular
 * files, symlinks, in tar order) with page-level dedup. Regular files are cut into 8 KiB blocks
 * (the last one may be shorter); a block lives either in this file or in an older image that this
 * one refers to. Written by {@link ImageLayerWriter}; immutable once written.
 *
 * <p><b>On disk.</b> All integers big-endian; strings are a u16 byte length and UTF-8.
 *
 * <pre>
 * header    magic "XNIMAGE1" (8 bytes) | start LSN u64 | end LSN u64
 * blocks    the blocks stored in this file, from offset 24, back to back; each:
 *           compressed length u32 | CRC32C of the compressed bytes u32 | zstd frame of the block.
 *           A block is addressed by the file offset of its length field.
 * refs      u16 count; per ref: timeline id (16 raw bytes) | image layer name (string).
 *           Ref 0 is this image itself; the others are exactly the images some block lives in.
 * manifest  one zstd frame (with zstd's content checksum) holding, per entry in tar order:
 *           path (string) | type u8 (0 directory, 1 file, 2 symlink) | mode u32
 *           | mtime, epoch seconds, i64 | size u64
 *           | symlink: target (string)
 *           | file, per block (ceil(size / 8192) of them): content hash (first 16 bytes of its SHA-256)
 *             | ref index u16 | block offset u64 | uncompressed length u16
 * footer    refs offset u64 | manifest offset u64 | manifest compressed length u32
 *           | CRC32C of every byte before this field u32 | magic "XNIEND01" (8 bytes)  (32 bytes, at the end)
 * </pre>
 *
 * A block is compressed at zstd level -1, which leaves literals without entropy coding: on
 * pgbench pages that stores about 20% more bytes than level 1 but decompresses about twice as fast,
 * and decompression is most of the cost of {@link #writeTar}. Where that leaves a block over half its
 * size and level 1 saves another fifth (text, numbers), the block is stored at level 1. The manifest
 * is compressed at level 1. Readers do not depend on the level.
 *
 * <p>The refs table follows the blocks (rather than preceding them) because the writer only knows
 * which older images are still referenced once every block is in.
 *
 * <p><b>Checks.</b> {@link #open} checks both magics, that the sections fit together exactly, the
 * manifest's zstd checksum, and that every block reference is plausible (a known ref; for this
 * file, an offset inside the blocks region; lengths adding up to the file size). Every block read
 * checks its CRC32C and decompressed length; {@link #verify} reads the whole file and checks the
 * footer's CRC32C, which covers the footer's offsets too. Every mismatch is a {@link
 * LayerCorruptException} naming the file.
 *
 * <p><b>Thread-safety.</b> Immutable after {@link #open}; any number of threads may read blocks and
 * write tars concurrently (positional reads; each {@link #writeTar} has its own buffers).
 */
public final class ImageLayerFile implements AutoCloseable {

    static final byte[] MAGIC = "XNIMAGE1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "XNIEND01".getBytes(StandardCharsets.US_ASCII);
    static final int BLOCK_SIZE = 8192;
    static final int BLOCK_HEADER_SIZE = 8;
    static final int MAX_COMPRESSED_BLOCK = (int) Zstd.compressBound(BLOCK_SIZE);
    /** zstd level of block frames; see the class comment. */
    static final int FAST_ZSTD_LEVEL = -1;
    /** zstd level of blocks that entropy coding shrinks well, and of the manifest. */
    static final int DENSE_ZSTD_LEVEL = 1;

    static final int HEADER_SIZE = 24;
    static final int FOOTER_SIZE = 32;
    /** Bytes per block in the manifest: hash, ref, offset, length. */
    private static final int MANIFEST_BLOCK_SIZE = 16 + 2 + 8 + 2;

    private static final String TAR_OWNER = "postgres";

    private final LayerChannel channel;
    private final ImageLayerName name;
    private final List<LayerRef> refs;
    private final List<ImageEntry> entries;
    private final Map<String, ImageEntry> byPath;
    private final long blocksEnd;
    private final long footerOffset;
    private final int footerCrc;

    private ImageLayerFile(
            LayerChannel channel,
            ImageLayerName name,
            List<LayerRef> refs,
            List<ImageEntry> entries,
            Map<String, ImageEntry> byPath,
            long blocksEnd,
            long footerOffset,
            int footerCrc) {
        this.channel = channel;
        this.name = name;
        this.refs = refs;
        this.entries = entries;
        this.byPath = byPath;
        this.blocksEnd = blocksEnd;
        this.footerOffset = footerOffset;
        this.footerCrc = footerCrc;
    }

    /**
     * Opens an image layer, checks its structure and reads its refs and manifest.
     *
     * @throws LayerCorruptException when the file is not a well-formed image layer
     */
    public static ImageLayerFile open(Path file) throws IOException {
        LayerChannel channel = LayerChannel.open(file);
        try {
            return read(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * A tar stream as basebackups are written: POSIX (PAX) headers for long names and big numbers,
     * UTF-8 names. Buffer {@code out} generously; the tar stream writes in 512-byte records.
     */
    public static TarArchiveOutputStream newTarOutputStream(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    private static ImageLayerFile read(LayerChannel channel) throws IOException {
        Path file = channel.file();
        long size = channel.size();
        if (size < HEADER_SIZE + 2 + FOOTER_SIZE) {
            throw new LayerCorruptException(file, "file of " + size + " bytes is too short for an image layer");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        channel.readFully(0, header);
        channel.checkMagic(header.array(), 0, MAGIC, "header");
        long footerOffset = size - FOOTER_SIZE;
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_SIZE);
        channel.readFully(footerOffset, footer);
        channel.checkMagic(footer.array(), 24, END_MAGIC, "footer (truncated file?)");

        ImageLayerName name;
        try {
            name = new ImageLayerName(Lsn.of(header.getLong(8)), Lsn.of(header.getLong(16)));
        } catch (IllegalArgumentException e) {
            throw new LayerCorruptException(file, "bad LSN range in header: " + e.getMessage());
        }
        channel.checkFileName(name);

        long refsOffset = footer.getLong(0);
        long manifestOffset = footer.getLong(8);
        long manifestLength = Integer.toUnsignedLong(footer.getInt(16));
        int footerCrc = footer.getInt(20);
        if (refsOffset < HEADER_SIZE
                || refsOffset > footerOffset
                || manifestOffset < refsOffset + 2
                || manifestOffset > footerOffset
                || manifestOffset + manifestLength != footerOffset
                || manifestOffset - refsOffset > Integer.MAX_VALUE
                || manifestLength > Integer.MAX_VALUE - 16) {
            throw new LayerCorruptException(
                    file,
                    "refs offset " + refsOffset + ", manifest offset " + manifestOffset + " and manifest length "
                            + manifestLength + " do not fit a file of " + size + " bytes");
        }

        byte[] refBytes = new byte[(int) (manifestOffset - refsOffset)];
        channel.readFully(refsOffset, refBytes, 0, refBytes.length);
        List<LayerRef> refs = parseRefs(file, name, refBytes);

        byte[] manifest = new byte[(int) manifestLength];
        channel.readFully(manifestOffset, manifest, 0, manifest.length);
        List<ImageEntry> entries = parseManifest(file, manifest, refs.size(), refsOffset);
        Map<String, ImageEntry> byPath = new HashMap<>(entries.size() * 2);
        for (ImageEntry entry : entries) {
            if (byPath.putIfAbsent(entry.path(), entry) != null) {
                throw new LayerCorruptException(file, "manifest holds '" + entry.path() + "' twice");
            }
        }
        return new ImageLayerFile(channel, name, refs, entries, byPath, refsOffset, footerOffset, footerCrc);
    }

    private static List<LayerRef> parseRefs(Path file, ImageLayerName name, byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<LayerRef> refs = new ArrayList<>();
        try {
            int count = Short.toUnsignedInt(in.getShort());
            for (int i = 0; i < count; i++) {
                byte[] timeline = new byte[16];
                in.get(timeline);
                byte[] layer = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(layer);
                refs.add(new LayerRef(
                        TimelineId.parse(HexFormat.of().formatHex(timeline)),
                        ImageLayerName.parse(new String(layer, StandardCharsets.UTF_8))));
            }
        } catch (RuntimeException e) { // BufferUnderflowException, IllegalArgumentException
            throw new LayerCorruptException(file, "refs table does not parse: " + e, e);
        }
        if (in.hasRemaining()) {
            throw new LayerCorruptException(file, in.remaining() + " stray bytes after the refs table");
        }
        if (refs.isEmpty() || !refs.get(0).layer().equals(name)) {
            throw new LayerCorruptException(
                    file,
                    "ref 0 must be the image itself (" + name + "), found " + (refs.isEmpty() ? "none" : refs.get(0)));
        }
        return List.copyOf(refs);
    }

    private static List<ImageEntry> parseManifest(Path file, byte[] compressed, int refCount, long blocksEnd)
            throws IOException {
        byte[] manifest;
        try (ZstdInputStreamNoFinalizer in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(compressed))) {
            manifest = in.readAllBytes(); // checks zstd's content checksum before anything is parsed
        } catch (IOException | RuntimeException e) {
            throw new LayerCorruptException(file, "manifest does not decompress: " + e, e);
        }
        ByteBuffer in = ByteBuffer.wrap(manifest);
        List<ImageEntry> entries = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                String path = readString(in);
                ImageEntry.Type type = ImageEntry.Type.ofCode(Byte.toUnsignedInt(in.get()));
                int mode = in.getInt();
                long mtime = in.getLong();
                long size = in.getLong();
                switch (type) {
                    case DIRECTORY -> entries.add(ImageEntry.directory(path, mode, mtime));
                    case SYMLINK -> entries.add(ImageEntry.symlink(path, readString(in), mode, mtime));
                    case FILE ->
                        entries.add(ImageEntry.file(
                                path, mode, mtime, size, readBlocks(file, in, path, size, refCount, blocksEnd)));
                }
            }
        } catch (LayerCorruptException e) {
            throw e;
        } catch (RuntimeException e) { // BufferUnderflowException, bad type or sizes
            throw new LayerCorruptException(file, "manifest does not parse: " + e, e);
        }
        return List.copyOf(entries);
    }

    private static BlockList readBlocks(Path file, ByteBuffer in, String path, long size, int refCount, long blocksEnd)
            throws IOException {
        long count = ImageEntry.blockCount(size);
        if (size < 0 || count * MANIFEST_BLOCK_SIZE > in.remaining()) {
            throw new LayerCorruptException(
                    file,
                    "entry '" + path + "' of size " + size + " needs " + count
                            + " blocks, more than the manifest holds");
        }
        BlockList.Builder blocks = new BlockList.Builder((int) count);
        for (int i = 0; i < count; i++) {
            long high = in.getLong();
            long low = in.getLong();
            int ref = Short.toUnsignedInt(in.getShort());
            long offset = in.getLong();
            int length = Short.toUnsignedInt(in.getShort());
            if (ref >= refCount
                    || length != ImageEntry.blockLength(size, i)
                    || offset < HEADER_SIZE
                    || (ref == 0 && offset > blocksEnd - BLOCK_HEADER_SIZE)) {
                throw new LayerCorruptException(
                        file,
                        "block " + i + " of '" + path + "' (ref " + ref + ", offset " + offset + ", length " + length
                                + ") is not a valid reference");
            }
            blocks.add(high, low, ref, offset, length);
        }
        return blocks.build();
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public ImageLayerName name() {
        return name;
    }

    /** The timeline this image was written for (ref 0's). */
    public TimelineId timeline() {
        return refs.get(0).timeline();
    }

    public Path path() {
        return channel.file();
    }

    /** File size in bytes. */
    public long size() {
        return channel.size();
    }

    /**
     * The layers this image's blocks live in, this image first: what garbage collection must keep
     * while this image is needed.
     */
    public List<LayerRef> refs() {
        return refs;
    }

    /** The manifest: every entry, in tar order. */
    public List<ImageEntry> entries() {
        return entries;
    }

    /** The entry with exactly this path (as in the tar, e.g. {@code backup_label}). */
    public Optional<ImageEntry> entry(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /**
     * Reads the whole file and checks the CRC32C in its footer.
     *
     * @throws LayerCorruptException on a mismatch
     */
    public void verify() throws IOException {
        int actual = channel.crc32c(footerOffset + 20);
        if (actual != footerCrc) {
            throw new LayerCorruptException(
                    channel.file(), "CRC32C of the file is %08x, its footer says %08x".formatted(actual, footerCrc));
        }
    }

    /**
     * The content of the block stored in this file at {@code offset}, checked against its CRC32C.
     *
     * @throws LayerCorruptException when the block is corrupt
     */
    public byte[] readBlock(long offset, int uncompressedLength) throws IOException {
        checkBlockArguments(offset, uncompressedLength);
        try (BlockReader reader = new BlockReader()) {
            return Arrays.copyOf(reader.read(this, offset, uncompressedLength), uncompressedLength);
        }
    }

    /**
     * The whole content of a (small) regular file of this image, such as {@code backup_label}.
     *
     * @param resolver opens the older images its blocks may live in
     */
    public byte[] readContent(ImageEntry entry, ImageLayerResolver resolver) throws IOException {
        if (entry.type() != ImageEntry.Type.FILE || entry.size() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(entry.path() + " is not a regular file that fits in memory");
        }
        byte[] content = new byte[(int) entry.size()];
        ImageLayerFile[] layers = new ImageLayerFile[refs.size()];
        try (BlockReader reader = new BlockReader()) {
            BlockList blocks = entry.blocks();
            for (int i = 0; i < blocks.size(); i++) {
                byte[] data = readBlockOf(entry, i, layers, resolver, reader);
                System.arraycopy(data, 0, content, i * BLOCK_SIZE, blocks.length(i));
            }
        }
        return content;
    }

    /**
     * Writes every entry of the image to {@code out} as tar entries, in manifest order, without the
     * end-of-archive marker: the caller may append entries (WAL segments) and then {@code finish()}
     * the tar. Streaming: each block is read, checked and decompressed just before it is written.
     * Entries are owned by {@code postgres:postgres} by name (uid and gid 0), as Postgres' own
     * base backups name them.
     *
     * @param resolver opens the older images that blocks live in; each is opened at most once per call
     * @throws LayerCorruptException when a block, here or in a referenced image, is corrupt
     */
    public void writeTar(TarArchiveOutputStream out, ImageLayerResolver resolver) throws IOException {
        ImageLayerFile[] layers = new ImageLayerFile[refs.size()];
        try (BlockReader reader = new BlockReader()) {
            for (ImageEntry entry : entries) {
                out.putArchiveEntry(tarEntry(entry));
                BlockList blocks = entry.blocks();
                for (int i = 0; i < blocks.size(); i++) {
                    out.write(readBlockOf(entry, i, layers, resolver, reader), 0, blocks.length(i));
                }
                out.closeArchiveEntry();
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return channel.file().toString();
    }

    LayerChannel channel() {
        return channel;
    }

    /** End of the blocks region (where the refs table starts). */
    long blocksEnd() {
        return blocksEnd;
    }

    private byte[] readBlockOf(
            ImageEntry entry, int i, ImageLayerFile[] layers, ImageLayerResolver resolver, BlockReader reader)
            throws IOException {
        BlockList blocks = entry.blocks();
        int ref = blocks.ref(i);
        ImageLayerFile layer = layers[ref];
        if (layer == null) {
            layer = ref == 0 ? this : resolve(refs.get(ref), resolver);
            layers[ref] = layer;
        }
        long offset = blocks.offset(i);
        if (offset > layer.blocksEnd - BLOCK_HEADER_SIZE) {
            throw new LayerCorruptException(
                    channel.file(),
                    "block " + i + " of '" + entry.path() + "' refers to offset " + offset + " of " + refs.get(ref)
                            + ", beyond its blocks");
        }
        return reader.read(layer, offset, blocks.length(i));
    }

    private static ImageLayerFile resolve(LayerRef ref, ImageLayerResolver resolver) throws IOException {
        ImageLayerFile layer = resolver.open(ref);
        if (layer == null || !layer.refs().get(0).equals(ref)) {
            throw new IOException("resolver returned "
                    + (layer == null ? "nothing" : layer.refs().get(0)) + " for " + ref);
        }
        return layer;
    }

    private void checkBlockArguments(long offset, int uncompressedLength) {
        if (offset < HEADER_SIZE || offset > blocksEnd - BLOCK_HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "offset " + offset + " is outside the blocks of " + channel.file() + " [24, " + blocksEnd + ")");
        }
        if (uncompressedLength <= 0 || uncompressedLength > BLOCK_SIZE) {
            throw new IllegalArgumentException("block length " + uncompressedLength + " is not in [1, 8192]");
        }
    }

    private static TarArchiveEntry tarEntry(ImageEntry entry) {
        byte flag =
                switch (entry.type()) {
                    case DIRECTORY -> TarConstants.LF_DIR;
                    case FILE -> TarConstants.LF_NORMAL;
                    case SYMLINK -> TarConstants.LF_SYMLINK;
                };
        TarArchiveEntry tar = new TarArchiveEntry(entry.path(), flag, true);
        tar.setMode(entry.mode());
        tar.setModTime(FileTime.from(entry.mtime(), TimeUnit.SECONDS));
        tar.setUserName(TAR_OWNER);
        tar.setGroupName(TAR_OWNER);
        tar.setIds(0, 0);
        if (entry.type() == ImageEntry.Type.FILE) {
            tar.setSize(entry.size());
        } else if (entry.type() == ImageEntry.Type.SYMLINK) {
            tar.setLinkName(entry.symlinkTarget());
        }
        return tar;
    }
}
