package dev.xenon.storagenode.ingest;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.ByteArrayWalSource;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.common.walnode.WalNodeException;
import dev.xenon.storagenode.StorageNodeProperties;
import dev.xenon.storagenode.layer.CommitEntry;
import dev.xenon.storagenode.layer.DeltaLayerWriter;
import dev.xenon.storagenode.layer.WrittenLayer;
import dev.xenon.storagenode.timeline.IndexStore;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.OpenLayer;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reads committed WAL from the WAL nodes into each timeline, and writes it out as delta layers.
 *
 * <p>Committed: the highest LSN that a majority of WAL nodes report as flushed (each node's flush
 * LSN is the end of its last complete record, so this is a record boundary). Ingest never reads
 * beyond it, so everything it stores was acknowledged by a quorum. WAL is fetched from a node that
 * holds it, preferring the highest term, decoded (record boundaries and commit records with their
 * timestamps) and appended to the timeline's open layer. When the open layer holds {@code
 * checkpoint-distance} bytes, or its oldest byte is {@code checkpoint-timeout} old, it is written as
 * a delta layer, uploaded, the timeline index uploaded after it, and the WAL nodes are told that
 * WAL before it may be removed.
 *
 * <p>Durability: until a layer and the index listing it are in remote storage, the WAL nodes keep
 * that WAL; a crash of this node loses only the open layer, which is read again.
 *
 * <p>Each timeline is ingested by at most one task at a time, on a virtual thread. A timeline with
 * a compute attached, or used through the API in the last {@link #ACTIVE}, is polled every {@code
 * ingest-interval}; any other is polled ever less often while nothing new comes (up to {@link
 * #IDLE_INTERVAL}), so thousands of idle branches do not keep the WAL nodes busy.
 */
@Component
public class WalIngest implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WalIngest.class);
    private static final long MAX_FETCH = 16L * 1024 * 1024;

    private final StorageNodeProperties properties;
    private final Tenants tenants;
    private final LayerCache cache;
    private final IndexStore store;
    private final List<WalNodeClient> walNodes;
    private final Set<Timeline> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter ingestedBytes;
    private final Counter deltaLayers;

    public WalIngest(
            StorageNodeProperties properties,
            Tenants tenants,
            LayerCache cache,
            IndexStore store,
            MeterRegistry metrics) {
        this.properties = properties;
        this.tenants = tenants;
        this.cache = cache;
        this.store = store;
        this.walNodes = properties.walNodes().stream()
                .map(u -> new WalNodeClient(u.toString().replaceAll("/$", ""), Duration.ofSeconds(10)))
                .toList();
        this.ingestedBytes = Counter.builder("xenon_storage_ingested_bytes")
                .description("committed WAL bytes read from the WAL nodes")
                .register(metrics);
        this.deltaLayers = Counter.builder("xenon_storage_delta_layers_written")
                .description("delta layers written and uploaded")
                .register(metrics);
        if (walNodes.isEmpty()) {
            log.warn("no WAL nodes configured (xenon.storage-node.wal-nodes): nothing will be ingested");
        }
    }

    @Scheduled(fixedDelayString = "${xenon.storage-node.ingest-interval:200ms}")
    public void tick() {
        long now = System.nanoTime();
        for (Timeline timeline : tenants.allTimelines()) {
            Poll poll = polls.computeIfAbsent(timeline, t -> new Poll());
            if (now - poll.next < 0 && !timeline.isActive(ACTIVE)) {
                continue;
            }
            if (running.add(timeline)) {
                executor.execute(() -> {
                    boolean progressed = false;
                    try {
                        progressed = ingest(timeline);
                    } catch (RuntimeException | IOException e) {
                        reportFailure(timeline, e);
                    } finally {
                        poll.after(progressed, properties.ingestInterval(), IDLE_INTERVAL);
                        running.remove(timeline);
                    }
                });
            }
        }
    }

    /** A timeline without a compute or API interest is polled ever less often while nothing comes, up to this. */
    static final Duration IDLE_INTERVAL = Duration.ofSeconds(5);

    /** A compute attached, or API use (a compute about to start waits for ingest) within this, keeps polling fast. */
    static final Duration ACTIVE = Duration.ofSeconds(30);

    /** When to poll an idle timeline next: back-off doubling from the ingest interval to {@link #IDLE_INTERVAL}. */
    private static final class Poll {
        volatile long next = System.nanoTime();
        volatile long delayNanos;

        void after(boolean progressed, Duration base, Duration max) {
            delayNanos = progressed ? 0 : Math.min(max.toNanos(), Math.max(base.toNanos(), delayNanos * 2));
            next = System.nanoTime() + delayNanos;
        }
    }

    private final java.util.Map<Timeline, Poll> polls = new ConcurrentHashMap<>();

    private final java.util.Map<Timeline, String> lastFailure = new ConcurrentHashMap<>();

    /** Logs a failure once (with its stack trace) until it changes or ingest succeeds again. */
    private void reportFailure(Timeline timeline, Exception e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!message.equals(lastFailure.put(timeline, message))) {
            log.warn("ingest of {} failed, retrying every {}", timeline, properties.ingestInterval(), e);
        }
    }

    /** One round: fetch what is newly committed, then write out the open layer if it is due; true if WAL came. */
    boolean ingest(Timeline timeline) throws IOException {
        Lsn before = timeline.lastRecordLsn();
        if (!walNodes.isEmpty()) {
            fetchCommitted(timeline);
        }
        if (lastFailure.remove(timeline) != null) {
            log.info("ingest of {} works again", timeline);
        }
        OpenLayer open = timeline.state().open();
        boolean full = open.length() >= properties.checkpointDistance().toBytes();
        boolean old = !open.isEmpty()
                && System.nanoTime() - open.openedNanos()
                        >= properties.checkpointTimeout().toNanos();
        if (full || old) {
            freeze(timeline);
        }
        return timeline.lastRecordLsn().isAfter(before);
    }

    /** Writes the open layer out as a delta layer and uploads it with the timeline index. */
    public synchronized void freeze(Timeline timeline) throws IOException {
        OpenLayer open = timeline.state().open();
        if (open.isEmpty()) {
            return;
        }
        Files.createDirectories(cache.timelineDir(timeline.tenantId(), timeline.id()));
        WrittenLayer written = DeltaLayerWriter.write(
                cache.timelineDir(timeline.tenantId(), timeline.id()),
                open.start(),
                open.buffer(),
                open.length(),
                open.commitList());
        LayerDescriptor descriptor =
                new LayerDescriptor(written.name().toString(), written.size(), written.crc32c(), open.length());
        cache.registerLocal(timeline.tenantId(), timeline.id(), descriptor);
        // Uploaded before the timeline lists it: an index never names a layer remote storage lacks.
        // A failed upload leaves the open layer as it was; the next round writes and uploads again.
        try {
            cache.upload(timeline.tenantId(), timeline.id(), descriptor);
        } catch (IOException | RuntimeException e) {
            cache.forget(timeline.tenantId(), timeline.id(), descriptor.name());
            throw e;
        }
        timeline.deltaWritten(descriptor);
        store.saveIndex(timeline);
        timeline.remoteConsistent(written.name().end());
        deltaLayers.increment();
        log.info("{}: wrote delta layer {} ({} bytes)", timeline, written.name(), written.size());
        allowRemoval(timeline, written.name().end());
    }

    private void allowRemoval(Timeline timeline, Lsn lsn) {
        for (WalNodeClient node : walNodes) {
            try {
                node.removeBefore(timeline.id(), lsn);
            } catch (RuntimeException e) {
                log.debug("{}: WAL node {} did not take remove-before {}: {}", timeline, node, lsn, e.getMessage());
            }
        }
    }

    private record NodeStatus(WalNodeClient node, TimelineStatus status) {}

    private void fetchCommitted(Timeline timeline) throws IOException {
        List<NodeStatus> statuses = new ArrayList<>();
        for (WalNodeClient node : walNodes) {
            try {
                statuses.add(new NodeStatus(node, node.status(timeline.id())));
            } catch (WalNodeException e) {
                if (e.status() != 404) {
                    log.debug("{}: WAL node {} answered {}", timeline, node, e.getMessage());
                }
            } catch (UncheckedIOException e) {
                log.debug("{}: WAL node {} unreachable: {}", timeline, node, e.getMessage());
            }
        }
        int majority = walNodes.size() / 2 + 1;
        if (statuses.size() < majority) {
            return;
        }
        List<Lsn> flushed = statuses.stream()
                .map(s -> s.status().flushLsn())
                .sorted(Comparator.reverseOrder())
                .toList();
        Lsn committed = flushed.get(majority - 1);
        Lsn last = timeline.lastRecordLsn();
        while (committed.isAfter(last)) {
            Lsn target = committed;
            Optional<NodeStatus> source = statuses.stream()
                    .filter(s -> !s.status().flushLsn().isBefore(target)
                            && !s.status().localStartLsn().isAfter(timeline.lastRecordLsn()))
                    .max(Comparator.comparing(
                                    (NodeStatus s) -> s.status().term().value())
                            .thenComparing(s -> s.status().flushLsn()));
            if (source.isEmpty()) {
                log.warn("{}: no WAL node holds the committed WAL from {} to {}", timeline, last, committed);
                return;
            }
            Lsn to = committed.minus(last) > MAX_FETCH ? last.plus(MAX_FETCH) : committed;
            Lsn end = fetchAndAppend(timeline, source.get().node(), last, to, to.equals(committed));
            if (end.equals(last)) {
                if (to.equals(committed)) {
                    throw new IOException("WAL from " + last + " to " + committed + " on "
                            + source.get().node() + " holds no complete record");
                }
                // a record longer than one fetch: read up to the commit point at once
                end = fetchAndAppend(timeline, source.get().node(), last, committed, true);
            }
            last = end;
            // A long backlog is written out as it comes, not held in memory until it is all read.
            if (timeline.state().open().length()
                    >= properties.checkpointDistance().toBytes()) {
                freeze(timeline);
            }
        }
    }

    /**
     * Reads {@code [from, to)} from a WAL node (from the start of {@code from}'s page, whose header
     * the decoder checks), decodes it, and appends its complete records; returns the new end.
     */
    private Lsn fetchAndAppend(Timeline timeline, WalNodeClient node, Lsn from, Lsn to, boolean mustBeComplete)
            throws IOException {
        Lsn page = Lsn.of(from.value() & -(long) Lsn.WAL_PAGE_SIZE);
        byte[] bytes;
        try (InputStream in = node.readWal(timeline.id(), page, to)) {
            bytes = in.readAllBytes();
        }
        int skip = (int) from.minus(page);
        if (bytes.length < skip) {
            throw new IOException(
                    node + " sent " + bytes.length + " bytes of WAL from " + page + ", fewer than " + skip);
        }
        WalRecordScanner scanner = new WalRecordScanner(
                new ByteArrayWalSource(page, bytes), properties.segmentSize(), from, WalScanOptions.defaults());
        List<CommitEntry> commits = new ArrayList<>();
        Optional<WalRecord> record;
        Lsn limit = page.plus(bytes.length);
        while ((record = scanner.next(limit)).isPresent()) {
            WalRecord r = record.get();
            if (r.isCommit()) {
                commits.add(new CommitEntry(r.end(), r.commitTimestamp().orElseThrow(), r.xid()));
            }
        }
        Lsn end = scanner.endLsn();
        if (mustBeComplete && !end.equals(limit)) {
            throw new IOException("committed WAL " + from + ".." + limit + " of " + timeline + " is not valid beyond "
                    + end + ": " + scanner.endReason() + " " + scanner.endDetail());
        }
        int len = (int) end.minus(from);
        if (len > 0) {
            timeline.appendWal(bytes, skip, len, commits);
            ingestedBytes.increment(len);
        }
        return end;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
