package dev.xenon.walnode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.pgwire.IdentifySystem;
import dev.xenon.common.walnode.FollowRequest;
import dev.xenon.common.walnode.RemoveBeforeResponse;
import dev.xenon.common.walnode.TermHistory;
import dev.xenon.common.walnode.TermResponse;
import dev.xenon.common.walnode.TimelineStatus;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.walnode.WalNodeProperties;
import dev.xenon.walnode.receiver.WalReceiver;
import dev.xenon.walnode.wal.RecordEndTracker;
import dev.xenon.walnode.wal.SegmentStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timeline on a WAL node: its persisted {@link ControlState}, its WAL ({@link SegmentStore}),
 * the boundary of its last complete record ({@link RecordEndTracker}) and the receiver of the
 * compute it follows.
 *
 * <p>Thread-safety: API operations (term, follow, remove) are serialized on this object; the
 * receiver's threads never take this lock, so an operation may stop the receiver and wait for it.
 */
public final class Timeline implements WalReceiver.Sink {

    private static final Logger log = LoggerFactory.getLogger(Timeline.class);

    private final TimelineId id;
    private final WalNodeProperties props;
    private final ControlFileStore controlFile;
    private final SegmentStore segments;
    private final RecordEndTracker recordEnd;
    private final Counter receivedBytes;
    private final Timer fsyncTimer;
    private volatile ControlState state;
    private volatile WalReceiver receiver;
    private volatile long computeWalEnd;

    private Timeline(
            TimelineId id,
            WalNodeProperties props,
            ControlFileStore controlFile,
            ControlState state,
            SegmentStore segments,
            RecordEndTracker recordEnd,
            MeterRegistry meters) {
        this.id = id;
        this.props = props;
        this.controlFile = controlFile;
        this.state = state;
        this.segments = segments;
        this.recordEnd = recordEnd;
        String tl = id.toString();
        this.receivedBytes = Counter.builder("xenon.walnode.received.bytes")
                .description("WAL bytes received from computes")
                .tag("timeline_id", tl)
                .register(meters);
        this.fsyncTimer = Timer.builder("xenon.walnode.fsync")
                .description("fsync of received WAL before it is acknowledged")
                .tag("timeline_id", tl)
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("xenon.walnode.flush.lsn", this, t ->
                        (double) t.recordEnd.knownEnd().value())
                .description("end of the last complete WAL record fsynced (bytes)")
                .tag("timeline_id", tl)
                .register(meters);
        Gauge.builder("xenon.walnode.lag.bytes", this, t -> (double) t.lagBytes())
                .description("bytes between the compute's WAL end and this node's flush LSN")
                .tag("timeline_id", tl)
                .register(meters);
    }

    /** Creates a new, empty timeline (persisted). */
    static Timeline create(TimelineId id, Path dir, WalNodeProperties props, MeterRegistry meters) throws IOException {
        ControlFileStore cf = new ControlFileStore(dir);
        ControlState state = ControlState.create(id);
        cf.save(state);
        SegmentStore store =
                new SegmentStore(dir.resolve("wal"), state.pgTimelineId(), props.segmentSize(), Lsn.INVALID);
        return new Timeline(id, props, cf, state, store, new RecordEndTracker(store, Lsn.INVALID), meters);
    }

    /**
     * Opens a timeline from disk after a restart: finds the end of valid WAL by scanning records
     * (with CRC checks) from the persisted hint, and cuts a torn or partial last write.
     */
    static Timeline open(TimelineId id, Path dir, WalNodeProperties props, MeterRegistry meters) throws IOException {
        ControlFileStore cf = new ControlFileStore(dir);
        ControlState state = cf.load().orElseThrow(() -> new IOException("no " + ControlFileStore.FILE + " in " + dir));
        Lsn scanFrom = state.recordEndHint().isValid() ? state.recordEndHint() : state.localStartLsn();
        SegmentStore store = new SegmentStore(dir.resolve("wal"), state.pgTimelineId(), props.segmentSize(), scanFrom);
        RecordEndTracker tracker = new RecordEndTracker(store, scanFrom);
        if (!state.isEmpty()) {
            RecordEndTracker.Recovery recovery = tracker.recover();
            if (recovery.discardedBytes() > 0) {
                log.warn(
                        "timeline {}: torn or partial write after {} ({}): {} bytes after the last valid record discarded",
                        id,
                        recovery.end(),
                        recovery.reason(),
                        recovery.discardedBytes());
            }
            store.truncate(recovery.end());
            log.info(
                    "timeline {}: recovered, WAL {}..{}, term {}",
                    id,
                    state.localStartLsn(),
                    recovery.end(),
                    state.term());
        }
        return new Timeline(id, props, cf, state, store, tracker, meters);
    }

    public TimelineId id() {
        return id;
    }

    public ControlState state() {
        return state;
    }

    /** Resumes following the persisted compute after a restart. */
    synchronized void resume() {
        ControlState s = state;
        if (s.followTerm() != null && s.followTerm().equals(s.term()) && s.compute() != null) {
            startReceiver(s);
        }
    }

    /** Accepts a higher term: stops following any older compute, persists, and votes. */
    public synchronized TermResponse acceptTerm(Term term) throws IOException {
        ControlState s = state;
        if (!term.isAfter(s.term())) {
            throw new TermConflictException(id, term, s.term());
        }
        // Fence first: from here on no WAL of an older term is appended or acknowledged.
        ControlState next = s.withTerm(term);
        state = next;
        stopReceiver();
        Lsn flush = flushAndFindRecordEnd();
        next = next.withRecordEndHint(flush);
        controlFile.save(next);
        state = next;
        log.info("timeline {}: accepted term {} (was {}), flush LSN {}", id, term, s.term(), flush);
        return new TermResponse(term, flush, next.termHistory());
    }

    /**
     * Follows the compute elected for the current term: cuts WAL that diverges from the elected
     * history, fetches what is missing up to the start LSN from the donor, then streams.
     */
    public synchronized TimelineStatus follow(FollowRequest request) throws IOException {
        ControlState s = state;
        if (!request.term().equals(s.term())) {
            throw new TermConflictException(id, request.term(), s.term());
        }
        if (request.term().equals(s.followTerm())
                && s.compute() != null
                && !(s.compute().host().equals(request.compute().host())
                        && s.compute().port() == request.compute().port())) {
            // the same term naming a second compute: a stale or forged request, never a writer of its own
            throw new TermTakenException(id, request.term(), s.compute());
        }
        Lsn start = request.startLsn();
        stopReceiver();
        TermHistory elected = request.termHistory() == null ? TermHistory.EMPTY : request.termHistory();
        Lsn localStart = s.localStartLsn();
        if (s.isEmpty()) {
            localStart = start;
            segments.truncate(start);
            recordEnd.reset(start);
            // A new timeline on this node: nothing held yet, so nothing to compare when streaming.
        } else {
            Lsn end = flushAndFindRecordEnd();
            Lsn common = s.termHistory().commonPrefixEnd(end, elected.upTo(start), start);
            if (!common.isValid() || common.isBefore(localStart)) {
                common = localStart;
            }
            if (common.isBefore(end)) {
                log.warn(
                        "timeline {}: WAL {}..{} diverges from the elected history of term {}; cut",
                        id,
                        common,
                        end,
                        request.term());
                segments.truncate(common);
                recordEnd.reset(common);
                end = common;
            }
            if (end.isBefore(start)) {
                fetchFromDonor(request, end, start);
            }
        }
        Lsn reached = flushAndFindRecordEnd();
        if (!reached.equals(start)) {
            throw new RecoveryException("timeline " + id + ": after recovery WAL ends at " + reached
                    + ", not at the elected start " + start);
        }
        ControlState next =
                s.following(request.term(), elected.then(request.term(), start), localStart, start, request.compute());
        controlFile.save(next);
        state = next;
        startReceiver(next);
        return status();
    }

    /** Stops following (clean); the term stays. */
    public synchronized TimelineStatus stopFollowing() throws IOException {
        stopReceiver();
        Lsn flush = flushAndFindRecordEnd();
        ControlState next = state.notFollowing().withRecordEndHint(flush);
        controlFile.save(next);
        state = next;
        return status();
    }

    /** Deletes whole segments before {@code lsn} (never the one holding the flush LSN). */
    public synchronized RemoveBeforeResponse removeBefore(Lsn lsn) throws IOException {
        Lsn flush = recordEnd.knownEnd();
        Lsn bound = Lsn.min(lsn, flush);
        Lsn newStart = Lsn.max(state.localStartLsn(), bound.segmentStart(props.segmentSize()));
        if (state.isEmpty() || !newStart.isAfter(state.localStartLsn())) {
            return new RemoveBeforeResponse(0, state.localStartLsn());
        }
        // Persist the new start first: a crash must not leave it pointing into deleted files.
        ControlState next = state.withLocalStart(newStart);
        if (next.recordEndHint().isBefore(newStart)) {
            next = next.withRecordEndHint(newStart);
        }
        controlFile.save(next);
        state = next;
        int removed = segments.removeBefore(newStart);
        log.info("timeline {}: removed {} segments before {}", id, removed, newStart);
        return new RemoveBeforeResponse(removed, newStart);
    }

    /** Throws {@link WalRangeException} unless the node holds durable WAL {@code [from, to)}. */
    public void checkWalRange(Lsn from, Lsn to) {
        ControlState s = state;
        Lsn flushed = segments.flushedEnd();
        if (s.isEmpty() || from.isBefore(s.localStartLsn()) || to.isAfter(flushed) || to.isBefore(from)) {
            throw new WalRangeException("timeline " + id + " holds WAL " + s.localStartLsn() + ".." + flushed
                    + "; requested " + from + ".." + to);
        }
    }

    /** Streams WAL {@code [from, to)} to {@code out}. */
    public void streamWal(Lsn from, Lsn to, OutputStream out) throws IOException {
        checkWalRange(from, to);
        byte[] buf = new byte[1 << 20];
        Lsn pos = from;
        while (pos.isBefore(to)) {
            int want = (int) Math.min(buf.length, to.minus(pos));
            int n = segments.read(pos, buf, 0, want);
            if (n <= 0) {
                throw new IOException("WAL at " + pos + " missing on disk");
            }
            out.write(buf, 0, n);
            pos = pos.plus(n);
        }
    }

    public TimelineStatus status() {
        ControlState s = state;
        WalReceiver r = receiver;
        Lsn flush = recordEnd.advance(segments.flushedEnd(), false);
        return new TimelineStatus(
                id,
                s.term(),
                s.termHistory(),
                flush,
                segments.writtenEnd(),
                s.localStartLsn(),
                r == null ? null : r.compute().host() + ":" + r.compute().port(),
                r != null && r.isConnected(),
                Lsn.of(computeWalEnd),
                lagBytes(),
                r == null ? null : r.lastError());
    }

    /** Persists a fresher recovery hint (called periodically) so restarts scan little. */
    synchronized void checkpointHint() throws IOException {
        Lsn end = recordEnd.advance(segments.flushedEnd(), false);
        if (end.isAfter(state.recordEndHint()) && !state.isEmpty()) {
            ControlState next = state.withRecordEndHint(end);
            controlFile.save(next);
            state = next;
        }
    }

    synchronized void close() throws IOException {
        stopReceiver();
        checkpointHint();
        segments.close();
    }

    private long lagBytes() {
        long end = computeWalEnd;
        long flush = recordEnd.knownEnd().value();
        return end == 0 ? 0 : Math.max(0, end - flush);
    }

    private void fetchFromDonor(FollowRequest request, Lsn from, Lsn to) throws IOException {
        if (request.donorUrl() == null) {
            throw new RecoveryException("timeline " + id + ": WAL ends at " + from + ", before the elected start " + to
                    + ", and no donor was named");
        }
        log.info("timeline {}: fetching WAL {}..{} from {}", id, from, to, request.donorUrl());
        WalNodeClient donor = new WalNodeClient(request.donorUrl());
        try (InputStream in = donor.readWal(id, from, to)) {
            byte[] buf = new byte[1 << 20];
            Lsn pos = from;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                segments.append(pos, ByteBuffer.wrap(buf, 0, n));
                pos = pos.plus(n);
            }
            if (!pos.equals(to)) {
                throw new RecoveryException(
                        "timeline " + id + ": donor " + request.donorUrl() + " sent WAL up to " + pos + ", not " + to);
            }
        }
        segments.force();
    }

    private Lsn flushAndFindRecordEnd() throws IOException {
        segments.force();
        return recordEnd.advance(segments.flushedEnd(), false);
    }

    private void startReceiver(ControlState s) {
        WalReceiver r = new WalReceiver(
                props.name(),
                props.slotName(),
                s.term(),
                s.compute(),
                this,
                props.reconnectMin(),
                props.reconnectMax(),
                props.flushMode(),
                props.streamTimeout());
        receiver = r;
        r.start();
    }

    private void stopReceiver() {
        WalReceiver r = receiver;
        if (r != null) {
            r.stop();
            receiver = null;
        }
    }

    // ---- WalReceiver.Sink: called by the receiver's threads, never under this object's lock ----

    @Override
    public Term currentTerm() {
        return state.term();
    }

    @Override
    public WalReceiver.Resume prepareResume() throws IOException {
        segments.force();
        Lsn end = recordEnd.advance(segments.flushedEnd(), false);
        if (segments.writtenEnd().isAfter(end)) {
            segments.truncate(end);
        }
        // Re-read the page holding the last bytes (or the previous page at a page boundary): if the
        // compute's WAL there differs, this node's WAL diverged and must not be extended.
        long back = end.isPageBoundary() ? Lsn.WAL_PAGE_SIZE : end.pageOffset();
        Lsn from = end.plus(-back);
        if (from.isBefore(state.localStartLsn())) {
            from = state.localStartLsn();
        }
        if (from.segmentNumber(props.segmentSize()) != end.segmentNumber(props.segmentSize())) {
            // Not into the previous segment: the compute may have recycled it.
            from = end;
        }
        return new WalReceiver.Resume(from, end);
    }

    @Override
    public boolean holds(Lsn start, ByteBuffer data) throws IOException {
        byte[] local = new byte[data.remaining()];
        return segments.readFully(start, local, 0, local.length) == local.length
                && ByteBuffer.wrap(local).equals(data);
    }

    @Override
    public void checkSystem(IdentifySystem system) throws IOException {
        ControlState s = state;
        if (s.systemId() == null) {
            ControlState next = s.withSystem(system.systemId(), system.timeline());
            segments.setPgTimelineId(system.timeline());
            controlFile.save(next);
            state = next;
        } else if (!s.systemId().equals(system.systemId())) {
            throw new IOException("compute has database system " + system.systemId() + " but timeline " + id
                    + " holds WAL of system " + s.systemId() + "; refusing its WAL");
        }
    }

    @Override
    public void append(Lsn start, ByteBuffer data) throws IOException {
        int n = data.remaining();
        segments.append(start, data);
        receivedBytes.increment(n);
    }

    @Override
    public boolean hasUnflushed() {
        return segments.writtenEnd().isAfter(segments.flushedEnd());
    }

    @Override
    public Lsn flush() throws IOException {
        long t0 = System.nanoTime();
        Lsn end = segments.force();
        fsyncTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        return end;
    }

    @Override
    public Lsn writtenEnd() {
        return segments.writtenEnd();
    }

    @Override
    public void computeWalEnd(Lsn serverWalEnd) {
        computeWalEnd = serverWalEnd.value();
    }
}
