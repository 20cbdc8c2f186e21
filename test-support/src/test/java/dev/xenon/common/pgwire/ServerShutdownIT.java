package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * At shutdown a WAL sender sends everything up to the shutdown checkpoint, waits until the receiver
 * has acknowledged it, and ends the copy with a CommandComplete (no CopyDone) before it exits.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerShutdownIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));

    @Test
    void aCleanShutdownEndsTheStream() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            try (BackgroundReader reader = new BackgroundReader(stream, system.xlogPos(), true)) {
                execute(pg, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
                Lsn beforeShutdown = PgTesting.flushLsn(pg);

                pg.stop();

                await().atMost(Duration.ofSeconds(30)).until(() -> reader.end() != null || reader.failure() != null);
                assertThat(reader.failure()).isNull();
                assertThat(reader.end().connectionUsable()).isFalse();
                assertThat(reader.end().isTimelineSwitch()).isFalse();
                // The shutdown checkpoint record came after everything else.
                assertThat(reader.received()).isGreaterThan(beforeShutdown);
                assertThat(c.isOpen()).isFalse();
            }
        }
    }
}
