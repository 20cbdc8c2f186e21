package dev.xenon.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** How connecting fails against servers that misbehave or are not there. */
class HandshakeFailuresIT {

    @Test
    void startupMessageAsksForPhysicalReplication() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> startup =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (FakeServer server = new FakeServer(s -> {
            byte[] body = s.readStartup();
            startup.set(new String(body, StandardCharsets.UTF_8));
            s.sendAuthentication(0, new byte[0]);
            s.sendReadyForQuery();
            s.waitForClose();
        })) {
            try (PgReplicationConnection c = PgReplicationConnection.connect(
                    server.options().withApplicationName("wal-7").withPassword(null))) {
                assertThat(c.authMethod()).isEqualTo(AuthMethod.TRUST);
            }
            // protocol 3.0, then NUL-separated key/value pairs and a final NUL
            assertThat(startup.get())
                    .startsWith("\u0000\u0003\u0000\u0000")
                    .contains("user\u0000someone\u0000")
                    .contains("replication\u0000true\u0000")
                    .contains("application_name\u0000wal-7\u0000")
                    .endsWith("\u0000\u0000")
                    .doesNotContain("database");
        }
    }

    @Test
    void aServerThatCannotProveItKnowsThePasswordIsRefused() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
            s.readStartup();
            s.sendAuthentication(10, "SCRAM-SHA-256\u0000\u0000".getBytes(StandardCharsets.US_ASCII));
            String clientFirst = saslInitialResponse(s.readMessage('p'));
            String nonce = clientFirst.substring(clientFirst.indexOf("r=") + 2);
            s.sendAuthentication(
                    11,
                    ("r=" + nonce + "fake,s=" + Base64.getEncoder().encodeToString(new byte[16]) + ",i=4096")
                            .getBytes(StandardCharsets.US_ASCII));
            s.readMessage('p');
            s.sendAuthentication(
                    12, ("v=" + Base64.getEncoder().encodeToString(new byte[32])).getBytes(StandardCharsets.US_ASCII));
            s.sendAuthentication(0, new byte[0]);
            s.sendReadyForQuery();
            s.waitForClose();
        })) {
            assertThatThrownBy(() -> PgReplicationConnection.connect(server.options()))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("signature");
        }
    }

    @Test
    void aServerThatSkipsTheScramProofIsRefused() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
            s.readStartup();
            s.sendAuthentication(10, "SCRAM-SHA-256\u0000\u0000".getBytes(StandardCharsets.US_ASCII));
            s.readMessage('p');
            s.sendAuthentication(0, new byte[0]);
            s.sendReadyForQuery();
            s.waitForClose();
        })) {
            assertThatThrownBy(() -> PgReplicationConnection.connect(server.options()))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("before proving");
        }
    }

    @Test
    void anUnsupportedMethodIsNamed() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
            s.readStartup();
            s.sendAuthentication(7, new byte[0]);
            s.waitForClose();
        })) {
            assertThatThrownBy(() -> PgReplicationConnection.connect(server.options()))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("GSSAPI")
                    .hasMessageContaining("pg_hba.conf");
        }
    }

    @Test
    void somethingThatIsNotPostgres() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
            s.readStartup();
            s.sendRaw("HTTP/1.1 400 Bad Request\r\n\r\n");
            s.waitForClose();
        })) {
            assertThatThrownBy(() -> PgReplicationConnection.connect(server.options()))
                    .isInstanceOf(PgProtocolException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (FakeServer server = new FakeServer(FakeServer::waitForClose)) {
            long started = System.nanoTime();
            assertThatThrownBy(() ->
                            PgReplicationConnection.connect(server.options().withReadTimeout(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void nothingListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> PgReplicationConnection.connect(ConnectOptions.of("127.0.0.1", port, "x", "y")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    /** The client-first-message inside a SASLInitialResponse body. */
    private static String saslInitialResponse(byte[] body) {
        int nul = 0;
        while (body[nul] != 0) {
            nul++;
        }
        String mechanism = new String(body, 0, nul, StandardCharsets.US_ASCII);
        if (!mechanism.equals("SCRAM-SHA-256")) {
            throw new IllegalStateException("client chose " + mechanism);
        }
        return new String(body, nul + 5, body.length - nul - 5, StandardCharsets.UTF_8);
    }
}
