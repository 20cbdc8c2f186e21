package dev.xenon.console.compute.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.Election;
import dev.xenon.common.walnode.WalNodeClient;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a compute start and stop ask of the data plane: the storage node (timelines, ingest,
 * basebackups, where the compute runs) and the WAL nodes (terms, following a compute, flush
 * positions). Thread-safe (the clients are). Public for the Kubernetes driver, which takes the same
 * steps around a compute pod.
 */
public final class DataPlane {

    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

    /** The storage node did not ingest up to an LSN in time. */
    public static final class IngestTimeoutException extends RuntimeException {
        IngestTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * A new term on the timeline's WAL nodes.
     *
     * @param election the election, to make its voters follow the compute
     * @param result its result; for a timeline new to the WAL nodes, starting at the segment of
     *     {@code startLsn}
     * @param startLsn where the compute starts: the elected LSN, or the storage node's last record
     *     for a timeline new to the WAL nodes
     * @param lastRecordLsn the storage node's last record right after the election
     */
    public record StartPoint(Election election, Election.Result result, Lsn startLsn, Lsn lastRecordLsn) {

        /** Whether the storage node still lacks WAL up to the start, which lagging WAL nodes must copy first. */
        public boolean storageNodeBehind() {
            return lastRecordLsn.isBefore(startLsn);
        }
    }

    private final StorageNodeClient storage;
    private final List<WalNodeClient> walNodes;
    private final Duration ingestTimeout;

    public DataPlane(StorageNodeClient storage, List<WalNodeClient> walNodes, Duration ingestTimeout) {
        this.storage = storage;
        this.walNodes = List.copyOf(walNodes);
        this.ingestTimeout = ingestTimeout;
    }

    public StorageNodeClient storage() {
        return storage;
    }

    public int walNodeCount() {
        return walNodes.size();
    }

    public TimelineInfo timeline(TenantId tenant, TimelineId timeline) {
        return storage.timeline(tenant, timeline);
    }

    /**
     * Elects a new term; the start LSN as {@link StartPoint} describes, with one correction: when the
     * elected LSN is before the storage node's last record, the compute starts at that last record.
     * That happens when the WAL nodes were told to follow a compute (from the start of the segment
     * holding the timeline's first LSN) that never streamed to them, because its start failed or it
     * stopped before they connected: the storage node's WAL beyond their flush LSN came from the
     * bootstrap or the branch point, never from a compute (what it ingests from WAL nodes, a
     * majority of them holds, so an election never elects less than that), and every compute of the
     * timeline starts from it. The WAL nodes then receive it from the new compute, whose restored
     * {@code pg_wal} holds it, as on a timeline new to them.
     */
    public StartPoint elect(TenantId tenant, TimelineId timeline) {
        Election election = new Election(walNodes);
        Election.Result result = election.elect(timeline, Term.of(1));
        Lsn lastRecord = storage.timeline(tenant, timeline).lastRecordLsn();
        if (result.isEmpty()) {
            return new StartPoint(
                    election,
                    result.startingAt(lastRecord.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE)),
                    lastRecord,
                    lastRecord);
        }
        if (result.startLsn().isBefore(lastRecord)) {
            log.info(
                    "timeline {}: the WAL nodes hold WAL up to {}, the storage node up to {} (bootstrap or branch"
                            + " point, never streamed by a compute): starting there",
                    timeline,
                    result.startLsn(),
                    lastRecord);
            return new StartPoint(election, result, lastRecord, lastRecord);
        }
        return new StartPoint(election, result, result.startLsn(), lastRecord);
    }

    /** The elected WAL nodes follow the compute (lagging ones catch up from the donor first). */
    public void follow(TimelineId timeline, StartPoint start, ComputeConnection compute) {
        start.election().follow(timeline, start.result(), compute);
    }

    /** Waits until the storage node has ingested the timeline up to {@code lsn}; returns its last record LSN. */
    public Lsn awaitIngested(TenantId tenant, TimelineId timeline, Lsn lsn) {
        long deadline = System.nanoTime() + ingestTimeout.toNanos();
        Lsn last;
        while ((last = storage.timeline(tenant, timeline).lastRecordLsn()).isBefore(lsn)) {
            if (System.nanoTime() > deadline) {
                throw new IngestTimeoutException("the storage node ingested timeline " + timeline + " only up to "
                        + last + ", not " + lsn + ", within " + ingestTimeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestTimeoutException("interrupted while waiting for the ingest of " + timeline);
            }
        }
        return last;
    }

    public InputStream basebackup(TenantId tenant, TimelineId timeline, Lsn lsn) {
        return storage.basebackup(tenant, timeline, lsn);
    }

    /** The flush LSNs of the WAL nodes, highest first ({@link Lsn#INVALID} for a node that does not answer). */
    public List<Lsn> flushLsns(TimelineId timeline) {
        List<Lsn> flushed = new ArrayList<>();
        for (WalNodeClient node : walNodes) {
            try {
                flushed.add(node.status(timeline).flushLsn());
            } catch (RuntimeException e) {
                flushed.add(Lsn.INVALID);
            }
        }
        flushed.sort(Comparator.reverseOrder());
        return flushed;
    }

    /** The highest LSN a majority of WAL nodes has flushed, in {@code flushLsns} (highest first): what is committed. */
    public static Lsn committed(List<Lsn> flushLsns) {
        return flushLsns.get(flushLsns.size() / 2);
    }
}
