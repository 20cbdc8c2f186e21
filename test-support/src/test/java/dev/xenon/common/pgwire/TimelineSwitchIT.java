package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static dev.xenon.common.pgwire.PgTesting.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streaming a historic timeline: the server ends the copy at the switch point and names the next
 * timeline. The server gets timeline 2 by an archive recovery without archive ({@code
 * recovery.signal}, {@code restore_command = 'false'}), which ends with a new timeline.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimelineSwitchIT {

    @RegisterExtension
    static final PostgresExtension PG =
            new PostgresExtension(b -> b.setting("wal_level", "replica").setting("restore_command", "false"));

    private static Lsn switchPoint;
    private static Lsn timeline1Start;

    @BeforeAll
    static void switchToTimeline2() throws Exception {
        PostgresServer pg = PG.server();
        execute(pg, "CREATE TABLE before_switch (id int)", "INSERT INTO before_switch VALUES (1)");
        try (PgReplicationConnection c = connect(pg)) {
            timeline1Start = c.identifySystem().xlogPos().segmentStart(Lsn.DEFAULT_SEGMENT_SIZE);
        }
        pg.stop();
        Path signal = Files.createFile(pg.dataDir().resolve("recovery.signal"));
        pg.osUser().prepareDirectory(signal);
        pg.start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "f"
                .equals(queryValue(pg, "SELECT pg_is_in_recovery()")));
        String history = Files.readString(pg.dataDir().resolve("pg_wal/00000002.history"));
        // "1\t0/3000148\tno recovery target specified"
        switchPoint = Lsn.parse(history.split("\t")[1].strip());
    }

    @Test
    void streamingTheOldTimelineEndsAtTheSwitchPointAndNamesTheNextOne() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            assertThat(c.identifySystem().timeline()).isEqualTo(2);
            ReplicationStream stream = c.startPhysical(null, timeline1Start, 1);
            Lsn received = timeline1Start;
            WalMessage message;
            while (!((message = stream.read()) instanceof WalMessage.EndOfStream)) {
                if (message instanceof WalMessage.XLogData x) {
                    assertThat(x.start()).isEqualTo(received);
                    received = x.end();
                }
            }
            WalMessage.EndOfStream end = (WalMessage.EndOfStream) message;
            assertThat(end.isTimelineSwitch()).isTrue();
            assertThat(end.nextTimeline()).isEqualTo(2);
            assertThat(end.nextTimelineStart()).isEqualTo(switchPoint);
            assertThat(end.connectionUsable()).isTrue();
            assertThat(received).as("WAL streamed up to the switch point").isEqualTo(switchPoint);

            // The connection goes on with the next timeline.
            ReplicationStream next = c.startPhysical(null, switchPoint.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE), 2);
            assertThat(next.read()).isInstanceOf(WalMessage.XLogData.class);
        }
    }

    @Test
    void startingExactlyAtTheSwitchPointEndsAtOnce() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            // Postgres answers without entering copy mode: just the next timeline.
            ReplicationStream stream = c.startPhysical(null, switchPoint, 1);
            assertThat(stream.hasBufferedData()).isTrue();
            WalMessage.EndOfStream end = (WalMessage.EndOfStream) stream.read();
            assertThat(end.nextTimeline()).isEqualTo(2);
            assertThat(end.nextTimelineStart()).isEqualTo(switchPoint);
            assertThat(stream.isEnded()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(2);
        }
    }
}
