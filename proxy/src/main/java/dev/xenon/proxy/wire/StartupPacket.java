package dev.xenon.proxy.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first message of a Postgres connection, which has no type byte: {@code int32 length}
 * (itself included), {@code int32 code}, then a body.
 *
 * <pre>
 * SSLRequest     length 8,  code 80877103 (1234.5679)
 * GSSENCRequest  length 8,  code 80877104 (1234.5680)
 * CancelRequest  length 16+, code 80877102 (1234.5678), int32 process id, secret key (4 bytes;
 *                up to 256 with protocol 3.2)
 * StartupMessage code = major &lt;&lt; 16 | minor (3.0 = 196608), then (name NUL value NUL)* NUL
 * </pre>
 *
 * Parsing is strict: a length below 8 or above the configured maximum, a parameter list without
 * its terminator, a protocol major version other than 3 — each is a {@link ProxyException} with the
 * SQLSTATE Postgres itself would answer (08P01, 0A000).
 */
public sealed interface StartupPacket {

    int SSL_REQUEST = 80877103;
    int GSSENC_REQUEST = 80877104;
    int CANCEL_REQUEST = 80877102;
    int PROTOCOL_3 = 3;

    /** SSLRequest: answered {@code N} when the proxy has no TLS. */
    record SslRequest() implements StartupPacket {}

    /** GSSENCRequest: always answered {@code N}. */
    record GssEncRequest() implements StartupPacket {}

    /** CancelRequest: forwarded to the compute of the session that owns the key. */
    record CancelRequest(int processId, byte[] secretKey) implements StartupPacket {
        public CancelKey key() {
            return new CancelKey(processId, secretKey);
        }
    }

    /** StartupMessage of protocol 3.x: its parameters in order, and the bytes as received. */
    record Startup(int protocol, Map<String, String> parameters) implements StartupPacket {
        public Startup {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        public String user() {
            return parameters.get("user");
        }

        /** The packet with other parameters (same protocol version). */
        public Startup withParameters(Map<String, String> replaced) {
            return new Startup(protocol, replaced);
        }

        /** The wire form: length, protocol, parameters, terminator. */
        public byte[] encode() {
            int length = 8 + 1;
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                length += utf8(p.getKey()).length + 1 + utf8(p.getValue()).length + 1;
            }
            ByteBuffer out = ByteBuffer.allocate(length);
            out.putInt(length).putInt(protocol);
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                out.put(utf8(p.getKey())).put((byte) 0).put(utf8(p.getValue())).put((byte) 0);
            }
            out.put((byte) 0);
            return out.array();
        }
    }

    /** A process id and secret key of a session (BackendKeyData), as a map key. */
    record CancelKey(int processId, byte[] secretKey) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CancelKey k && k.processId == processId && Arrays.equals(k.secretKey, secretKey);
        }

        @Override
        public int hashCode() {
            return 31 * processId + Arrays.hashCode(secretKey);
        }

        @Override
        public String toString() {
            return "CancelKey[pid " + processId + "]";
        }
    }

    /**
     * Reads one packet. {@link EOFException} when the stream ends before the length (a client that
     * connected and left); a stream ending inside the packet is a {@link ProxyException}.
     */
    static StartupPacket read(InputStream in, int maxLength) throws IOException, ProxyException {
        DataInputStream data = new DataInputStream(in);
        int first = in.read();
        if (first < 0) {
            throw new EOFException("the client closed the connection before a startup packet");
        }
        byte[] rest = new byte[3];
        readFully(data, rest, "length");
        int length = (first << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
        if (length < 8 || length > maxLength) {
            throw new ProxyException(
                    ProxyException.PROTOCOL_VIOLATION,
                    "invalid length of startup packet: " + Integer.toUnsignedString(length) + " (8 to " + maxLength
                            + " bytes)");
        }
        byte[] body = new byte[length - 4];
        readFully(data, body, "body");
        return parse(body);
    }

    /** Parses the packet after its length field. */
    static StartupPacket parse(byte[] body) throws ProxyException {
        ByteBuffer buf = ByteBuffer.wrap(body);
        int code = buf.getInt();
        switch (code) {
            case SSL_REQUEST -> {
                requireLength(body, 4, "SSLRequest");
                return new SslRequest();
            }
            case GSSENC_REQUEST -> {
                requireLength(body, 4, "GSSENCRequest");
                return new GssEncRequest();
            }
            case CANCEL_REQUEST -> {
                if (body.length < 12 || body.length > 4 + 4 + 256) {
                    throw new ProxyException(
                            ProxyException.PROTOCOL_VIOLATION,
                            "invalid length of cancel request: " + (body.length + 4));
                }
                int pid = buf.getInt();
                byte[] key = new byte[buf.remaining()];
                buf.get(key);
                return new CancelRequest(pid, key);
            }
            default -> {}
        }
        int major = code >>> 16;
        int minor = code & 0xffff;
        if (major != PROTOCOL_3) {
            throw new ProxyException(
                    ProxyException.FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol " + major + "." + minor + ": server supports 3.0 to 3.2");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            String name = cString(buf);
            if (name.isEmpty()) {
                break;
            }
            parameters.put(name, cString(buf));
        }
        if (buf.hasRemaining()) {
            throw new ProxyException(
                    ProxyException.PROTOCOL_VIOLATION,
                    "invalid startup packet layout: expected terminator as last byte");
        }
        if (parameters.get("user") == null || parameters.get("user").isEmpty()) {
            throw new ProxyException("28000", "no PostgreSQL user name specified in startup packet");
        }
        return new Startup(code, parameters);
    }

    private static void requireLength(byte[] body, int expected, String what) throws ProxyException {
        if (body.length != expected) {
            throw new ProxyException(
                    ProxyException.PROTOCOL_VIOLATION, "invalid length of " + what + ": " + (body.length + 4));
        }
    }

    private static String cString(ByteBuffer buf) throws ProxyException {
        int start = buf.position();
        while (buf.hasRemaining()) {
            if (buf.get() == 0) {
                return new String(buf.array(), start, buf.position() - start - 1, StandardCharsets.UTF_8);
            }
        }
        throw new ProxyException(
                ProxyException.PROTOCOL_VIOLATION, "invalid startup packet layout: expected terminator as last byte");
    }

    private static void readFully(DataInputStream in, byte[] b, String what) throws IOException, ProxyException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new ProxyException(
                    ProxyException.PROTOCOL_VIOLATION, "incomplete startup packet: the stream ended in its " + what);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
