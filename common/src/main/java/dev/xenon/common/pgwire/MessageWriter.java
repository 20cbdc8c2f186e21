package dev.xenon.common.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds frontend messages and writes each one to the socket with a single write, under a lock of
 * its own. That lock is independent of the reading side: a thread may send a standby status update
 * while another thread is blocked reading.
 *
 * <p>Also tracks whether the client's half of a CopyBoth exchange is open: status updates are
 * CopyData and may only be sent while it is.
 *
 * <p>Thread-safe.
 */
final class MessageWriter {

    /** CopyData header (5) + 'r' (1) + written, flushed, applied, clock (4 x 8) + reply flag (1). */
    private static final int STATUS_UPDATE_SIZE = 5 + 1 + 32 + 1;

    private final OutputStream out;
    private final Object lock = new Object();
    private final byte[] status = new byte[STATUS_UPDATE_SIZE];
    private byte[] buf = new byte[1024];
    private int size;
    private boolean copyOpen;

    MessageWriter(OutputStream out) {
        this.out = out;
        status[0] = 'd';
        putInt32(status, 1, STATUS_UPDATE_SIZE - 1);
        status[5] = 'r';
    }

    /** StartupMessage, protocol 3.0, with the given parameters. */
    void sendStartup(Map<String, String> parameters) throws IOException {
        synchronized (lock) {
            size = 0;
            int32(0);
            int32(196608);
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                cstring(p.getKey());
                cstring(p.getValue());
            }
            byte1(0);
            putInt32(buf, 0, size);
            flush(false);
        }
    }

    /** Query: one simple-protocol query string. */
    void sendQuery(String sql) throws IOException {
        synchronized (lock) {
            begin('Q');
            cstring(sql);
            finish(false);
        }
    }

    /** PasswordMessage with a NUL-terminated password (cleartext or MD5 hash). */
    void sendPassword(byte[] password) throws IOException {
        synchronized (lock) {
            begin('p');
            bytes(password);
            byte1(0);
            finish(true);
        }
    }

    /** SASLInitialResponse: the mechanism chosen and the client-first-message. */
    void sendSaslInitialResponse(String mechanism, byte[] data) throws IOException {
        synchronized (lock) {
            begin('p');
            cstring(mechanism);
            int32(data.length);
            bytes(data);
            finish(true);
        }
    }

    /** SASLResponse: the client-final-message. */
    void sendSaslResponse(byte[] data) throws IOException {
        synchronized (lock) {
            begin('p');
            bytes(data);
            finish(true);
        }
    }

    /** Terminate: the polite goodbye before closing the socket. */
    void sendTerminate() throws IOException {
        synchronized (lock) {
            begin('X');
            finish(false);
        }
    }

    /** The server answered CopyBothResponse: status updates may be sent from now on. */
    void openCopy() {
        synchronized (lock) {
            copyOpen = true;
        }
    }

    /** The server left copy mode (after an error): send no more CopyData. */
    void abandonCopy() {
        synchronized (lock) {
            copyOpen = false;
        }
    }

    /** Sends CopyDone unless the client already did; returns whether it sent one. */
    boolean sendCopyDone() throws IOException {
        synchronized (lock) {
            if (!copyOpen) {
                return false;
            }
            copyOpen = false;
            begin('c');
            finish(false);
            return true;
        }
    }

    /**
     * Standby Status Update inside CopyData. Returns false, without sending anything, when the
     * client's half of the copy is closed.
     */
    boolean sendStandbyStatus(long written, long flushed, long applied, long clockMicros, boolean replyRequested)
            throws IOException {
        synchronized (lock) {
            if (!copyOpen) {
                return false;
            }
            putInt64(status, 6, written);
            putInt64(status, 14, flushed);
            putInt64(status, 22, applied);
            putInt64(status, 30, clockMicros);
            status[38] = (byte) (replyRequested ? 1 : 0);
            out.write(status, 0, STATUS_UPDATE_SIZE);
            out.flush();
            return true;
        }
    }

    private void begin(char type) {
        size = 0;
        byte1(type);
        int32(0);
    }

    private void finish(boolean secret) throws IOException {
        putInt32(buf, 1, size - 1);
        flush(secret);
    }

    private void flush(boolean secret) throws IOException {
        try {
            out.write(buf, 0, size);
            out.flush();
        } finally {
            if (secret) {
                Arrays.fill(buf, 0, size, (byte) 0);
            }
        }
    }

    private void byte1(int b) {
        room(1);
        buf[size++] = (byte) b;
    }

    private void int32(int v) {
        room(4);
        putInt32(buf, size, v);
        size += 4;
    }

    private void cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte c : b) {
            if (c == 0) {
                throw new IllegalArgumentException("a protocol string must not contain NUL characters");
            }
        }
        bytes(b);
        byte1(0);
    }

    private void bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    private void room(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    private static void putInt32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putInt64(byte[] b, int at, long v) {
        putInt32(b, at, (int) (v >>> 32));
        putInt32(b, at + 4, (int) v);
    }
}
