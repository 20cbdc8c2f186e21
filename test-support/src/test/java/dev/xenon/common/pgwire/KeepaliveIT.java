package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code wal_sender_timeout = 2s}: keepalives that ask for a reply, and what happens without one. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KeepaliveIT {

    @RegisterExtension
    static final PostgresExtension PG =
            new PostgresExtension(b -> b.setting("wal_level", "replica").setting("wal_sender_timeout", "2s"));

    @Test
    void answeringKeepalivesKeepsTheStreamAlive() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            long started = System.nanoTime();
            try (BackgroundReader reader = new BackgroundReader(stream, system.xlogPos(), true)) {
                // One keepalive per ~second (half the timeout after each reply): 4 take longer than the timeout.
                await().atMost(Duration.ofSeconds(30)).until(() -> reader.keepalivesRequestingReply() >= 4);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(2));
                assertThat(reader.failure()).isNull();

                execute(pg, "CREATE TABLE alive (id int)", "INSERT INTO alive VALUES (1)");
                Lsn target = PgTesting.flushLsn(pg);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> !reader.received().isBefore(target));
                assertThat(reader.failure()).isNull();
            }
        }
    }

    @Test
    void withoutRepliesTheServerEndsTheConnection() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            try (BackgroundReader reader = new BackgroundReader(stream, system.xlogPos(), false)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> reader.failure() != null);
                assertThat(reader.failure()).isInstanceOf(IOException.class);
                assertThat(reader.keepalivesRequestingReply()).isGreaterThanOrEqualTo(1);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> pg.log().contains("terminating walsender process due to replication timeout"));
            }
        }
    }
}
