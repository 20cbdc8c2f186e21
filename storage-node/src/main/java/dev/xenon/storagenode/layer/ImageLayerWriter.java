package dev.xenon.storagenode.layer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an image layer (format: {@link ImageLayerFile}) from the entries of a base backup, in tar
 * order, storing each 8 KiB block whose content is not already stored.
 *
 * <p><b>Dedup.</b> A block is stored only if its content hash is new: not in {@code previous} (the
 * newest image of this timeline or of its ancestor chain, whose blocks may themselves live in
 * older images) and not earlier in this image. Known blocks become references to where the content
 * already lives, re-mapped into this image's ref table. The ref table written at the end holds only
 * the layers that some block still uses, so images that no longer contribute a block can be
 * garbage-collected.
 *
 * <p><b>Naming.</b> An image is named after its base backup's start and end LSNs, and the end LSN
 * is known only once the backup's tar has been streamed through the writer: give both to {@link
 * #finish(Lsn, Lsn)} (or, when they are known up front, to the constructor).
 *
 * <p><b>Durability.</b> Blocks stream into a temporary file in {@code directory} as entries are
 * added; {@code finish} fills in the header's LSNs, appends refs, manifest and footer (reading the
 * file back once for its CRC32C, since the header changed), fsyncs and renames atomically to
 * {@code directory/<name>}. {@link #close} without {@code finish} (or after any failure) deletes the
 * temporary file. After an {@code add*} method fails, the writer only accepts {@link #close}.
 *
 * <p><b>Thread-safety.</b> None: one thread writes an image.
 */
public final class ImageLayerWriter implements AutoCloseable {

    /** What a writer did: entries added, blocks seen, blocks stored, bytes of blocks stored and read. */
    public record Stats(long entries, long blocks, long newBlocks, long storedBytes, long logicalBytes) {}

    private static final int BLOCK_SIZE = ImageLayerFile.BLOCK_SIZE;
    private static final int MAX_COMPRESSED_BLOCK = (int) Zstd.compressBound(BLOCK_SIZE);

    private final TimelineId timeline;
    private final Lsn givenStart;
    private final Lsn givenEnd;
    private final LayerRef previousRef;
    /** Where blocks may live: 0 is this image (named by {@code finish}), then {@code previous}'s refs. */
    private final List<LayerRef> candidateRefs = new ArrayList<>();

    private final BlockIndex index;
    private final List<ImageEntry> entries = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();
    private final LayerFileOutput out;
    private final ZstdCompressCtx fast;
    private final ZstdCompressCtx dense;
    private final byte[] denseFrame = new byte[MAX_COMPRESSED_BLOCK];
    private final MessageDigest sha256;
    private final CRC32C crc = new CRC32C();
    private final byte[] block = new byte[BLOCK_SIZE];
    private final byte[] digest = new byte[32];
    private final ByteBuffer digestView = ByteBuffer.wrap(digest);
    private long blocks;
    private long newBlocks;
    private long storedBytes;
    private long logicalBytes;
    private boolean failed;
    private boolean finished;

    /**
     * Starts an image of {@code timeline} whose LSNs are known only once the base backup is done
     * (the backup end LSN is); pass them to {@link #finish(Lsn, Lsn)}.
     *
     * @param previous the newest image of this timeline or its ancestors, to dedup against; null for
     *     the first image of a history
     * @param previousRef where {@code previous} lives (its timeline may be an ancestor's), as its ref
     *     0 records it; null iff {@code previous} is null
     */
    public ImageLayerWriter(Path directory, TimelineId timeline, ImageLayerFile previous, LayerRef previousRef)
            throws IOException {
        this(directory, timeline, null, null, previous, previousRef);
    }

    /**
     * Starts an image of {@code timeline} for a base backup from {@code start} (its redo point) to
     * {@code end} (its backup end LSN); finish it with {@link #finish()}.
     */
    public ImageLayerWriter(
            Path directory, TimelineId timeline, Lsn start, Lsn end, ImageLayerFile previous, LayerRef previousRef)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        if ((start == null) != (end == null)) {
            throw new IllegalArgumentException("give both LSNs or neither");
        }
        this.givenStart = start;
        this.givenEnd = end;
        String prefix = start == null ? "image" : new ImageLayerName(start, end).toString();
        if ((previous == null) != (previousRef == null)) {
            throw new IllegalArgumentException("previous image and its ref must be given together");
        }
        if (previous != null && !previous.refs().get(0).equals(previousRef)) {
            throw new IllegalArgumentException(
                    "previous image " + previous.refs().get(0) + " is not the layer of " + previousRef);
        }
        this.previousRef = previousRef;
        candidateRefs.add(null);
        this.index = seed(previous);
        this.sha256 = newSha256();
        this.fast = new ZstdCompressCtx().setLevel(ImageLayerFile.FAST_ZSTD_LEVEL);
        this.dense = new ZstdCompressCtx().setLevel(ImageLayerFile.DENSE_ZSTD_LEVEL);
        LayerFileOutput output = null;
        try {
            output = LayerFileOutput.create(directory, prefix);
            output.write(ImageLayerFile.MAGIC, 0, ImageLayerFile.MAGIC.length);
            output.writeLong(0); // start and end LSN, written by finish
            output.writeLong(0);
        } catch (IOException | RuntimeException e) {
            fast.close();
            dense.close();
            if (output != null) {
                output.close();
            }
            throw e;
        }
        this.out = output;
    }

    /** Seeds the dedup map with every block of the previous image, re-mapped to this image's candidate refs. */
    private BlockIndex seed(ImageLayerFile previous) {
        if (previous == null) {
            return new BlockIndex(1024);
        }
        List<LayerRef> previousRefs = previous.refs();
        int[] mapping = new int[previousRefs.size()];
        Map<LayerRef, Integer> positions = new HashMap<>();
        for (int i = 0; i < previousRefs.size(); i++) {
            mapping[i] = positions.computeIfAbsent(previousRefs.get(i), r -> {
                candidateRefs.add(r);
                return candidateRefs.size() - 1;
            });
        }
        long total =
                previous.entries().stream().mapToLong(e -> e.blocks().size()).sum();
        BlockIndex seeded = new BlockIndex((int) Math.min(total, 1 << 28));
        for (ImageEntry entry : previous.entries()) {
            BlockList list = entry.blocks();
            for (int i = 0; i < list.size(); i++) {
                seeded.putIfAbsent(list.hashHigh(i), list.hashLow(i), mapping[list.ref(i)], list.offset(i));
            }
        }
        return seeded;
    }

    public void addDirectory(String path, int mode, long mtimeEpochSeconds) {
        checkWritable();
        addEntry(ImageEntry.directory(path, mode, mtimeEpochSeconds));
    }

    public void addSymlink(String path, String target, int mode, long mtimeEpochSeconds) {
        checkWritable();
        addEntry(ImageEntry.symlink(path, target, mode, mtimeEpochSeconds));
    }

    /**
     * Adds a regular file, reading exactly {@code size} bytes of {@code content} (and no more).
     *
     * @throws EOFException when {@code content} ends before {@code size} bytes
     */
    public void addFile(String path, int mode, long mtimeEpochSeconds, long size, InputStream content)
            throws IOException {
        checkWritable();
        checkNewPath(path);
        if (size < 0 || ImageEntry.blockCount(size) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + ": invalid file size " + size);
        }
        int count = (int) ImageEntry.blockCount(size);
        BlockList.Builder list = new BlockList.Builder(count);
        failed = true; // until the whole file is in
        for (int i = 0; i < count; i++) {
            int length = ImageEntry.blockLength(size, i);
            int read = content.readNBytes(block, 0, length);
            if (read < length) {
                throw new EOFException(
                        path + ": content ended after " + ((long) i * BLOCK_SIZE + read) + " of " + size + " bytes");
            }
            sha256.update(block, 0, length);
            try {
                sha256.digest(digest, 0, digest.length);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            long high = digestView.getLong(0);
            long low = digestView.getLong(8);
            int slot = index.find(high, low);
            if (slot >= 0) {
                list.add(high, low, index.ref(slot), index.offset(slot), length);
            } else {
                long offset = storeBlock(length);
                index.putIfAbsent(high, low, 0, offset);
                list.add(high, low, 0, offset, length);
                newBlocks++;
            }
        }
        failed = false;
        blocks += count;
        logicalBytes += size;
        addEntry(ImageEntry.file(path, mode, mtimeEpochSeconds, size, list.build()));
    }

    /**
     * Adds every entry of a tar stream (directories, regular files, symbolic links), streaming; does
     * not close {@code tar}.
     *
     * @throws IOException for any other kind of entry
     */
    public void addTar(InputStream tar) throws IOException {
        addTar(tar, path -> true);
    }

    /** {@link #addTar(InputStream)} of the entries whose path {@code include} accepts; the rest are skipped. */
    public void addTar(InputStream tar, java.util.function.Predicate<String> include) throws IOException {
        checkWritable();
        TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
        try {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (!include.test(entry.getName())) {
                    continue;
                }
                long mtime = entry.getLastModifiedTime().to(TimeUnit.SECONDS);
                switch (entry.getLinkFlag()) {
                    case TarConstants.LF_DIR -> addDirectory(entry.getName(), entry.getMode(), mtime);
                    case TarConstants.LF_SYMLINK ->
                        addSymlink(entry.getName(), entry.getLinkName(), entry.getMode(), mtime);
                    case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG ->
                        addFile(entry.getName(), entry.getMode(), mtime, entry.getSize(), in);
                    default ->
                        throw new IOException("tar entry '" + entry.getName() + "' has type '"
                                + (char) entry.getLinkFlag()
                                + "'; a base backup holds only directories, regular files and symlinks");
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Finishes an image whose LSNs were given to the constructor.
     *
     * @throws IllegalStateException when they were not
     */
    public WrittenLayer finish() throws IOException {
        if (givenStart == null) {
            throw new IllegalStateException("this image's LSNs are not known yet: use finish(start, end)");
        }
        return finish(givenStart, givenEnd);
    }

    /**
     * Names the image after its base backup's start (redo point) and end LSNs, writes refs, manifest
     * and footer, and makes the file durable under its final name, {@code image_<start>_<end>}.
     *
     * @throws IllegalArgumentException when the LSNs differ from those given to the constructor, or
     *     the previous image's chain already holds an image of that name on this timeline
     */
    public WrittenLayer finish(Lsn start, Lsn end) throws IOException {
        checkWritable();
        ImageLayerName name = new ImageLayerName(start, end);
        if (givenStart != null && !(givenStart.equals(start) && givenEnd.equals(end))) {
            throw new IllegalArgumentException(
                    "image was started as " + new ImageLayerName(givenStart, givenEnd) + ", not " + name);
        }
        LayerRef self = new LayerRef(timeline, name);
        if (candidateRefs.indexOf(self) > 0) {
            throw new IllegalArgumentException(
                    "previous image " + previousRef + " is or refers to " + self + ", the image being written");
        }
        candidateRefs.set(0, self);
        failed = true;
        byte[] lsns = ByteBuffer.allocate(16)
                .putLong(start.value())
                .putLong(end.value())
                .array();
        out.overwrite(ImageLayerFile.MAGIC.length, lsns);
        int[] remap = new int[candidateRefs.size()];
        List<LayerRef> refs = usedRefs(remap);

        long refsOffset = out.position();
        out.writeShort(refs.size());
        for (LayerRef ref : refs) {
            byte[] timelineId = HexFormat.of().parseHex(ref.timeline().value());
            out.write(timelineId, 0, timelineId.length);
            byte[] layer = ref.layer().toString().getBytes(StandardCharsets.UTF_8);
            out.writeShort(layer.length);
            out.write(layer, 0, layer.length);
        }

        long manifestOffset = out.position();
        writeManifest(remap);
        long manifestLength = out.position() - manifestOffset;
        if (manifestLength > 0xFFFF_FFFFL) {
            throw new IOException("manifest of " + manifestLength + " compressed bytes does not fit the format");
        }

        out.writeLong(refsOffset);
        out.writeLong(manifestOffset);
        out.writeInt((int) manifestLength);
        out.writeInt(out.crc());
        out.write(ImageLayerFile.END_MAGIC, 0, ImageLayerFile.END_MAGIC.length);
        WrittenLayer written = out.commit(name);
        failed = false;
        finished = true;
        return written;
    }

    public Stats stats() {
        return new Stats(entries.size(), blocks, newBlocks, storedBytes, logicalBytes);
    }

    /** Deletes the temporary file unless {@link #finish} succeeded. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            fast.close();
            dense.close();
        }
    }

    private long storeBlock(int length) throws IOException {
        out.reserve(ImageLayerFile.BLOCK_HEADER_SIZE + MAX_COMPRESSED_BLOCK);
        byte[] buffer = out.buffer();
        int at = out.bufferPosition();
        int data = at + ImageLayerFile.BLOCK_HEADER_SIZE;
        int compressed = fast.compressByteArray(buffer, data, MAX_COMPRESSED_BLOCK, block, 0, length);
        if (compressed > length / 2) {
            // Little repetition; entropy coding may still pay off (text, numbers). Keep it if it does.
            int denser = dense.compressByteArray(denseFrame, 0, denseFrame.length, block, 0, length);
            if (denser < compressed * 4L / 5) {
                System.arraycopy(denseFrame, 0, buffer, data, denser);
                compressed = denser;
            }
        }
        crc.reset();
        crc.update(buffer, data, compressed);
        putInt(buffer, at, compressed);
        putInt(buffer, at + 4, (int) crc.getValue());
        long offset = out.position();
        out.advance(ImageLayerFile.BLOCK_HEADER_SIZE + compressed);
        storedBytes += ImageLayerFile.BLOCK_HEADER_SIZE + compressed;
        return offset;
    }

    /** The candidate refs some block uses, self first; fills {@code remap} from candidate to written index. */
    private List<LayerRef> usedRefs(int[] remap) {
        boolean[] used = new boolean[candidateRefs.size()];
        used[0] = true;
        for (ImageEntry entry : entries) {
            BlockList list = entry.blocks();
            for (int i = 0; i < list.size(); i++) {
                used[list.ref(i)] = true;
            }
        }
        List<LayerRef> refs = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            remap[i] = used[i] ? refs.size() : -1;
            if (used[i]) {
                refs.add(candidateRefs.get(i));
            }
        }
        if (refs.size() > 0xFFFF) {
            throw new IllegalStateException("image would refer to " + refs.size() + " layers, more than 65535");
        }
        return refs;
    }

    private void writeManifest(int[] remap) throws IOException {
        ZstdOutputStreamNoFinalizer compressed = new ZstdOutputStreamNoFinalizer(out.asOutputStream());
        compressed.setLevel(ImageLayerFile.DENSE_ZSTD_LEVEL);
        compressed.setChecksum(true);
        try (DataOutputStream manifest = new DataOutputStream(new BufferedOutputStream(compressed, 1 << 16))) {
            for (ImageEntry entry : entries) {
                writeString(manifest, entry.path());
                manifest.writeByte(entry.type().code());
                manifest.writeInt(entry.mode());
                manifest.writeLong(entry.mtime());
                manifest.writeLong(entry.size());
                switch (entry.type()) {
                    case SYMLINK -> writeString(manifest, entry.symlinkTarget());
                    case FILE -> {
                        BlockList list = entry.blocks();
                        for (int i = 0; i < list.size(); i++) {
                            manifest.writeLong(list.hashHigh(i));
                            manifest.writeLong(list.hashLow(i));
                            manifest.writeShort(remap[list.ref(i)]);
                            manifest.writeLong(list.offset(i));
                            manifest.writeShort(list.length(i));
                        }
                    }
                    case DIRECTORY -> {}
                }
            }
        }
    }

    private static void writeString(DataOutputStream manifest, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        manifest.writeShort(bytes.length);
        manifest.write(bytes);
    }

    private void addEntry(ImageEntry entry) {
        checkNewPath(entry.path());
        if (entry.symlinkTarget() != null) {
            checkStringLength(entry.symlinkTarget());
        }
        entries.add(entry);
        paths.add(entry.path());
    }

    private void checkNewPath(String path) {
        Objects.requireNonNull(path, "path");
        checkStringLength(path);
        if (paths.contains(path)) {
            throw new IllegalArgumentException("duplicate entry '" + path + "' in the image");
        }
    }

    private static void checkStringLength(String text) {
        if (text.isEmpty() || text.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            throw new IllegalArgumentException("entry path or link target must be 1 to 65535 bytes: '" + text + "'");
        }
    }

    private void checkWritable() {
        if (finished) {
            throw new IllegalStateException("the image is already finished");
        }
        if (failed) {
            throw new IllegalStateException("an earlier step writing the image failed");
        }
    }

    private static void putInt(byte[] buffer, int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
