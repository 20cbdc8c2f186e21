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

/**
 * What a compute start and stop ask of the data plane: the storage node (timelines, ingest,
 * basebackups, where the compute runs) and the WAL nodes (terms, following a compute, flush
 * positions). Thread-safe (the clients are).
 */
final class DataPlane {

    /** The storage node did not ingest up to an LSN in time. */
    static final class IngestTimeoutException extends RuntimeException {
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
     */
    record StartPoint(Election election, Election.Result result, Lsn startLsn) {}

    private final StorageNodeClient storage;
    private final List<WalNodeClient> walNodes;
    private final Duration ingestTimeout;

    DataPlane(StorageNodeClient storage, List<WalNodeClient> walNodes, Duration ingestTimeout) {
        this.storage = storage;
        this.walNodes = List.copyOf(walNodes);
        this.ingestTimeout = ingestTimeout;
    }

    StorageNodeClient storage() {
        return storage;
    }

    int walNodeCount() {
        return walNodes.size();
    }

    TimelineInfo timeline(TenantId tenant, TimelineId timeline) {
        return storage.timeline(tenant, timeline);
    }

    /** Elects a new term; the start LSN as {@link StartPoint} describes. */
    StartPoint elect(TenantId tenant, TimelineId timeline) {
        Election election = new Election(walNodes);
        Election.Result result = election.elect(timeline, Term.of(1));
        if (!result.isEmpty()) {
            return new StartPoint(election, result, result.startLsn());
        }
        Lsn start = storage.timeline(tenant, timeline).lastRecordLsn();
        return new StartPoint(election, result.startingAt(start.segmentStart(Lsn.DEFAULT_SEGMENT_SIZE)), start);
    }

    /** The elected WAL nodes follow the compute (lagging ones catch up from the donor first). */
    void follow(TimelineId timeline, StartPoint start, ComputeConnection compute) {
        start.election().follow(timeline, start.result(), compute);
    }

    /** Waits until the storage node has ingested the timeline up to {@code lsn}; returns its last record LSN. */
    Lsn awaitIngested(TenantId tenant, TimelineId timeline, Lsn lsn) {
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

    InputStream basebackup(TenantId tenant, TimelineId timeline, Lsn lsn) {
        return storage.basebackup(tenant, timeline, lsn);
    }

    /** The flush LSNs of the WAL nodes, highest first ({@link Lsn#INVALID} for a node that does not answer). */
    List<Lsn> flushLsns(TimelineId timeline) {
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
    static Lsn committed(List<Lsn> flushLsns) {
        return flushLsns.get(flushLsns.size() / 2);
    }
}
