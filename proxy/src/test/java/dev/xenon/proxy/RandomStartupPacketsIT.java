package dev.xenon.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.proxy.session.ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The proxy fed random startup packets — random bytes, and packets built from random lengths,
 * protocol codes and bodies (parameters with and without terminators, endpoint options, garbage
 * after an SSLRequest) — answers every one, within a bound, with nothing but what the protocol
 * allows: {@code N} to SSL/GSS requests, then a well-formed {@code ErrorResponse} and a close, a
 * password request (no endpoint named yet), or a plain close. It never hangs and keeps serving.
 * The seed is printed; {@code -Dxenon.fuzz.seed=} replays a run, {@code -Dxenon.fuzz.cases=} runs more.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=proxy",
            "xenon.proxy.port=0",
            "xenon.proxy.listen-address=127.0.0.1",
            "xenon.proxy.handshake-timeout=2s",
            "xenon.proxy.wake-timeout=1s"
        })
class RandomStartupPacketsIT {

    /** Handshake deadline + wake timeout + the 1 s drain, with room for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(15);

    static final int[] CODES = {196608, 196610, 131072, 80877103, 80877104, 80877102, 0, -1, 1234, 65536 * 4};
    static final int CLOSED_PORT = closedPort();

    @DynamicPropertySource
    static void console(DynamicPropertyRegistry registry) {
        registry.add("xenon.proxy.console-url", () -> "http://127.0.0.1:" + CLOSED_PORT);
    }

    @Autowired
    ProxyServer server;

    @Test
    void everyRandomStartupGetsAnAllowedAnswerWithinTheBound() throws Exception {
        long seed = Long.getLong("xenon.fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("xenon.fuzz.cases", 300);
        System.out.println("RandomStartupPacketsIT: " + cases + " cases, seed " + seed + " (-Dxenon.fuzz.seed=" + seed
                + " replays it)");
        Random random = new Random(seed);
        List<byte[]> packets = new ArrayList<>();
        List<Boolean> halfClose = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            packets.add(packet(random));
            // most clients end their output (the proxy sees the end of the stream at once); some
            // stay silent, so the handshake deadline must end them
            halfClose.add(random.nextInt(10) != 0);
        }
        List<String> failures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < cases; i++) {
                byte[] packet = packets.get(i);
                boolean close = halfClose.get(i);
                answers.add(pool.submit(() -> exchange(packet, close)));
            }
            for (int i = 0; i < cases; i++) {
                String problem = answers.get(i).get(BOUND.toSeconds() * 4, TimeUnit.SECONDS);
                if (problem != null) {
                    failures.add("case " + i + " ("
                            + HexFormat.of().formatHex(packets.get(i), 0, Math.min(64, packets.get(i).length))
                            + (halfClose.get(i) ? ", half-closed" : "") + "): " + problem);
                }
            }
        }
        assertThat(failures).as("seed " + seed).isEmpty();

        // and it still serves: a well-formed startup naming no endpoint is asked for its password
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            byte[] params = "user\0alice\0\0".getBytes(StandardCharsets.UTF_8);
            s.getOutputStream()
                    .write(ByteBuffer.allocate(8 + params.length)
                            .putInt(8 + params.length)
                            .putInt(196608)
                            .put(params)
                            .array());
            assertThat(s.getInputStream().read()).isEqualTo('R');
        }
    }

    /** Sends one packet; null when the answer is one the protocol allows, else what was wrong. */
    private String exchange(byte[] packet, boolean halfClose) throws IOException {
        long started = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) BOUND.toMillis());
            try {
                s.getOutputStream().write(packet);
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the proxy may refuse and close before it read everything: its answer still counts
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            try {
                while (true) {
                    int type = in.read();
                    switch (type) {
                        case -1 -> {
                            return null; // a clean close
                        }
                        case 'N' -> {
                            // an SSLRequest/GSSENCRequest declined (no TLS configured here): more may follow
                        }
                        case 'E' -> {
                            String problem = errorResponse(in);
                            if (problem != null) {
                                return problem;
                            }
                            return in.read() == -1 ? null : "data after the ErrorResponse";
                        }
                        case 'R' -> {
                            int length = in.readInt();
                            int code = in.readInt();
                            return length == 8 && code == 3 ? null : "an authentication request other than cleartext";
                        }
                        default -> {
                            return "unexpected byte " + type;
                        }
                    }
                }
            } catch (SocketTimeoutException e) {
                return "no answer within " + BOUND;
            } catch (EOFException e) {
                return "the connection ended inside a message";
            } catch (IOException e) {
                // a reset after the proxy closed with unread input: a close, not a hang
                return Duration.ofNanos(System.nanoTime() - started).compareTo(BOUND) < 0
                        ? null
                        : "reset after " + BOUND;
            }
        }
    }

    /** Checks a whole ErrorResponse body: a length, fields with an S, a 5-character C, an M. */
    private static String errorResponse(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > 10_000) {
            return "ErrorResponse length " + length;
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        String sqlState = null;
        String message = null;
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i++];
            int end = i;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            if (end == body.length) {
                return "an ErrorResponse field without its terminator";
            }
            String value = new String(body, i, end - i, StandardCharsets.UTF_8);
            if (field == 'C') {
                sqlState = value;
            } else if (field == 'M') {
                message = value;
            }
            i = end + 1;
        }
        if (i != body.length - 1) {
            return "an ErrorResponse not ended by its terminator";
        }
        if (sqlState == null || !sqlState.matches("[0-9A-Z]{5}")) {
            return "SQLSTATE " + sqlState;
        }
        return message == null || message.isBlank() ? "an ErrorResponse without a message" : null;
    }

    private static byte[] packet(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(5)) {
            case 0 -> { // random bytes
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 1 -> { // an SSLRequest, then anything
                out.writeBytes(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
                out.writeBytes(packet(random));
                return out.toByteArray();
            }
            default -> { // a startup-shaped packet: code, parameters, a length that may lie
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                int parameters = random.nextInt(5);
                for (int p = 0; p < parameters; p++) {
                    body.writeBytes(word(random, List.of("user", "database", "options", "application_name", "")));
                    if (random.nextInt(8) != 0) {
                        body.write(0);
                    }
                    body.writeBytes(word(
                            random,
                            List.of("alice", "endpoint=ep-some-name-12345678", "project=ep-x", "endpoint=", "-c x=1")));
                    if (random.nextInt(8) != 0) {
                        body.write(0);
                    }
                }
                if (random.nextInt(4) != 0) {
                    body.write(0);
                }
                int code = random.nextInt(4) == 0 ? random.nextInt() : CODES[random.nextInt(CODES.length)];
                int trueLength = 8 + body.size();
                int length =
                        switch (random.nextInt(6)) {
                            case 0 -> random.nextInt(16) - 4;
                            case 1 -> random.nextInt(20_000);
                            case 2 -> random.nextInt();
                            default -> trueLength;
                        };
                ByteBuffer head = ByteBuffer.allocate(8).putInt(length).putInt(code);
                out.writeBytes(head.array());
                out.writeBytes(body.toByteArray());
                return out.toByteArray();
            }
        }
    }

    /** One of {@code known}, or random printable or raw bytes. */
    private static byte[] word(Random random, List<String> known) {
        if (random.nextInt(3) != 0) {
            return known.get(random.nextInt(known.size())).getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 12_000 : 40)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
