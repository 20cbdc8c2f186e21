package dev.xenon.common.pgwire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads backend messages from the socket through one large buffer, and parses the fields of the
 * current message in place.
 *
 * <p>A backend message is a type byte, an Int32 length that counts itself but not the type byte,
 * and the payload. {@link #next()} makes sure the whole message is in the buffer (compacting or
 * growing it as needed) and positions a parse cursor at its payload; the {@code read*} methods
 * advance that cursor. Payload bytes are never copied out of the buffer: {@link #slice(int)} hands
 * out a read-only view, valid until the next call of {@link #next()}.
 *
 * <p>Not thread-safe: one reader at a time.
 */
final class MessageReader {

    static final int DEFAULT_BUFFER_SIZE = 1 << 20;

    /** Postgres never sends more than about 1 GiB in one message. */
    static final int MAX_MESSAGE_LENGTH = (1 << 30) + 1024;

    private static final VarHandle INT16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final InputStream in;
    private final String server;
    private byte[] buf;
    private ByteBuffer readOnlyView;
    /** Start of the bytes not yet handed out as messages. */
    private int pos;
    /** End of the bytes read from the socket. */
    private int limit;

    private byte type;
    private int cursor;
    private int end;

    /** {@link System#nanoTime()} (made odd, so never 0) when a socket read began; 0 when none runs. */
    private volatile long readingSince;
    /** Whether the last socket read filled all the space it was given: the socket may hold more. */
    private boolean lastReadFilled;

    MessageReader(InputStream in, String server, int bufferSize) {
        this.in = in;
        this.server = server;
        this.buf = new byte[bufferSize];
        this.readOnlyView = ByteBuffer.wrap(buf).asReadOnlyBuffer();
    }

    /** Reads the next message, blocking until all of it has arrived; returns its type byte. */
    byte next() throws IOException {
        ensure(5);
        byte t = buf[pos];
        int length = (int) INT32.get(buf, pos + 1);
        if (length < 4 || length > MAX_MESSAGE_LENGTH) {
            throw new PgProtocolException("Postgres at " + server + " sent a message of type " + describe(t)
                    + " with an invalid length " + length + "; is it a Postgres server?");
        }
        ensure(1 + length);
        type = t;
        cursor = pos + 5;
        end = pos + 1 + length;
        pos = end;
        return t;
    }

    /** True when a complete message is already in the buffer, so {@link #next()} will not block. */
    boolean hasCompleteMessage() {
        int buffered = limit - pos;
        return buffered >= 5 && buffered - 1 >= (int) INT32.get(buf, pos + 1);
    }

    /**
     * Whether the socket may hold bytes not read into the buffer yet, asking the kernel only when
     * the last read filled the buffer's free space: a read that returned less took everything the
     * socket had at that moment (bytes arriving since then are not counted, as with any check).
     */
    boolean socketMayHaveMore() throws IOException {
        return lastReadFilled && in.available() > 0;
    }

    /**
     * When the socket read in progress began ({@link System#nanoTime()}), or 0 when the reader is
     * not waiting for the socket. Any thread; a watchdog uses it to cut reads that wait too long.
     */
    long readingSince() {
        return readingSince;
    }

    byte type() {
        return type;
    }

    /** Payload bytes of the current message not parsed yet. */
    int remaining() {
        return end - cursor;
    }

    byte readByte() throws PgProtocolException {
        require(1);
        return buf[cursor++];
    }

    short readInt16() throws PgProtocolException {
        require(2);
        short v = (short) INT16.get(buf, cursor);
        cursor += 2;
        return v;
    }

    int readInt32() throws PgProtocolException {
        require(4);
        int v = (int) INT32.get(buf, cursor);
        cursor += 4;
        return v;
    }

    long readInt64() throws PgProtocolException {
        require(8);
        long v = (long) INT64.get(buf, cursor);
        cursor += 8;
        return v;
    }

    /** A NUL-terminated UTF-8 string. */
    String readCString() throws PgProtocolException {
        for (int i = cursor; i < end; i++) {
            if (buf[i] == 0) {
                String s = new String(buf, cursor, i - cursor, StandardCharsets.UTF_8);
                cursor = i + 1;
                return s;
            }
        }
        throw truncated();
    }

    /** {@code length} bytes as a UTF-8 string. */
    String readString(int length) throws PgProtocolException {
        require(length);
        String s = new String(buf, cursor, length, StandardCharsets.UTF_8);
        cursor += length;
        return s;
    }

    byte[] readBytes(int length) throws PgProtocolException {
        require(length);
        byte[] b = new byte[length];
        System.arraycopy(buf, cursor, b, 0, length);
        cursor += length;
        return b;
    }

    /** A read-only view of the next {@code length} bytes, valid until the next {@link #next()}. */
    ByteBuffer slice(int length) throws PgProtocolException {
        require(length);
        ByteBuffer view = readOnlyView.slice(cursor, length);
        cursor += length;
        return view;
    }

    static String describe(byte type) {
        return type >= 0x20 && type < 0x7f ? "'" + (char) type + "'" : "0x" + Integer.toHexString(type & 0xff);
    }

    private void require(int n) throws PgProtocolException {
        if (n < 0 || end - cursor < n) {
            throw truncated();
        }
    }

    private PgProtocolException truncated() {
        return new PgProtocolException("Postgres at " + server + " sent a truncated message of type " + describe(type));
    }

    /** Makes sure {@code n} unread bytes are in the buffer, reading from the socket as needed. */
    private void ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return;
        }
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
        if (n > buf.length) {
            grow(n);
        } else if (pos + n > buf.length) {
            compact();
        }
        while (limit - pos < n) {
            int space = buf.length - limit;
            readingSince = System.nanoTime() | 1;
            int read;
            try {
                read = in.read(buf, limit, space);
            } finally {
                readingSince = 0;
            }
            lastReadFilled = read == space;
            if (read < 0) {
                throw new EOFException("Postgres at " + server + " closed the connection");
            }
            limit += read;
        }
    }

    private void compact() {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
    }

    private void grow(int n) {
        int size = Math.max(n, (int) Math.min(2L * buf.length, MAX_MESSAGE_LENGTH + 5L));
        byte[] bigger = new byte[size];
        System.arraycopy(buf, pos, bigger, 0, limit - pos);
        limit -= pos;
        pos = 0;
        buf = bigger;
        readOnlyView = ByteBuffer.wrap(buf).asReadOnlyBuffer();
    }
}
