package dev.xenon.testsupport;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.common.walnode.WalNodeClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Starts computes as the control plane does, for tests and benchmarks: a new term on the WAL nodes
 * (the start LSN is the elected one, or the storage node's last record on a timeline the WAL nodes
 * have never seen), the WAL nodes follow it (lagging ones catch up from a peer first), the storage
 * node ingests up to the start, the basebackup at the start is restored, stock Postgres starts on
 * it with quorum commit over the three WAL nodes, and the storage node learns where it runs.
 */
public final class ComputeStarter {

    public static final String SYNC_NAMES = "ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")";

    private final StorageNodeClient storage;
    private final List<WalNodeClient> walNodes;
    private final Path workDir;
    private final Duration ingestTimeout;

    public ComputeStarter(StorageNodeClient storage, List<WalNodeClient> walNodes, Path workDir) {
        this(storage, walNodes, workDir, Duration.ofSeconds(60));
    }

    public ComputeStarter(
            StorageNodeClient storage, List<WalNodeClient> walNodes, Path workDir, Duration ingestTimeout) {
        this.storage = storage;
        this.walNodes = List.copyOf(walNodes);
        this.workDir = workDir;
        this.ingestTimeout = ingestTimeout;
    }

    /** A running compute and where it started. */
    public record Compute(TenantId tenant, TimelineId timeline, Lsn startLsn, PostgresServer postgres) {}

    public Compute start(TenantId tenant, TimelineId timeline, String name) {
        return start(tenant, timeline, name, UnaryOperator.identity());
    }

    /** @param customize extra settings of the compute's {@link PostgresServer.Builder} */
    public Compute start(
            TenantId tenant, TimelineId timeline, String name, UnaryOperator<PostgresServer.Builder> customize) {
        Election election = new Election(walNodes);
        Election.Result result = election.elect(timeline, Term.of(1));
        Lsn start;
        if (result.isEmpty()) {
            start = storage.timeline(tenant, timeline).lastRecordLsn();
            result = result.startingAt(start.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE));
        } else {
            start = result.startLsn();
        }
        int port = FreePorts.next();
        ComputeConnection connection = new ComputeConnection(
                "127.0.0.1", port, PostgresServer.DEFAULT_SUPERUSER, PostgresServer.DEFAULT_PASSWORD);
        election.follow(timeline, result, connection);
        awaitIngested(tenant, timeline, start);
        Path tar = workDir.resolve(name + ".tar");
        try {
            try (InputStream in = storage.basebackup(tenant, timeline, start)) {
                Files.copy(in, tar);
            }
            PostgresServer.Builder builder = PostgresServer.builder()
                    .name(name)
                    .port(port)
                    .restoreFrom(tar)
                    .setting("synchronous_commit", "on")
                    .setting("synchronous_standby_names", SYNC_NAMES)
                    .setting("max_wal_senders", "10")
                    .setting("max_replication_slots", "10");
            PostgresServer postgres = customize.apply(builder).start();
            storage.attachCompute(tenant, timeline, connection);
            return new Compute(tenant, timeline, start, postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the basebackup of " + timeline + " at " + start, e);
        } finally {
            try {
                Files.deleteIfExists(tar);
            } catch (IOException ignored) {
                // scratch file in a test directory
            }
        }
    }

    /**
     * Stops a compute cleanly and waits until the storage node has ingested everything a majority of
     * WAL nodes holds. WAL only one node holds (a shutdown checkpoint streamed to the nodes connected
     * at that moment) is not committed: the next election makes it so or cuts it.
     */
    public void stop(Compute compute) {
        storage.detachCompute(compute.tenant(), compute.timeline());
        compute.postgres().stop();
        awaitIngested(compute.tenant(), compute.timeline(), walNodesCommittedLsn(compute.timeline()));
    }

    /** The highest LSN a majority of the WAL nodes has flushed for a timeline: what is committed. */
    public Lsn walNodesCommittedLsn(TimelineId timeline) {
        List<Lsn> flushed = new java.util.ArrayList<>();
        for (WalNodeClient c : walNodes) {
            try {
                flushed.add(c.status(timeline).flushLsn());
            } catch (RuntimeException e) {
                flushed.add(Lsn.INVALID);
            }
        }
        flushed.sort(java.util.Comparator.reverseOrder());
        return flushed.get(walNodes.size() / 2);
    }

    /** The highest LSN the WAL nodes hold for a timeline ({@link Lsn#INVALID} when none knows it). */
    public Lsn walNodesFlushLsn(TimelineId timeline) {
        Lsn max = Lsn.INVALID;
        for (WalNodeClient c : walNodes) {
            try {
                TimelineStatus s = c.status(timeline);
                max = Lsn.max(max, s.flushLsn());
            } catch (RuntimeException e) {
                // unknown timeline or node down
            }
        }
        return max;
    }

    /** Waits until the storage node has ingested {@code lsn} of the timeline. */
    public void awaitIngested(TenantId tenant, TimelineId timeline, Lsn lsn) {
        long deadline = System.nanoTime() + ingestTimeout.toNanos();
        Lsn last;
        while ((last = storage.timeline(tenant, timeline).lastRecordLsn()).isBefore(lsn)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the storage node ingested " + timeline + " only up to " + last
                        + ", not " + lsn + ", within " + ingestTimeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for ingest of " + timeline, e);
            }
        }
    }
}
