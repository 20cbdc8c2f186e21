package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static dev.xenon.common.pgwire.PgTesting.options;
import static dev.xenon.common.pgwire.PgTesting.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Commands in command mode, the way back from streaming, and closing a stream. */
class PgReplicationConnectionIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));

    @Test
    void identifySystemMatchesTheControlFile() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            assertThat(system.systemId())
                    .isEqualTo(queryValue(pg, "SELECT system_identifier FROM pg_control_system()"));
            assertThat(Long.parseUnsignedLong(system.systemId())).isNotZero();
            assertThat(system.timeline()).isEqualTo(1);
            assertThat(system.dbName()).isNull();
            assertThat(system.xlogPos()).isLessThanOrEqualTo(PgTesting.flushLsn(pg));
            assertThat(system.xlogPos()).isGreaterThan(Lsn.INVALID);
        }
    }

    @Test
    void simpleQueryReturnsTextValuesAndNulls() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            QueryResult show = c.simpleQuery("SHOW wal_level");
            assertThat(show.columns()).containsExactly("wal_level");
            assertThat(show.rows()).containsExactly(java.util.List.of("replica"));
            assertThat(show.commandTag()).isEqualTo("SHOW");

            QueryResult identify = c.simpleQuery("IDENTIFY_SYSTEM");
            assertThat(identify.columns()).containsExactly("systemid", "timeline", "xlogpos", "dbname");
            assertThat(identify.value(0, "dbname")).isNull();

            QueryResult slot = c.simpleQuery("CREATE_REPLICATION_SLOT query_result PHYSICAL");
            assertThat(slot.columns())
                    .containsExactly("slot_name", "consistent_point", "snapshot_name", "output_plugin");
            // Without RESERVE_WAL there is no consistent point yet; snapshot and plugin are NULL for physical slots.
            assertThat(slot.value(0, "slot_name")).isEqualTo("query_result");
            assertThat(slot.value(0, "snapshot_name")).isNull();
            assertThat(slot.value(0, "output_plugin")).isNull();
            assertThat(slot.commandTag()).isEqualTo("CREATE_REPLICATION_SLOT");
        }
    }

    @Test
    void anErrorLeavesTheConnectionUsable() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            // Anything that is not a replication command is taken for SQL, which physical WAL senders refuse.
            assertThatThrownBy(() -> c.simpleQuery("NOT_A_REPLICATION_COMMAND"))
                    .isInstanceOfSatisfying(PgServerException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("0A000");
                        assertThat(e.severity()).isEqualTo("ERROR");
                    })
                    .hasMessageContaining(pg.host() + ":" + pg.port());
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void createPhysicalSlotIfMissingTwiceMakesOneSlot() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            assertThat(c.createPhysicalSlotIfMissing("wal_node_0")).isTrue();
            assertThat(c.createPhysicalSlotIfMissing("wal_node_0")).isFalse();
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(queryValue(pg, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'wal_node_0'"))
                .isEqualTo("1");
        assertThat(queryValue(
                        pg,
                        "SELECT slot_type || ' ' || (restart_lsn IS NOT NULL) FROM pg_replication_slots"
                                + " WHERE slot_name = 'wal_node_0'"))
                .isEqualTo("physical true");
    }

    @Test
    void invalidSlotNamesAreRefusedBeforeAnythingIsSent() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            for (String bad : new String[] {"", "Upper", "with-dash", "x; DROP", "a".repeat(64)}) {
                assertThatThrownBy(() -> c.createPhysicalSlotIfMissing(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("slot name");
                assertThatThrownBy(() -> c.startPhysical(bad, Lsn.INVALID, 0))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void startingFromAMissingSlotFailsAndLeavesTheConnectionUsable() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            IdentifySystem system = c.identifySystem();
            assertThatThrownBy(() -> c.startPhysical("no_such_slot", system.xlogPos(), system.timeline()))
                    .isInstanceOfSatisfying(PgServerException.class, e -> assertThat(e.sqlState())
                            .isEqualTo("42704"));
            assertThat(c.identifySystem().systemId()).isEqualTo(system.systemId());
        }
    }

    @Test
    void startingAheadOfTheServerFailsOnTheFirstReadAndLeavesTheConnectionUsable() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            IdentifySystem system = c.identifySystem();
            // Postgres sends CopyBothResponse before it checks the start position.
            ReplicationStream stream = c.startPhysical(null, system.xlogPos().plus(1L << 40), system.timeline());
            assertThatThrownBy(stream::read)
                    .isInstanceOf(PgServerException.class)
                    .hasMessageContaining("ahead of the WAL flush position");
            assertThat(stream.isEnded()).isTrue();
            assertThat(stream.sendStatus(system.xlogPos(), system.xlogPos(), system.xlogPos(), false))
                    .isFalse();
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().systemId()).isEqualTo(system.systemId());
        }
    }

    @Test
    void requestEndReturnsToCommandMode() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            assertThatThrownBy(c::identifySystem)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("streaming");
            execute(pg, "CREATE TABLE IF NOT EXISTS end_test (id int)", "INSERT INTO end_test VALUES (1)");

            assertThat(stream.requestEnd()).isTrue();
            assertThat(stream.requestEnd()).isFalse();
            WalMessage message;
            do {
                message = stream.read();
            } while (!(message instanceof WalMessage.EndOfStream));
            WalMessage.EndOfStream end = (WalMessage.EndOfStream) message;
            assertThat(end.connectionUsable()).isTrue();
            assertThat(end.isTimelineSwitch()).isFalse();
            assertThat(stream.isEnded()).isTrue();
            assertThat(stream.sendStatus(system.xlogPos(), system.xlogPos(), system.xlogPos(), false))
                    .isFalse();
            assertThatThrownBy(stream::read).isInstanceOf(IllegalStateException.class);

            assertThat(c.identifySystem().systemId()).isEqualTo(system.systemId());
            // and it can stream again
            ReplicationStream again = c.startPhysical(null, system.xlogPos(), system.timeline());
            assertThat(again.requestEnd()).isTrue();
            while (!(again.read() instanceof WalMessage.EndOfStream)) {
                // WAL in flight
            }
        }
    }

    @Test
    void closeFromAnotherThreadUnblocksTheReader() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            BackgroundReader reader = new BackgroundReader(stream, system.xlogPos(), false);
            await().atMost(Duration.ofSeconds(10)).until(reader::isInRead);

            stream.close();

            await().atMost(Duration.ofSeconds(5)).until(() -> reader.failure() != null);
            assertThat(reader.failure()).isInstanceOf(IOException.class);
            reader.thread().join(5_000);
            assertThat(reader.thread().isAlive()).isFalse();
            assertThat(c.isOpen()).isFalse();
            assertThatThrownBy(() -> stream.sendStatus(system.xlogPos(), system.xlogPos(), system.xlogPos(), false))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aStreamThatHearsNothingForTheStreamTimeoutIsClosedWithATimeout() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c =
                PgReplicationConnection.connect(options(pg).withStreamReadTimeout(Duration.ofMillis(300)))) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            long started = System.nanoTime();
            // An idle server sends a keepalive only every wal_sender_timeout / 2 (30 s).
            assertThatThrownBy(() -> {
                        while (true) {
                            stream.read();
                        }
                    })
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(c.isOpen()).isFalse();
            assertThat(stream.isEnded()).isTrue();
        }
    }

    @Test
    void aStreamWithTrafficWithinTheStreamTimeoutIsNotCut() throws Exception {
        PostgresServer pg = PG.server();
        execute(pg, "CREATE TABLE IF NOT EXISTS timeout_test (id int)");
        try (PgReplicationConnection c =
                PgReplicationConnection.connect(options(pg).withStreamReadTimeout(Duration.ofMillis(800)))) {
            IdentifySystem system = c.identifySystem();
            ReplicationStream stream = c.startPhysical(null, system.xlogPos(), system.timeline());
            Lsn received = system.xlogPos();
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            // A commit every 100 ms, read as it comes: 3 s of stream, far longer than the timeout.
            while (System.nanoTime() < until) {
                execute(pg, "INSERT INTO timeout_test VALUES (1)");
                Lsn target = PgTesting.flushLsn(pg);
                while (received.isBefore(target)) {
                    if (stream.read() instanceof WalMessage.XLogData x) {
                        received = x.end();
                    }
                }
                Thread.sleep(100);
            }
            assertThat(c.isOpen()).isTrue();
            assertThat(stream.sendStatus(received, received, received, false)).isTrue();
        }
    }
}
