package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.xenon.common.Lsn;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reason for this package: a commit waits for the receiver's flush acknowledgement, and that
 * acknowledgement is sent from another thread while the reader thread is blocked in read().
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SynchronousReplicationIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(
            b -> b.setting("wal_level", "replica").setting("synchronous_standby_names", "walrecv"));

    @Test
    void aCommitWaitsForTheFlushAcknowledgementSentWhileTheReaderIsBlocked() throws Exception {
        PostgresServer pg = PG.server();
        try (Connection setup = pg.connect();
                Statement s = setup.createStatement()) {
            s.execute("SET synchronous_commit = local"); // no standby yet: do not wait
            s.execute("CREATE TABLE sync_test (id int)");
        }
        ExecutorService writer = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("committer").daemon().factory());
        try (PgReplicationConnection c =
                        PgReplicationConnection.connect(PgTesting.options(pg).withApplicationName("walrecv"));
                Connection committer = pg.connect();
                Statement insert = committer.createStatement()) {
            IdentifySystem system = c.identifySystem();
            Lsn start = system.xlogPos().segmentStart(Lsn.DEFAULT_SEGMENT_SIZE);
            ReplicationStream stream = c.startPhysical(null, start, system.timeline());
            BackgroundReader reader = new BackgroundReader(stream, start, false);

            String pid = queryOne(committer, "SELECT pg_backend_pid()");
            CompletableFuture<Void> commit = CompletableFuture.runAsync(
                    () -> {
                        try {
                            insert.execute("INSERT INTO sync_test VALUES (1)");
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    writer);

            await().atMost(Duration.ofSeconds(20)).until(() -> "SyncRep"
                    .equals(queryValue(pg, "SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid)));
            Lsn commitFlushed = PgTesting.flushLsn(pg);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !reader.received().isBefore(commitFlushed) && reader.isInRead());
            assertThat(commit).isNotDone();

            // An acknowledgement below the commit does not release it.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> stream.sendStatus(start, start, start, false));
            await().atMost(Duration.ofSeconds(20)).until(() -> start.toString()
                    .equals(queryValue(
                            pg, "SELECT flush_lsn FROM pg_stat_replication WHERE application_name = 'walrecv'")));
            assertThat(commit).isNotDone();
            assertThat(queryValue(pg, "SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid))
                    .isEqualTo("SyncRep");

            // Acknowledging the flush from this thread, while the reader is blocked in read(), releases it.
            Lsn received = reader.received();
            assertThat(reader.isInRead()).isTrue();
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> stream.sendStatus(received, received, received, false));
            await().atMost(Duration.ofSeconds(10)).until(commit::isDone);
            assertThatCode(commit::join).doesNotThrowAnyException();
            assertThat(queryValue(pg, "SELECT count(*) FROM sync_test")).isEqualTo("1");
            assertThat(queryValue(
                            pg,
                            "SELECT sync_state || ' ' || flush_lsn FROM pg_stat_replication"
                                    + " WHERE application_name = 'walrecv'"))
                    .isEqualTo("sync " + received);
            assertThat(reader.failure()).isNull();
            reader.close();
        } finally {
            writer.shutdownNow();
            writer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static String queryOne(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
