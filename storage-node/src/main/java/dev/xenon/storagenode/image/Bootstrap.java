package dev.xenon.storagenode.image;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.common.pgwire.BaseBackupOptions;
import dev.xenon.common.pgwire.BaseBackupResult;
import dev.xenon.common.pgwire.ConnectOptions;
import dev.xenon.common.pgwire.PgReplicationConnection;
import dev.xenon.common.postgres.ComputeConventions;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresNotFoundException;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.wal.ByteArrayWalSource;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.CommitEntry;
import dev.xenon.storagenode.layer.DeltaLayerWriter;
import dev.xenon.storagenode.layer.ImageLayerWriter;
import dev.xenon.storagenode.layer.WrittenLayer;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.web.BadRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Bootstraps a timeline without an ancestor: {@code initdb} with the requested major version into
 * scratch space, a short-lived Postgres on it (loopback only, {@code fsync=off}: nothing of it is
 * kept but what is written to layers below), a {@code BASE_BACKUP} of it as the first image layer,
 * and its WAL from the start of the backup's first segment to the backup's end as the first delta
 * layer. The timeline's last record is the backup end; its first compute starts there.
 *
 * <p>The image is an online base backup (it carries {@code backup_label}); a copy of the stopped
 * data directory would not be a valid image (see {@code POSTGRES-FACTS.md}). Its superuser is
 * {@value #SUPERUSER}, trusted over the local socket only; whoever starts a compute sets
 * passwords and {@code pg_hba.conf}.
 */
@Component
public class Bootstrap {

    public static final String SUPERUSER = ComputeConventions.ADMIN_ROLE;
    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

    /** The first layers of a new timeline, written into its local directory. */
    public record Result(
            LayerDescriptor image, LayerDescriptor delta, Lsn walStart, Lsn lastRecordLsn, int pgVersion) {}

    private final StorageNodeProperties properties;
    private final LayerCache cache;

    public Bootstrap(StorageNodeProperties properties, LayerCache cache) {
        this.properties = properties;
        this.cache = cache;
    }

    public Result run(TenantId tenant, TimelineId timeline, Integer pgVersion) throws IOException {
        PostgresInstallation installation = installation(pgVersion);
        PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
        long started = System.nanoTime();
        Path work = properties.dataDir().toAbsolutePath().resolve("tmp").resolve("bootstrap-" + timeline);
        deleteRecursively(work);
        Files.createDirectories(work);
        osUser.prepareDirectory(work);
        Path data = work.resolve("data");
        Path layers = cache.timelineDir(tenant, timeline);
        Files.createDirectories(layers);
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        PostgresProcess.initdb(installation, osUser, data, SUPERUSER, password, true);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        // TCP only: a socket path under a deep data directory would exceed the 107-byte limit
        settings.put("unix_socket_directories", "");
        settings.put("fsync", "off");
        settings.put("wal_level", "replica");
        settings.put("shared_buffers", "16MB");
        PostgresProcess postgres = new PostgresProcess(
                installation, osUser, data, work.resolve("postgres.log"), LoopbackPorts.free(), settings);
        postgres.start(Duration.ofSeconds(60));
        long logicalSize;
        BaseBackupResult backup;
        byte[] wal;
        WrittenLayer image;
        try (ImageLayerWriter writer = new ImageLayerWriter(layers, timeline, null, null)) {
            try (PgReplicationConnection connection = PgReplicationConnection.connect(
                    ConnectOptions.of("127.0.0.1", postgres.port(), SUPERUSER, password))) {
                backup = connection.baseBackup(
                        BaseBackupOptions.defaults("xenon bootstrap " + timeline), (name, tar) -> writer.addTar(tar));
                // read before the server stops: its shutdown checkpoint recycles the backup's segments
                wal = readWal(
                        data.resolve("pg_wal"),
                        backup.startLsn().segmentStart(properties.segmentSize()),
                        backup.endLsn());
            } finally {
                postgres.stop(Duration.ofSeconds(30));
            }
            image = writer.finish(backup.startLsn(), backup.endLsn());
            logicalSize = writer.stats().logicalBytes();
        }
        Lsn walStart = backup.startLsn().segmentStart(properties.segmentSize());
        List<CommitEntry> commits = decode(wal, walStart, backup.endLsn());
        WrittenLayer delta = DeltaLayerWriter.write(layers, walStart, wal, wal.length, commits);
        deleteRecursively(work);
        log.info(
                "bootstrapped {}/{} with PostgreSQL {}: image {} ({} bytes), WAL {}..{}, in {} ms",
                tenant,
                timeline,
                installation.majorVersion(),
                image.name(),
                image.size(),
                walStart,
                backup.endLsn(),
                (System.nanoTime() - started) / 1_000_000);
        return new Result(
                new LayerDescriptor(image.name().toString(), image.size(), image.crc32c(), logicalSize),
                new LayerDescriptor(delta.name().toString(), delta.size(), delta.crc32c(), wal.length),
                walStart,
                backup.endLsn(),
                installation.majorVersion());
    }

    private static PostgresInstallation installation(Integer pgVersion) {
        if (pgVersion != null && !PostgresInstallation.SUPPORTED_MAJOR_VERSIONS.contains(pgVersion)) {
            throw new BadRequestException(
                    "pg_version",
                    "pg_version " + pgVersion + " is not supported; supported: "
                            + PostgresInstallation.SUPPORTED_MAJOR_VERSIONS);
        }
        try {
            return PostgresInstallation.fromEnvironment(pgVersion);
        } catch (PostgresNotFoundException e) {
            throw new BadRequestException("pg_version", e.getMessage());
        }
    }

    /** The WAL bytes {@code [from, to)} from a stopped server's {@code pg_wal} (Postgres timeline 1). */
    private byte[] readWal(Path pgWal, Lsn from, Lsn to) throws IOException {
        int segmentSize = properties.segmentSize();
        byte[] out = new byte[Math.toIntExact(to.minus(from))];
        int done = 0;
        for (Lsn seg = from; seg.isBefore(to); seg = seg.plus(segmentSize)) {
            Path file = pgWal.resolve(seg.segmentFileName(1, segmentSize));
            int n = (int) Math.min(segmentSize, to.minus(seg));
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(out, done, n);
                while (buf.hasRemaining()) {
                    if (channel.read(buf) < 0) {
                        throw new IOException(file + " ends before " + to);
                    }
                }
            }
            done += n;
        }
        return out;
    }

    private List<CommitEntry> decode(byte[] wal, Lsn from, Lsn end) throws IOException {
        WalRecordScanner scanner = new WalRecordScanner(
                new ByteArrayWalSource(from, wal), properties.segmentSize(), from, WalScanOptions.defaults());
        List<CommitEntry> commits = new ArrayList<>();
        Optional<WalRecord> record;
        while ((record = scanner.next(end)).isPresent()) {
            if (record.get().isCommit()) {
                WalRecord r = record.get();
                commits.add(new CommitEntry(r.end(), r.commitTimestamp().orElseThrow(), r.xid()));
            }
        }
        if (!scanner.endLsn().equals(end)) {
            throw new IOException("the bootstrap WAL is valid only up to " + scanner.endLsn()
                    + ", not to the backup end " + end + ": " + scanner.endReason() + " " + scanner.endDetail());
        }
        return commits;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
