package dev.xenon.storagenode.layer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Positional reads of one immutable layer file, shared by any number of threads. A thread that is
 * interrupted inside a {@link FileChannel} read closes the channel for every thread; this class
 * then reopens the file, so that one cancelled request does not break every other reader of the
 * layer. The interrupted thread itself gets its {@link ClosedByInterruptException}.
 */
final class LayerChannel implements Closeable {

    private static final int VERIFY_BUFFER_SIZE = 1 << 20;

    private final Path file;
    private final long size;
    private volatile FileChannel channel;
    private volatile boolean closed;

    private LayerChannel(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
    }

    static LayerChannel open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new LayerChannel(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** Reads {@code len} bytes at {@code position}; fewer bytes in the file is corruption. */
    void readFully(long position, byte[] dst, int off, int len) throws IOException {
        readFully(position, ByteBuffer.wrap(dst, off, len));
    }

    void readFully(long position, ByteBuffer dst) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            FileChannel current = channel;
            int n;
            try {
                n = current.read(dst, at);
            } catch (ClosedByInterruptException e) {
                reopen(current);
                throw e;
            } catch (ClosedChannelException e) {
                // Closed by another reader's interrupt (or by close(), and then reopen throws).
                reopen(current);
                continue;
            }
            if (n < 0) {
                throw new LayerCorruptException(
                        file,
                        "unexpected end of file at offset " + at + " (file size " + size + ", " + dst.remaining()
                                + " bytes missing)");
            }
            at += n;
        }
    }

    /** CRC32C of the file's first {@code length} bytes. */
    int crc32c(long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(VERIFY_BUFFER_SIZE);
        long position = 0;
        while (position < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
            readFully(position, buffer);
            buffer.flip();
            crc.update(buffer);
            position += buffer.limit();
        }
        return (int) crc.getValue();
    }

    void checkMagic(byte[] bytes, int offset, byte[] magic, String where) throws LayerCorruptException {
        if (!Arrays.equals(bytes, offset, offset + magic.length, magic, 0, magic.length)) {
            throw new LayerCorruptException(
                    file,
                    "bad magic in " + where + ": expected \""
                            + new String(magic, StandardCharsets.US_ASCII) + "\", found \""
                            + new String(bytes, offset, magic.length, StandardCharsets.ISO_8859_1) + "\"");
        }
    }

    /** A file named as a layer must hold that layer; other names (downloads, caches) are not checked. */
    void checkFileName(LayerName holds) throws LayerCorruptException {
        String fileName = file.getFileName().toString();
        LayerName named;
        try {
            named = LayerName.parse(fileName);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!named.equals(holds)) {
            throw new LayerCorruptException(file, "file is named " + fileName + " but holds " + holds);
        }
    }

    private synchronized void reopen(FileChannel failed) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == failed) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }
}
