package dev.xenon.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.proxy.session.ProxyServer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The proxy alone (the control plane it names does not listen): an idle client is answered within
 * the handshake timeout, and a control plane that cannot be reached is a {@code 57P03} within the
 * wake timeout — never a hang.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=proxy",
            "xenon.proxy.port=0",
            "xenon.proxy.listen-address=127.0.0.1",
            "xenon.proxy.handshake-timeout=1s",
            "xenon.proxy.wake-timeout=2s"
        })
class HandshakeTimeoutIT {

    /** A port nobody listens on (taken and released before the context starts). */
    static final int CLOSED_PORT = closedPort();

    @DynamicPropertySource
    static void console(DynamicPropertyRegistry registry) {
        registry.add("xenon.proxy.console-url", () -> "http://127.0.0.1:" + CLOSED_PORT);
    }

    @Autowired
    ProxyServer server;

    @Test
    void anIdleClientGetsAnErrorWithinTheHandshakeTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            long started = System.nanoTime();
            String[] error = readError(new DataInputStream(s.getInputStream()));
            assertThat(error[0]).isEqualTo("08006");
            assertThat(error[1]).contains("handshake timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aClientTricklingItsStartupPacketIsCutOffAtTheTotalDeadline() throws Exception {
        byte[] params = "user\0alice\0options\0endpoint=ep-some-name-12345678\0\0".getBytes(StandardCharsets.UTF_8);
        byte[] startup = ByteBuffer.allocate(8 + params.length)
                .putInt(8 + params.length)
                .putInt(196608)
                .put(params)
                .array();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            long started = System.nanoTime();
            // one byte every 300 ms: each read is well within the 1 s per-read timeout, the whole
            // packet would take 20 s
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (byte b : startup) {
                        s.getOutputStream().write(b);
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off: expected
                }
            });
            try {
                String[] error = readError(new DataInputStream(s.getInputStream()));
                assertThat(error[0]).isEqualTo("08006");
                assertThat(error[1]).contains("handshake timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            } finally {
                trickle.interrupt();
            }
        }
    }

    @Test
    void repeatedSslRequestsDoNotKeepAHandshakeOpen() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            byte[] sslRequest =
                    ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write(sslRequest);
                assertThat(s.getInputStream().read()).as("answer %d", i).isEqualTo('N');
            }
            s.getOutputStream().write(sslRequest);
            String[] error = readError(new DataInputStream(s.getInputStream()));
            assertThat(error[0]).isEqualTo("08P01");
            assertThat(error[1]).contains("too many SSLRequest");
        }
    }

    @Test
    void anUnreachableControlPlaneIsCannotConnectNowWithinTheWakeTimeout() throws Exception {
        byte[] params = "user\0alice\0options\0endpoint=ep-some-name-12345678\0\0".getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(ByteBuffer.allocate(8 + params.length)
                            .putInt(8 + params.length)
                            .putInt(196608)
                            .put(params)
                            .array());
            long started = System.nanoTime();
            String[] error = readError(new DataInputStream(s.getInputStream()));
            assertThat(error[0]).isEqualTo("57P03");
            assertThat(error[1]).contains("could not wake the compute of ep-some-name-12345678");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        }
    }

    /** SQLSTATE and message of the one ErrorResponse expected. */
    private static String[] readError(DataInputStream in) throws Exception {
        byte type;
        try {
            type = in.readByte();
        } catch (EOFException e) {
            throw new AssertionError("closed without an ErrorResponse", e);
        }
        assertThat((char) type).isEqualTo('E');
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        String code = null;
        String message = null;
        int i = 0;
        while (body[i] != 0) {
            char field = (char) body[i++];
            int start = i;
            while (body[i] != 0) {
                i++;
            }
            String value = new String(body, start, i - start, StandardCharsets.UTF_8);
            i++;
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                message = value;
            }
        }
        return new String[] {code, message};
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
