package dev.xenon.common.pgwire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written stand-in for a misbehaving server: accepts one connection on 127.0.0.1 and runs a
 * script against it, with helpers to read frontend messages and write backend messages.
 */
final class FakeServer implements AutoCloseable {

    /** What the fake server does with the connection. */
    interface Script {
        void run(FakeServer server) throws IOException;
    }

    private final ServerSocket listener;
    private final Thread thread;
    private volatile Socket socket;
    private DataInputStream in;
    private DataOutputStream out;

    FakeServer(Script script) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofPlatform().name("fake-postgres").daemon().start(() -> {
            try {
                socket = listener.accept();
                in = new DataInputStream(socket.getInputStream());
                out = new DataOutputStream(socket.getOutputStream());
                script.run(this);
            } catch (IOException e) {
                // the client went away: fine for a fake
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    ConnectOptions options() {
        return ConnectOptions.of("127.0.0.1", port(), "someone", "secret")
                .withReadTimeout(java.time.Duration.ofSeconds(5));
    }

    /** Reads the StartupMessage (no type byte) and returns its body. */
    byte[] readStartup() throws IOException {
        int length = in.readInt();
        return in.readNBytes(length - 4);
    }

    /** Reads one typed frontend message and returns its body. */
    byte[] readMessage(char expectedType) throws IOException {
        byte type = in.readByte();
        if (type != expectedType) {
            throw new IllegalStateException("expected message '" + expectedType + "', got '" + (char) type + "'");
        }
        int length = in.readInt();
        return in.readNBytes(length - 4);
    }

    void sendAuthentication(int code, byte[] data) throws IOException {
        out.writeByte('R');
        out.writeInt(4 + 4 + data.length);
        out.writeInt(code);
        out.write(data);
        out.flush();
    }

    void sendReadyForQuery() throws IOException {
        out.writeByte('Z');
        out.writeInt(5);
        out.writeByte('I');
        out.flush();
    }

    void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Blocks until the client closes the connection. */
    void waitForClose() throws IOException {
        while (in.read() >= 0) {
            // drain
        }
    }

    @Override
    public void close() throws IOException {
        try {
            listener.close();
            Socket s = socket;
            if (s != null) {
                s.close();
            }
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
