package dev.xenon.proxy.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupPacketTest {

    private static final int MAX = 10_000;

    @Test
    void aStartupMessageRoundTripsWithItsParametersInOrder() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "neondb");
        params.put("options", "endpoint=ep-cool-name-123456 -c search_path=x");
        byte[] bytes = new StartupPacket.Startup(196608, params).encode();

        StartupPacket read = StartupPacket.read(new ByteArrayInputStream(bytes), MAX);

        assertThat(read).isInstanceOf(StartupPacket.Startup.class);
        StartupPacket.Startup startup = (StartupPacket.Startup) read;
        assertThat(startup.protocol()).isEqualTo(196608);
        assertThat(startup.parameters()).containsExactlyEntriesOf(params);
        assertThat(startup.user()).isEqualTo("alice");
        assertThat(startup.encode()).isEqualTo(bytes);
    }

    @Test
    void sslGssAndCancelRequestsAreRecognised() throws Exception {
        assertThat(read(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array()))
                .isInstanceOf(StartupPacket.SslRequest.class);
        assertThat(read(ByteBuffer.allocate(8).putInt(8).putInt(80877104).array()))
                .isInstanceOf(StartupPacket.GssEncRequest.class);
        StartupPacket cancel = read(ByteBuffer.allocate(16)
                .putInt(16)
                .putInt(80877102)
                .putInt(4242)
                .putInt(0x01020304)
                .array());
        assertThat(cancel).isInstanceOf(StartupPacket.CancelRequest.class);
        StartupPacket.CancelRequest c = (StartupPacket.CancelRequest) cancel;
        assertThat(c.processId()).isEqualTo(4242);
        assertThat(c.key()).isEqualTo(new StartupPacket.CancelKey(4242, new byte[] {1, 2, 3, 4}));
    }

    @Test
    void malformedPacketsAreRefusedWithPostgresSqlStates() {
        assertRefused(ByteBuffer.allocate(4).putInt(4).array(), "08P01", "invalid length of startup packet");
        assertRefused(ByteBuffer.allocate(8).putInt(0x16030100).putInt(1).array(), "08P01", "invalid length");
        assertRefused(ByteBuffer.allocate(8).putInt(MAX + 1).putInt(196608).array(), "08P01", "invalid length");
        assertRefused(ByteBuffer.allocate(8).putInt(100).putInt(196608).array(), "08P01", "incomplete startup packet");
        assertRefused(new byte[] {0, 0}, "08P01", "incomplete startup packet");
        assertRefused(
                ByteBuffer.allocate(9).putInt(9).putInt(2 << 16).put((byte) 0).array(),
                "0A000",
                "unsupported frontend protocol 2.0");
        assertRefused(
                ByteBuffer.allocate(14)
                        .putInt(14)
                        .putInt(196608)
                        .put("user".getBytes())
                        .put((byte) 0)
                        .put((byte) 'a')
                        .array(),
                "08P01",
                "expected terminator");
        assertRefused(
                ByteBuffer.allocate(12).putInt(12).putInt(80877103).putInt(0).array(), "08P01", "SSLRequest");
        assertRefused(
                new StartupPacket.Startup(196608, Map.of("database", "d")).encode(), "28000", "no PostgreSQL user");
    }

    @Test
    void anEmptyStreamIsAClientThatLeft() {
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(EOFException.class);
    }

    private static StartupPacket read(byte[] bytes) throws Exception {
        return StartupPacket.read(new ByteArrayInputStream(bytes), MAX);
    }

    private static void assertRefused(byte[] bytes, String sqlState, String message) {
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOfSatisfying(
                        ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo(sqlState))
                .hasMessageContaining(message);
    }
}
