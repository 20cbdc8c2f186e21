package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streamed WAL is exactly what the server has in its own segment files. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WalStreamingIT {

    private static final int SEGMENT = Lsn.DEFAULT_SEGMENT_SIZE;

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));

    @Test
    void streamedWalIsByteIdenticalToPgWal() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            c.createPhysicalSlotIfMissing("byte_compare");
            IdentifySystem system = c.identifySystem();
            Lsn start = system.xlogPos().segmentStart(SEGMENT);
            // A backlog of several MiB before streaming starts: the server sends it as fast as it can.
            execute(
                    pg,
                    "CREATE TABLE filler (id int, pad text)",
                    "INSERT INTO filler SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 30000) g");
            Lsn target = PgTesting.flushLsn(pg);
            assertThat(target.minus(start)).isGreaterThan(4L << 20);

            ReplicationStream stream = c.startPhysical("byte_compare", start, system.timeline());
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Lsn next = start;
            int messages = 0;
            boolean sawBufferedData = false;
            while (next.isBefore(target)) {
                switch (stream.read()) {
                    case WalMessage.XLogData x -> {
                        assertThat(x.start()).as("contiguous WAL").isEqualTo(next);
                        assertThat(x.data().isReadOnly()).isTrue();
                        assertThat(x.data().position()).isZero();
                        assertThat(x.serverWalEnd()).isGreaterThanOrEqualTo(x.end());
                        byte[] bytes = new byte[x.length()];
                        x.data().get(bytes);
                        received.write(bytes);
                        next = x.end();
                        messages++;
                        sawBufferedData |= stream.hasBufferedData();
                    }
                    case WalMessage.PrimaryKeepalive k -> {}
                    case WalMessage.EndOfStream e -> fail("stream ended early: " + e);
                }
            }
            assertThat(messages).isGreaterThan(1);
            assertThat(sawBufferedData).as("hasBufferedData() during a backlog").isTrue();
            compareWithSegmentFiles(pg, system.timeline(), start, target, received.toByteArray());

            // Once caught up and idle, the next read would wait for the network.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                if (stream.hasBufferedData()) {
                    stream.read();
                    return false;
                }
                return true;
            });
        }
    }

    @Test
    void serverTimesAreRecent() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            execute(pg, "CREATE TABLE IF NOT EXISTS clock (id int)", "INSERT INTO clock VALUES (1)");
            WalMessage message = stream.read();
            long serverMicros =
                    switch (message) {
                        case WalMessage.XLogData x -> x.serverTimeMicros();
                        case WalMessage.PrimaryKeepalive k -> k.serverTimeMicros();
                        case WalMessage.EndOfStream e -> throw new AssertionError("stream ended: " + e);
                    };
            assertThat(PgEpoch.toInstant(serverMicros))
                    .isBetween(
                            java.time.Instant.now().minusSeconds(60),
                            java.time.Instant.now().plusSeconds(60));
        }
    }

    private static void compareWithSegmentFiles(PostgresServer pg, int timeline, Lsn start, Lsn target, byte[] received)
            throws Exception {
        Lsn at = start;
        while (at.isBefore(target)) {
            int offset = at.segmentOffset(SEGMENT);
            int length = (int) Math.min(SEGMENT - offset, target.minus(at));
            Path file = pg.dataDir().resolve("pg_wal").resolve(at.segmentFileName(timeline, SEGMENT));
            ByteBuffer expected = ByteBuffer.allocate(length);
            try (FileChannel ch = FileChannel.open(file)) {
                while (expected.hasRemaining()) {
                    if (ch.read(expected, offset + expected.position()) < 0) {
                        fail(file + " ends before " + target);
                    }
                }
            }
            int from = (int) at.minus(start);
            int mismatch = Arrays.mismatch(expected.array(), 0, length, received, from, from + length);
            assertThat(mismatch)
                    .as("first differing byte between the stream and %s at offset %d", file, offset)
                    .isEqualTo(-1);
            at = at.plus(length);
        }
    }
}
