package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.storagenode.layer.CommitEntry;
import dev.xenon.storagenode.layer.DeltaLayerName;
import dev.xenon.storagenode.layer.ImageLayerName;
import dev.xenon.storagenode.layer.LayerName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One branch's history on this node: its layers, the WAL ingested but not yet written out (the
 * {@link OpenLayer}), and where it stands.
 *
 * <p>Positions: {@code lastRecordLsn} is the end of the last WAL record ingested (the open layer's
 * end); {@code diskConsistentLsn} the end of the WAL written to delta layers (the open layer's
 * start); {@code remoteConsistentLsn} the end of the WAL whose layers and index are in remote
 * storage. A delta layer's end is always a record boundary.
 *
 * <p>Thread-safety: state changes are serialised on this object (ingest, image creation and GC of
 * one timeline may run at once) and published as one immutable {@link State}; readers take {@link
 * #state()} without locking and see a consistent snapshot that stays readable.
 */
public final class Timeline {

    /**
     * A consistent snapshot.
     *
     * @param deltas delta layers, ordered by start LSN (contiguous from the oldest kept)
     * @param images image layers, ordered by end LSN
     */
    public record State(
            List<LayerDescriptor> deltas,
            List<LayerDescriptor> images,
            OpenLayer open,
            Lsn remoteConsistentLsn,
            Lsn gcCutoffLsn) {

        public Lsn lastRecordLsn() {
            return open.end();
        }

        public Lsn diskConsistentLsn() {
            return open.start();
        }

        public List<LayerDescriptor> layers() {
            List<LayerDescriptor> all = new ArrayList<>(images);
            all.addAll(deltas);
            return all;
        }

        public long layerBytes() {
            return layers().stream().mapToLong(LayerDescriptor::size).sum();
        }

        /** The newest image whose backup end is at most {@code lsn}. */
        public Optional<LayerDescriptor> newestImageAtOrBefore(Lsn lsn) {
            LayerDescriptor best = null;
            for (LayerDescriptor d : images) {
                if (!d.layerName().end().isAfter(lsn)) {
                    best = d;
                }
            }
            return Optional.ofNullable(best);
        }
    }

    private final TimelineMetadata metadata;
    private final Timeline ancestor;
    private volatile State state;
    private volatile ComputeConnection compute;
    private volatile Lsn computeAttachedAt = Lsn.INVALID;
    private final Object indexLock = new Object();
    /** Not active at creation or load: a branch nobody starts is idle from the beginning. */
    private volatile long lastInterestNanos =
            System.nanoTime() - java.time.Duration.ofDays(1).toNanos();

    private volatile boolean deleted;

    private Timeline(TimelineMetadata metadata, Timeline ancestor, State state) {
        if (metadata.hasAncestor() && (ancestor == null || !ancestor.id().equals(metadata.ancestorTimelineId()))) {
            throw new IllegalArgumentException(
                    "timeline " + metadata.timelineId() + " needs its ancestor " + metadata.ancestorTimelineId());
        }
        this.metadata = metadata;
        this.ancestor = ancestor;
        this.state = state;
    }

    /** A timeline as its index describes it; everything listed is in remote storage. */
    public static Timeline fromIndex(TimelineIndex index, Timeline ancestor) {
        List<LayerDescriptor> deltas = new ArrayList<>();
        List<LayerDescriptor> images = new ArrayList<>();
        for (LayerDescriptor d : index.layers()) {
            (d.layerName() instanceof DeltaLayerName ? deltas : images).add(d);
        }
        deltas.sort(BY_START);
        images.sort(BY_END);
        State s = new State(
                List.copyOf(deltas),
                List.copyOf(images),
                OpenLayer.empty(index.lastRecordLsn()),
                index.lastRecordLsn(),
                index.gcCutoffLsn());
        return new Timeline(index.metadata(), ancestor, s);
    }

    private static final Comparator<LayerDescriptor> BY_START =
            Comparator.comparing(d -> d.layerName().start());
    private static final Comparator<LayerDescriptor> BY_END = Comparator.comparing(
                    (LayerDescriptor d) -> d.layerName().end())
            .thenComparing(d -> d.layerName().start());

    public TimelineMetadata metadata() {
        return metadata;
    }

    public TenantId tenantId() {
        return metadata.tenantId();
    }

    public TimelineId id() {
        return metadata.timelineId();
    }

    /** The parent branch, or null. */
    public Timeline ancestor() {
        return ancestor;
    }

    public State state() {
        return state;
    }

    public Lsn lastRecordLsn() {
        return state.lastRecordLsn();
    }

    /** The running compute of this timeline, if the control plane registered one (images come from it). */
    public Optional<ComputeConnection> compute() {
        return Optional.ofNullable(compute);
    }

    public void setCompute(ComputeConnection compute) {
        this.computeAttachedAt = state.lastRecordLsn();
        this.compute = compute;
        touch();
    }

    /**
     * Whether the attached compute's WAL has reached this node: ingest passed the last record it
     * had when the compute was attached, so a majority of WAL nodes streams from the compute. Until
     * then a {@code BASE_BACKUP} of the compute is not taken: its checkpoint may recycle WAL segments
     * the WAL nodes have not streamed yet (the compute has no slots for them).
     */
    public boolean computeStreams() {
        return compute != null && state.lastRecordLsn().isAfter(computeAttachedAt);
    }

    /** Someone uses this timeline (API calls): ingest keeps polling the WAL nodes for it promptly. */
    public void touch() {
        lastInterestNanos = System.nanoTime();
    }

    /** Whether a compute is attached or the timeline was used within {@code window}. */
    public boolean isActive(java.time.Duration window) {
        return compute != null || System.nanoTime() - lastInterestNanos < window.toNanos();
    }

    /** Held while this timeline's index is uploaded. */
    Object indexLock() {
        return indexLock;
    }

    /** Deleted: its index is never uploaded again (an upload in flight finishes first). */
    void markDeleted() {
        synchronized (indexLock) {
            deleted = true;
        }
    }

    boolean isDeleted() {
        return deleted;
    }

    /** The index to persist: only what is written to layer files. */
    public synchronized TimelineIndex toIndex() {
        State s = state;
        return new TimelineIndex(
                TimelineIndex.FORMAT_VERSION, metadata, s.diskConsistentLsn(), s.layers(), s.gcCutoffLsn());
    }

    /** Ingest: whole records {@code [lastRecordLsn, lastRecordLsn + len)} and the commits in them. */
    public synchronized void appendWal(byte[] wal, int off, int len, List<CommitEntry> commits) {
        State s = state;
        state = new State(
                s.deltas(),
                s.images(),
                s.open().append(wal, off, len, commits),
                s.remoteConsistentLsn(),
                s.gcCutoffLsn());
    }

    /** Ingest wrote the open layer's first bytes up to {@code delta}'s end to a delta layer file. */
    public synchronized void deltaWritten(LayerDescriptor delta) {
        State s = state;
        LayerName name = delta.layerName();
        if (!name.start().equals(s.open().start())
                || name.end().isAfter(s.open().end())) {
            throw new IllegalStateException("delta " + name + " does not cover the open layer's start "
                    + s.open().start() + " on timeline " + id());
        }
        OpenLayer rest = OpenLayer.empty(name.end());
        if (name.end().isBefore(s.open().end())) {
            int from = (int) name.end().minus(s.open().start());
            rest = rest.append(
                    s.open().buffer(),
                    from,
                    s.open().length() - from,
                    s.open().commitList().stream()
                            .filter(c -> c.end().isAfter(name.end()))
                            .toList());
        }
        List<LayerDescriptor> deltas = new ArrayList<>(s.deltas());
        deltas.add(delta);
        state = new State(List.copyOf(deltas), s.images(), rest, s.remoteConsistentLsn(), s.gcCutoffLsn());
    }

    public synchronized void imageWritten(LayerDescriptor image) {
        State s = state;
        List<LayerDescriptor> images = new ArrayList<>(s.images());
        images.add(image);
        images.sort(BY_END);
        state = new State(s.deltas(), List.copyOf(images), s.open(), s.remoteConsistentLsn(), s.gcCutoffLsn());
    }

    /** Every layer up to {@code lsn} and an index listing them are in remote storage. */
    public synchronized void remoteConsistent(Lsn lsn) {
        State s = state;
        if (lsn.isAfter(s.remoteConsistentLsn())) {
            state = new State(s.deltas(), s.images(), s.open(), lsn, s.gcCutoffLsn());
        }
    }

    /** GC removed {@code names}; history before {@code cutoff} is no longer served. */
    public synchronized void layersRemoved(Set<String> names, Lsn cutoff) {
        State s = state;
        state = new State(
                s.deltas().stream().filter(d -> !names.contains(d.name())).toList(),
                s.images().stream().filter(d -> !names.contains(d.name())).toList(),
                s.open(),
                s.remoteConsistentLsn(),
                Lsn.max(cutoff, s.gcCutoffLsn()));
    }

    /** Newest image of this timeline or, before its branch point, of its ancestors, with end ≤ {@code lsn}. */
    public Optional<ImageChoice> imageFor(Lsn lsn) {
        Optional<LayerDescriptor> own = state.newestImageAtOrBefore(lsn);
        if (own.isPresent()) {
            return Optional.of(new ImageChoice(this, own.get()));
        }
        if (ancestor == null) {
            return Optional.empty();
        }
        return ancestor.imageFor(Lsn.min(lsn, metadata.ancestorLsn()));
    }

    /** An image and the timeline that owns it. */
    public record ImageChoice(Timeline owner, LayerDescriptor image) {
        public ImageLayerName name() {
            return (ImageLayerName) image.layerName();
        }
    }

    @Override
    public String toString() {
        return "timeline " + metadata.tenantId() + "/" + metadata.timelineId();
    }
}
