package dev.xenon.console.branch;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.console.config.PlatformProperties;
import dev.xenon.console.system.ConsoleProperties;
import dev.xenon.web.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What the WAL nodes committed of a timeline, and the wait until the storage node has ingested it.
 *
 * <p>A commit returns to the client once a majority of WAL nodes flushed it; the storage node reads
 * it from them a moment later (it polls). A branch point taken from the storage node alone — the
 * parent's head, an LSN a client just read with {@code pg_current_wal_lsn()}, the LSN of a
 * timestamp — would miss those commits or be refused. So every branch point first waits here until
 * the storage node has ingested what a majority of WAL nodes flushed (the highest such LSN: the
 * committed LSN, a record boundary).
 *
 * <p>Thread-safe.
 */
@Component
class CommittedWal {

    private final StorageNodeClient storage;
    private final List<WalNodeClient> walNodes;
    private final Duration timeout;

    @Autowired
    CommittedWal(StorageNodeClient storage, PlatformProperties platform, ConsoleProperties console) {
        this(
                storage,
                platform.walNodes().stream()
                        .map(u -> new WalNodeClient(u, Duration.ofSeconds(10)))
                        .toList(),
                console.ingestWaitTimeout());
    }

    CommittedWal(StorageNodeClient storage, List<WalNodeClient> walNodes, Duration timeout) {
        this.storage = storage;
        this.walNodes = List.copyOf(walNodes);
        this.timeout = timeout;
    }

    /**
     * The highest LSN a majority of the WAL nodes flushed for the timeline; {@link Lsn#INVALID} when
     * no majority holds any of its WAL (no compute ever streamed to them).
     */
    Lsn committed(TimelineId timeline) {
        List<Lsn> flushed = new ArrayList<>();
        for (WalNodeClient node : walNodes) {
            try {
                Lsn lsn = node.status(timeline).flushLsn();
                flushed.add(lsn == null ? Lsn.INVALID : lsn);
            } catch (RuntimeException e) {
                flushed.add(Lsn.INVALID); // unknown timeline or node down: holds nothing we can count on
            }
        }
        if (flushed.isEmpty()) {
            return Lsn.INVALID;
        }
        flushed.sort(Comparator.reverseOrder());
        return flushed.get(flushed.size() / 2);
    }

    /** Waits until the storage node has ingested everything the WAL nodes committed of the timeline. */
    void awaitIngestedHead(TenantId tenant, TimelineId timeline) {
        Lsn committed = committed(timeline);
        if (committed.isValid()) {
            awaitIngested(tenant, timeline, committed);
        }
    }

    /**
     * Waits until the storage node has ingested the timeline up to {@code lsn}.
     *
     * @throws IngestTimeoutException when it has not within the timeout
     */
    void awaitIngested(TenantId tenant, TimelineId timeline, Lsn lsn) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Lsn last;
        while ((last = storage.timeline(tenant, timeline).lastRecordLsn()).isBefore(lsn)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IngestTimeoutException("the storage node ingested timeline " + timeline + " only up to "
                        + last + ", not " + lsn + ", within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestTimeoutException("interrupted while waiting for the ingest of " + timeline);
            }
        }
    }

    /** The storage node did not ingest committed WAL in time: 503, retry later. */
    static final class IngestTimeoutException extends ApiException {
        IngestTimeoutException(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 503;
        }

        @Override
        public String code() {
            return "STORAGE_NODE_BEHIND";
        }
    }
}
