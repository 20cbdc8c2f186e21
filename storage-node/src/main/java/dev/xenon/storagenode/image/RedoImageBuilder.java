package dev.xenon.storagenode.image;

import dev.xenon.common.Lsn;
import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.common.pgwire.BaseBackupOptions;
import dev.xenon.common.pgwire.BaseBackupResult;
import dev.xenon.common.pgwire.ConnectOptions;
import dev.xenon.common.pgwire.PgReplicationConnection;
import dev.xenon.common.postgres.DataDirectoryExtractor;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.wal.ResourceManagers;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.basebackup.BasebackupWriter;
import dev.xenon.storagenode.layer.ImageLayerFile;
import dev.xenon.storagenode.layer.ImageLayerWriter;
import dev.xenon.storagenode.layer.LayerRef;
import dev.xenon.storagenode.layer.WrittenLayer;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes an image of a timeline that has no running compute: a redo Postgres on this node replays
 * the timeline's WAL on top of its newest image, as a hot standby, and a {@code BASE_BACKUP} of
 * that standby becomes the new image.
 *
 * <p>Why a standby: a server that finished recovery writes WAL of its own (an end-of-recovery
 * checkpoint, the backup's records) that is not in the timeline's history, so an image taken from
 * it would need WAL no one has. A standby writes none: its backup starts at the last restartpoint
 * (a checkpoint record of the timeline's WAL) and ends where replay is, both within the history.
 *
 * <p>Steps: the basebackup tar at the last record is extracted into scratch space with {@code
 * standby.signal}; the standby runs on loopback with a private {@code hba_file} (outside the data
 * directory, so the image keeps the timeline's own {@code pg_hba.conf}) that trusts only
 * replication connections of {@value Bootstrap#SUPERUSER} from 127.0.0.1, and with the limits a hot
 * standby must at least match ({@code max_connections} and the rest: the highest of {@code
 * pg_controldata} and every {@code XLOG_PARAMETER_CHANGE} record in the WAL it replays); once {@code IDENTIFY_SYSTEM} reports replay at the last record, the base backup
 * is written as an image deduplicated against the previous one, without {@code standby.signal}.
 */
@Component
public class RedoImageBuilder {

    private static final Logger log = LoggerFactory.getLogger(RedoImageBuilder.class);
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    /** {@code pg_controldata} lines whose values the standby must at least match. */
    private static final Map<String, String> CONTROL_SETTINGS = Map.of(
            "max_connections setting", "max_connections",
            "max_worker_processes setting", "max_worker_processes",
            "max_wal_senders setting", "max_wal_senders",
            "max_prepared_xacts setting", "max_prepared_transactions",
            "max_locks_per_xact setting", "max_locks_per_transaction");

    private final StorageNodeProperties properties;
    private final LayerCache cache;
    private final BasebackupWriter basebackups;

    public RedoImageBuilder(StorageNodeProperties properties, LayerCache cache, BasebackupWriter basebackups) {
        this.properties = properties;
        this.cache = cache;
        this.basebackups = basebackups;
    }

    /** Writes the image file; the caller publishes it. */
    ImageBuilder.Taken take(Timeline timeline) throws IOException {
        long started = System.nanoTime();
        Lsn target = timeline.lastRecordLsn();
        BasebackupWriter.Plan plan = basebackups.plan(timeline, target);
        PostgresInstallation installation =
                PostgresInstallation.fromEnvironment(timeline.metadata().pgVersion());
        PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
        Path work = properties.dataDir().toAbsolutePath().resolve("tmp").resolve("redo-" + timeline.id());
        Bootstrap.deleteRecursively(work);
        Files.createDirectories(work);
        try {
            Path tar = work.resolve("basebackup.tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                basebackups.write(plan, out);
            }
            Path data = work.resolve("data");
            try (InputStream in = Files.newInputStream(tar)) {
                new DataDirectoryExtractor(osUser)
                        .extract(in, data, dir -> Files.writeString(dir.resolve("standby.signal"), ""));
            }
            Files.delete(tar);
            Path hba = work.resolve("redo_hba.conf");
            Files.writeString(hba, "host replication " + Bootstrap.SUPERUSER + " 127.0.0.1/32 trust\n");
            osUser.prepareDirectory(work);
            Map<String, String> settings = new LinkedHashMap<>(controlSettings(installation, osUser, data));
            raiseToWalParameterChanges(plan, settings);
            settings.put("listen_addresses", "127.0.0.1");
            settings.put("unix_socket_directories", "");
            settings.put("hba_file", hba.toString());
            settings.put("hot_standby", "on");
            settings.put("fsync", "off");
            settings.put("shared_buffers", "32MB");
            settings.put("primary_conninfo", "");
            settings.put("restore_command", "");
            settings.put("archive_mode", "off");
            int port = LoopbackPorts.free();
            PostgresProcess postgres =
                    new PostgresProcess(installation, osUser, data, work.resolve("postgres.log"), port, settings);
            log.info(
                    "{}: redo Postgres replays from image {} to {}",
                    timeline,
                    plan.image().name(),
                    target);
            postgres.start(Duration.ofMinutes(10), "database system is ready to accept read-only connections");
            try (PgReplicationConnection connection =
                    PgReplicationConnection.connect(ConnectOptions.of("127.0.0.1", port, Bootstrap.SUPERUSER, ""))) {
                awaitReplay(timeline, postgres, connection, target);
                Timeline.ImageChoice previous = plan.image();
                try (LayerCache.Lease<ImageLayerFile> previousFile = cache.image(
                                previous.owner().tenantId(), previous.owner().id(), previous.image());
                        ImageLayerWriter writer = new ImageLayerWriter(
                                cache.timelineDir(timeline.tenantId(), timeline.id()),
                                timeline.id(),
                                previousFile.file(),
                                new LayerRef(previous.owner().id(), previous.name()))) {
                    BaseBackupResult backup = connection.baseBackup(
                            BaseBackupOptions.defaults("xenon redo image " + timeline.id()),
                            (name, archive) -> writer.addTar(archive, path -> !path.equals("standby.signal")));
                    WrittenLayer written = writer.finish(backup.startLsn(), backup.endLsn());
                    log.info(
                            "{}: redo image {} ({} of {} blocks new) in {} ms",
                            timeline,
                            written.name(),
                            writer.stats().newBlocks(),
                            writer.stats().blocks(),
                            (System.nanoTime() - started) / 1_000_000);
                    return new ImageBuilder.Taken(written, writer.stats());
                }
            } finally {
                postgres.stop(Duration.ofSeconds(60));
            }
        } finally {
            Bootstrap.deleteRecursively(work);
        }
    }

    /** Waits until the standby has replayed up to {@code target} ({@code IDENTIFY_SYSTEM} on a standby reports replay). */
    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static void awaitReplay(
            Timeline timeline, PostgresProcess postgres, PgReplicationConnection connection, Lsn target)
            throws IOException {
        long deadline = System.nanoTime() + REPLAY_TIMEOUT.toNanos();
        long lastLog = System.nanoTime();
        Lsn start = null;
        while (true) {
            Lsn at = connection.identifySystem().xlogPos();
            if (start == null) {
                start = at;
            }
            if (!at.isBefore(target)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "redo of " + timeline + " reached only " + at + " of " + target + " in " + REPLAY_TIMEOUT);
            }
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                long total = Math.max(1, target.minus(start));
                log.info("{}: redo at {} of {} ({}%)", timeline, at, target, 100 * at.minus(start) / total);
                lastLog = System.nanoTime();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the redo of " + timeline, e);
            }
        }
    }

    /**
     * Raises {@code settings} to the values of every {@code XLOG_PARAMETER_CHANGE} record in the WAL
     * the standby will replay: a compute that ran with a higher {@code max_connections} than the
     * image recorded would otherwise pause the standby's recovery for good.
     */
    private void raiseToWalParameterChanges(BasebackupWriter.Plan plan, Map<String, String> settings)
            throws IOException {
        Lsn from = plan.walStart(properties.segmentSize());
        WalRecordScanner scanner = new WalRecordScanner(
                plan.wal(),
                properties.segmentSize(),
                from,
                WalScanOptions.defaults().withReadBodies(true));
        Optional<WalRecord> record;
        while ((record = scanner.next(plan.lsn())).isPresent()) {
            WalRecord r = record.get();
            if (r.rmid() != ResourceManagers.RM_XLOG_ID || r.rmgrInfo() != XLOG_PARAMETER_CHANGE) {
                continue;
            }
            ByteBuffer main = r.mainData();
            // xl_parameter_change: MaxConnections, max_worker_processes, max_wal_senders,
            // max_prepared_xacts, max_locks_per_xact (int32 each), then wal_level, flags
            String[] names = {
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction"
            };
            for (String name : names) {
                int value = main.getInt();
                int current = Integer.parseInt(settings.getOrDefault(name, "0"));
                if (value > current) {
                    settings.put(name, Integer.toString(value));
                }
            }
        }
    }

    private static final int XLOG_PARAMETER_CHANGE = 0x60;

    /** The settings {@code pg_control} records of the primary, which a hot standby must at least match. */
    private static Map<String, String> controlSettings(
            PostgresInstallation installation, PostgresOsUser osUser, Path data) {
        String out = PostgresProcess.runToCompletion(
                osUser.command(List.of(installation.tool("pg_controldata").toString(), data.toString())),
                Duration.ofSeconds(30),
                "pg_controldata of " + data);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : CONTROL_SETTINGS.entrySet()) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(e.getKey()) + ":\\s+(\\d+)")
                    .matcher(out);
            if (m.find()) {
                settings.put(e.getValue(), m.group(1));
            }
        }
        return settings;
    }
}
