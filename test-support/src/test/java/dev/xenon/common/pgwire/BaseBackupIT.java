package dev.xenon.common.pgwire;

import static dev.xenon.common.pgwire.PgTesting.connect;
import static dev.xenon.common.pgwire.PgTesting.execute;
import static dev.xenon.common.pgwire.PgTesting.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xenon.common.Lsn;
import dev.xenon.common.WalSegmentName;
import dev.xenon.common.postgres.DataDirectoryExtractor;
import dev.xenon.testsupport.PostgresExtension;
import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.TestDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code BASE_BACKUP} through {@link PgReplicationConnection#baseBackup}: what the archive holds,
 * that archive + WAL up to the backup's end starts as a server holding the data, and the failures.
 */
class BaseBackupIT {

    private static final Pattern START_WAL_LOCATION =
            Pattern.compile("^START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)$", Pattern.MULTILINE);

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));

    private static Path scratch;

    @BeforeAll
    static void createScratch() {
        scratch = TestDirectories.create("basebackup-archives");
    }

    @AfterAll
    static void deleteScratch() {
        TestDirectories.deleteRecursively(scratch);
    }

    @Test
    void theArchiveHoldsTheDataDirectoryWithoutWal() throws Exception {
        PostgresServer pg = PG.server();
        execute(
                pg,
                "CREATE TABLE IF NOT EXISTS archived (id int PRIMARY KEY, note text)",
                "INSERT INTO archived SELECT g, 'row ' || g FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        Path tar = scratch.resolve("contents.tar");
        AtomicReference<String> archiveName = new AtomicReference<>();
        BaseBackupResult result;
        long started = System.nanoTime();
        try (PgReplicationConnection c = connect(pg)) {
            result = c.baseBackup(BaseBackupOptions.defaults("xenon's image"), (name, in) -> {
                archiveName.set(name);
                Files.copy(in, tar);
            });
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
        System.out.printf(
                "BASE_BACKUP of %s: %d bytes, %s..%s in %d ms%n",
                pg, result.bytes(), result.startLsn(), result.endLsn(), (System.nanoTime() - started) / 1_000_000);

        assertThat(archiveName.get()).isEqualTo("base.tar");
        assertThat(result.bytes()).isEqualTo(Files.size(tar));
        assertThat(result.timeline()).isEqualTo(1);
        assertThat(result.endLsn()).isGreaterThan(result.startLsn());
        assertThat(result.endLsn()).isLessThanOrEqualTo(PgTesting.flushLsn(pg));

        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), e);
                if (e.getName().equals("backup_label") || e.getName().equals("PG_VERSION")) {
                    texts.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        List<String> names = new ArrayList<>(entries.keySet());
        assertThat(names.getFirst()).isEqualTo("backup_label");
        assertThat(names.getLast()).isEqualTo("global/pg_control");
        assertThat(entries.get("global/pg_control").getSize()).isEqualTo(8192);
        assertThat(texts.get("PG_VERSION").strip())
                .isEqualTo(Integer.toString(pg.installation().majorVersion()));
        assertThat(entries.get("pg_wal/").isDirectory()).isTrue();
        // Postgres 15 names archive_status with a leading "./", unlike every other entry.
        assertThat(names).filteredOn(n -> n.contains("pg_wal/")).containsOnly("pg_wal/", "./pg_wal/archive_status/");
        assertThat(names).doesNotContain("postmaster.pid", "postmaster.opts", "backup_manifest", "tablespace_map");

        String label = texts.get("backup_label");
        assertThat(label).contains("LABEL: xenon's image\n", "START TIMELINE: 1\n", "BACKUP METHOD: streamed\n");
        Matcher m = START_WAL_LOCATION.matcher(label);
        assertThat(m.find()).as(label).isTrue();
        assertThat(Lsn.parse(m.group(1))).isEqualTo(result.startLsn());
        assertThat(m.group(2)).isEqualTo(segmentOf(pg, result.startLsn()).toString());
    }

    @Test
    void archivePlusWalUpToTheBackupEndStartsWithTheCommittedRows() throws Exception {
        PostgresServer pg = PG.server();
        execute(
                pg,
                "CREATE TABLE restored (id int PRIMARY KEY, note text)",
                "INSERT INTO restored SELECT g, 'before ' || g FROM generate_series(1, 1000) g");
        Path tar = scratch.resolve("restore.tar");
        BaseBackupResult backup;
        try (PgReplicationConnection c = connect(pg)) {
            backup = c.baseBackup(BaseBackupOptions.defaults("restore"), (name, in) -> Files.copy(in, tar));
        }
        // After the backup's end the server switched segments: this lands in a segment not copied below.
        execute(pg, "INSERT INTO restored VALUES (1001, 'after the backup')");

        WalSegmentName first = segmentOf(pg, backup.startLsn());
        WalSegmentName last = segmentOf(pg, backup.endLsn().plus(-1));
        List<String> copied = new ArrayList<>();
        long started = System.nanoTime();
        try (PostgresServer restored = PostgresServer.builder()
                .name("restored")
                .restoreFrom(tar, dataDir -> {
                    for (WalSegmentName s = first; s.segmentNumber() <= last.segmentNumber(); s = s.next()) {
                        Files.copy(
                                pg.dataDir().resolve("pg_wal").resolve(s.toString()),
                                dataDir.resolve("pg_wal").resolve(s.toString()));
                        copied.add(s.toString());
                    }
                })
                .start()) {
            System.out.printf(
                    "restored %s with WAL %s (%s..%s) in %d ms%n",
                    restored, copied, backup.startLsn(), backup.endLsn(), (System.nanoTime() - started) / 1_000_000);
            assertThat(queryValue(restored, "SELECT count(*) FROM restored")).isEqualTo("1000");
            assertThat(queryValue(restored, "SELECT count(*) FROM restored WHERE id = 1001"))
                    .isEqualTo("0");
            assertThat(queryValue(restored, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            assertThat(queryValue(restored, "SELECT timeline_id FROM pg_control_checkpoint()"))
                    .isEqualTo("1");
            assertThat(queryValue(restored, "SELECT system_identifier FROM pg_control_system()"))
                    .isEqualTo(queryValue(pg, "SELECT system_identifier FROM pg_control_system()"));
            assertThat(Files.exists(restored.dataDir().resolve("backup_label"))).isFalse();
            assertThat(Files.exists(restored.dataDir().resolve("pg_wal/00000002.history")))
                    .isFalse();

            execute(restored, "INSERT INTO restored VALUES (2000, 'after the restore')");
            assertThat(queryValue(restored, "SELECT note FROM restored WHERE id = 2000"))
                    .isEqualTo("after the restore");
            assertThat(restored.log()).contains("redo done at");
            // And it keeps them over a crash: the restored data directory is a normal one now.
            restored.kill();
            restored.start();
            assertThat(queryValue(restored, "SELECT count(*) FROM restored")).isEqualTo("1001");
        }
    }

    @Test
    void theArchiveExtractsStraightFromTheSocket() throws Exception {
        PostgresServer pg = PG.server();
        Path dataDir = scratch.resolve("streamed");
        AtomicReference<DataDirectoryExtractor.Stats> stats = new AtomicReference<>();
        BaseBackupResult result;
        try (PgReplicationConnection c = connect(pg)) {
            result = c.baseBackup(
                    BaseBackupOptions.defaults("streamed"),
                    (name, in) -> stats.set(new DataDirectoryExtractor(pg.osUser()).extract(in, dataDir)));
        }
        // tar headers and padding account for the difference
        assertThat(stats.get().bytes()).isBetween(result.bytes() / 2, result.bytes());
        assertThat(stats.get().files()).isGreaterThan(900);
        assertThat(Files.size(dataDir.resolve("global/pg_control"))).isEqualTo(8192);
        assertThat(Files.readString(dataDir.resolve("backup_label"))).contains("LABEL: streamed\n");
        assertThat(dataDir.resolve("pg_wal/archive_status")).isDirectory();
        try (var walFiles = Files.list(dataDir.resolve("pg_wal"))) {
            assertThat(walFiles).containsExactly(dataDir.resolve("pg_wal/archive_status"));
        }
    }

    @Test
    void aConsumerThatStopsEarlyGetsTheRestDrained() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            AtomicReference<Throwable> commandInsideConsumer = new AtomicReference<>();
            BaseBackupResult result = c.baseBackup(BaseBackupOptions.defaults("early"), (name, in) -> {
                assertThat(in.readNBytes(100)).hasSize(100);
                try {
                    c.identifySystem();
                } catch (IllegalStateException e) {
                    commandInsideConsumer.set(e);
                }
                in.close();
                assertThatThrownBy(in::read).isInstanceOf(IOException.class);
            });
            assertThat(commandInsideConsumer.get()).hasMessageContaining("taking a base backup");
            assertThat(result.bytes()).isGreaterThan(1_000_000);
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(1);

            // and the connection takes another one
            AtomicReference<InputStream> escaped = new AtomicReference<>();
            BaseBackupResult again = c.baseBackup(
                    BaseBackupOptions.defaults("again").withFastCheckpoint(false), (name, in) -> escaped.set(in));
            assertThat(again.startLsn()).isGreaterThan(result.startLsn());
            assertThatThrownBy(() -> escaped.get().read())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("accept");
        }
    }

    @Test
    void aConsumerThatFailsClosesTheConnectionAndTheServerAbortsTheBackup() throws Exception {
        PostgresServer pg = PG.server();
        try (PgReplicationConnection c = connect(pg)) {
            IOException diskFull = new IOException("disk full");
            assertThatThrownBy(() -> c.baseBackup(BaseBackupOptions.defaults("failing"), (name, in) -> {
                        in.readNBytes(64 * 1024);
                        throw diskFull;
                    }))
                    .isSameAs(diskFull);
            assertThat(c.isOpen()).isFalse();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "0".equals(queryValue(pg, "SELECT count(*) FROM pg_stat_progress_basebackup")));
    }

    @Test
    void aTooLongLabelIsRefusedBeforeTheCopyAndLeavesTheConnectionUsable() throws Exception {
        try (PgReplicationConnection c = connect(PG.server())) {
            AtomicBoolean called = new AtomicBoolean();
            assertThatThrownBy(() ->
                            c.baseBackup(BaseBackupOptions.defaults("x".repeat(1025)), (name, in) -> called.set(true)))
                    .isInstanceOfSatisfying(PgServerException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("22023");
                        assertThat(e.serverMessage()).contains("backup label too long");
                    });
            assertThat(called).isFalse();
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void labelsWithLineBreaksAreRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> BaseBackupOptions.defaults("two\nlines")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableFileFailsTheBackupMidCopyAndLeavesTheConnectionUsable() throws Exception {
        PostgresServer pg = PG.server();
        Path unreadable = pg.dataDir().resolve("base").resolve("unreadable_by_postgres");
        Files.writeString(unreadable, "secret");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        try (PgReplicationConnection c = connect(pg)) {
            List<String> readBeforeTheError = new ArrayList<>();
            AtomicReference<IOException> seenByConsumer = new AtomicReference<>();
            assertThatThrownBy(() -> c.baseBackup(BaseBackupOptions.defaults("unreadable"), (name, in) -> {
                        TarArchiveInputStream tar = new TarArchiveInputStream(in);
                        try {
                            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                                readBeforeTheError.add(e.getName());
                            }
                        } catch (IOException e) {
                            seenByConsumer.set(e);
                            throw e;
                        }
                    }))
                    .isInstanceOfSatisfying(PgServerException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("42501");
                        assertThat(e.serverMessage()).contains("unreadable_by_postgres");
                    });
            assertThat(seenByConsumer.get()).isInstanceOf(PgServerException.class);
            assertThat(readBeforeTheError).first().isEqualTo("backup_label");
            assertThat(c.isOpen()).isTrue();
            assertThat(c.identifySystem().timeline()).isEqualTo(1);
        } finally {
            Files.delete(unreadable);
        }
    }

    @Test
    void tablespacesAreRefusedAndCloseTheConnection() throws Exception {
        try (PostgresServer pg = PostgresServer.builder()
                .name("tablespace")
                .setting("wal_level", "replica")
                .start()) {
            Path location = pg.osUser().prepareDirectory(pg.baseDir().resolve("tablespace"));
            execute(pg, "CREATE TABLESPACE elsewhere LOCATION '" + location + "'");
            try (PgReplicationConnection c = connect(pg)) {
                AtomicBoolean called = new AtomicBoolean();
                assertThatThrownBy(() -> c.baseBackup(BaseBackupOptions.defaults("ts"), (name, in) -> called.set(true)))
                        .isInstanceOf(PgProtocolException.class)
                        .hasMessageContaining("tablespaces")
                        .hasMessageContaining(location.toString());
                assertThat(called).isFalse();
                assertThat(c.isOpen()).isFalse();
            }
        }
    }

    private static WalSegmentName segmentOf(PostgresServer pg, Lsn lsn) throws Exception {
        int segmentSize = Integer.parseInt(queryValue(
                pg,
                "SELECT setting::int * CASE unit WHEN 'B' THEN 1 WHEN 'MB' THEN 1048576 END"
                        + " FROM pg_settings WHERE name = 'wal_segment_size'"));
        return WalSegmentName.of(1, Long.divideUnsigned(lsn.value(), segmentSize), segmentSize);
    }
}
