package dev.xenon.storagenode.layer;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one layer file: into a hidden temporary file ({@code .<prefix>.<random>.tmp}) in the target
 * directory, through one large buffer, keeping a running CRC32C of every byte written. Bytes already
 * written may be {@linkplain #overwrite overwritten} (a header whose values are known only at the
 * end); the CRC32C is then computed again from the file. {@link #commit} fsyncs the file, renames
 * it atomically to its final name and fsyncs the directory. {@link #close} without a commit deletes
 * the temporary file: a failed write leaves nothing under the final name (and, unless the process
 * dies, nothing at all). Big-endian. Not thread-safe.
 */
final class LayerFileOutput implements Closeable {

    private static final int BUFFER_SIZE = 1 << 20;

    private final Path directory;
    private final Path temp;
    private final FileChannel channel;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final ByteBuffer view = ByteBuffer.wrap(buffer);
    private final CRC32C crc = new CRC32C();
    private int pos;
    private int crcPos;
    private long flushed;
    private boolean crcValid = true;
    private boolean committed;

    private LayerFileOutput(Path directory, Path temp, FileChannel channel) {
        this.directory = directory;
        this.temp = temp;
        this.channel = channel;
    }

    /** Starts a temporary file named after {@code prefix} (the layer name, when known) in {@code directory}. */
    static LayerFileOutput create(Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + prefix + ".", ".tmp");
        try {
            return new LayerFileOutput(
                    directory, temp, FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** File offset of the next byte written. */
    long position() {
        return flushed + pos;
    }

    /** Makes room for {@code n} contiguous bytes in {@link #buffer()} at {@link #bufferPosition()}. */
    void reserve(int n) throws IOException {
        if (n > BUFFER_SIZE) {
            throw new IllegalArgumentException("cannot reserve " + n + " bytes");
        }
        if (BUFFER_SIZE - pos < n) {
            flush();
        }
    }

    /** The buffer to fill directly after {@link #reserve}; then call {@link #advance}. */
    byte[] buffer() {
        return buffer;
    }

    int bufferPosition() {
        return pos;
    }

    void advance(int n) {
        pos += n;
    }

    void writeByte(int v) throws IOException {
        reserve(1);
        buffer[pos++] = (byte) v;
    }

    void writeShort(int v) throws IOException {
        reserve(2);
        view.putShort(pos, (short) v);
        pos += 2;
    }

    void writeInt(int v) throws IOException {
        reserve(4);
        view.putInt(pos, v);
        pos += 4;
    }

    void writeLong(long v) throws IOException {
        reserve(8);
        view.putLong(pos, v);
        pos += 8;
    }

    void write(byte[] src, int off, int len) throws IOException {
        if (len <= BUFFER_SIZE - pos) {
            System.arraycopy(src, off, buffer, pos, len);
            pos += len;
            return;
        }
        flush();
        if (len < BUFFER_SIZE) {
            System.arraycopy(src, off, buffer, 0, len);
            pos = len;
            return;
        }
        crc.update(src, off, len);
        writeFully(ByteBuffer.wrap(src, off, len));
        flushed += len;
    }

    /** This file as an {@link OutputStream}; closing the stream does not close the file. */
    OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writeByte(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                LayerFileOutput.this.write(b, off, len);
            }
        };
    }

    /** Replaces bytes written earlier, at {@code position}, with {@code bytes}. */
    void overwrite(long position, byte[] bytes) throws IOException {
        if (position < 0 || position + bytes.length > position()) {
            throw new IllegalArgumentException("can only overwrite bytes already written");
        }
        if (position < flushed) {
            flush();
            ByteBuffer src = ByteBuffer.wrap(bytes);
            long at = position;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } else {
            System.arraycopy(bytes, 0, buffer, (int) (position - flushed), bytes.length);
        }
        crcValid = false;
    }

    /** CRC32C of every byte written so far. */
    int crc() throws IOException {
        if (!crcValid) {
            recomputeCrc();
        }
        crc.update(buffer, crcPos, pos - crcPos);
        crcPos = pos;
        return (int) crc.getValue();
    }

    /** Flushes, fsyncs, renames to {@code directory/name} and fsyncs the directory. */
    WrittenLayer commit(LayerName name) throws IOException {
        int fileCrc = crc();
        flush();
        channel.force(true);
        long size = flushed;
        channel.close();
        Path target = directory.resolve(name.toString());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return new WrittenLayer(name, target, size, fileCrc);
    }

    /** Deletes the temporary file unless {@link #commit} succeeded. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads back what was flushed, now that some of it was overwritten; the buffer is empty after a flush. */
    private void recomputeCrc() throws IOException {
        flush();
        crc.reset();
        long at = 0;
        while (at < flushed) {
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, (int) Math.min(BUFFER_SIZE, flushed - at));
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, at + chunk.position()) < 0) {
                    throw new IOException("temporary layer file " + temp + " is shorter than what was written to it");
                }
            }
            crc.update(buffer, 0, chunk.limit());
            at += chunk.limit();
        }
        crcValid = true;
    }

    private void flush() throws IOException {
        if (crcValid) {
            crc.update(buffer, crcPos, pos - crcPos);
        }
        writeFully(ByteBuffer.wrap(buffer, 0, pos));
        flushed += pos;
        pos = 0;
        crcPos = 0;
    }

    private void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }
}
