package dev.xenon.proxy.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A typed protocol message: {@code byte type}, {@code int32 length} (itself included), body. The
 * proxy reads whole messages only during the handshake (authentication, BackendKeyData, up to the
 * first ReadyForQuery); afterwards it copies bytes.
 */
public record Message(byte type, byte[] body) {

    public static final byte AUTHENTICATION = 'R';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte PASSWORD = 'p';

    public static final int AUTH_OK = 0;
    public static final int AUTH_CLEARTEXT = 3;
    public static final int AUTH_MD5 = 5;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;

    /** Reads one message; a body above {@code maxLength} bytes is a protocol violation. */
    public static Message read(InputStream in, int maxLength) throws IOException, ProxyException {
        DataInputStream data = new DataInputStream(in);
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the peer closed the connection");
        }
        int length = data.readInt();
        if (length < 4 || length - 4 > maxLength) {
            throw new ProxyException(
                    ProxyException.PROTOCOL_VIOLATION,
                    "invalid message length " + Integer.toUnsignedString(length) + " of message type '" + (char) type
                            + "'");
        }
        byte[] body = new byte[length - 4];
        data.readFully(body);
        return new Message((byte) type, body);
    }

    public void write(OutputStream out) throws IOException {
        out.write(encode());
    }

    public byte[] encode() {
        return ByteBuffer.allocate(5 + body.length)
                .put(type)
                .putInt(4 + body.length)
                .put(body)
                .array();
    }

    /** The authentication request code of an {@code R} message. */
    public int authCode() {
        return ByteBuffer.wrap(body).getInt();
    }

    public static Message authentication(int code, byte[] data) {
        return new Message(
                AUTHENTICATION,
                ByteBuffer.allocate(4 + data.length).putInt(code).put(data).array());
    }

    /** A FATAL ErrorResponse: severity, SQLSTATE, message. */
    public static Message fatal(String sqlState, String message) {
        ByteBuffer buf = ByteBuffer.allocate(64 + utf8(message).length + sqlState.length());
        buf.put((byte) 'S').put(utf8("FATAL")).put((byte) 0);
        buf.put((byte) 'V').put(utf8("FATAL")).put((byte) 0);
        buf.put((byte) 'C').put(utf8(sqlState)).put((byte) 0);
        buf.put((byte) 'M').put(utf8(message)).put((byte) 0);
        buf.put((byte) 0);
        byte[] body = new byte[buf.position()];
        buf.flip().get(body);
        return new Message(ERROR_RESPONSE, body);
    }

    /** The body as a NUL-terminated string (a password message). */
    public String cString() throws ProxyException {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        if (end == body.length) {
            throw new ProxyException(ProxyException.PROTOCOL_VIOLATION, "invalid string in message");
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    /** The SQLSTATE and message of an ErrorResponse, {@code "SQLSTATE: message"}. */
    public String errorText() {
        String code = "?";
        String text = "";
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i++];
            int start = i;
            while (i < body.length && body[i] != 0) {
                i++;
            }
            String value = new String(body, start, i - start, StandardCharsets.UTF_8);
            i++;
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                text = value;
            }
        }
        return code + ": " + text;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
