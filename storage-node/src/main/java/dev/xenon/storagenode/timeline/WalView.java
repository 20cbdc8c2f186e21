package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.WalSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAL of a timeline as its computes see it: the ancestor's WAL below the branch point (and the
 * ancestor's ancestor's below its own), then the timeline's delta layers, then its open layer —
 * read from one snapshot of each timeline's state.
 *
 * <p>Thread-safe; reads download layers through the {@link LayerCache} as needed.
 */
public final class WalView implements WalSource {

    private interface Reader {
        int read(long position, byte[] dst, int off, int len) throws IOException;
    }

    private record Piece(long start, long end, Reader reader) {}

    private final List<Piece> pieces;

    private WalView(List<Piece> pieces) {
        this.pieces = pieces;
    }

    /** The WAL of {@code timeline} up to its last record, following its ancestry. */
    public static WalView of(Timeline timeline, LayerCache cache) {
        List<Piece> pieces = new ArrayList<>();
        collect(timeline, Long.MAX_VALUE, cache, pieces);
        return new WalView(List.copyOf(pieces));
    }

    private static void collect(Timeline timeline, long limit, LayerCache cache, List<Piece> out) {
        TimelineMetadata m = timeline.metadata();
        if (m.hasAncestor()) {
            collect(timeline.ancestor(), Math.min(limit, m.ancestorLsn().value()), cache, out);
        }
        Timeline.State s = timeline.state();
        for (LayerDescriptor d : s.deltas()) {
            long start = d.layerName().start().value();
            long end = Math.min(limit, d.layerName().end().value());
            if (start < end) {
                out.add(new Piece(
                        start,
                        end,
                        (pos, dst, off, len) ->
                                cache.withDelta(timeline, d, file -> file.read(Lsn.of(pos), dst, off, len))));
            }
        }
        OpenLayer open = s.open();
        long end = Math.min(limit, open.end().value());
        if (open.start().value() < end) {
            out.add(new Piece(open.start().value(), end, open::read));
        }
    }

    /** The first LSN this view has, or {@link Lsn#INVALID} when it is empty. */
    public Lsn start() {
        return pieces.isEmpty() ? Lsn.INVALID : Lsn.of(pieces.getFirst().start());
    }

    /** Where the WAL ends. */
    public Lsn end() {
        return pieces.isEmpty() ? Lsn.INVALID : Lsn.of(pieces.getLast().end());
    }

    /** Whether every byte of {@code [from, to)} is held (GC can leave holes before a cutoff). */
    public boolean covers(Lsn from, Lsn to) {
        long pos = from.value();
        for (Piece p : pieces) {
            if (p.start() <= pos && pos < p.end()) {
                pos = p.end();
            }
            if (pos >= to.value()) {
                return true;
            }
        }
        return pos >= to.value();
    }

    @Override
    public int read(Lsn position, byte[] dst, int off, int len) throws IOException {
        long pos = position.value();
        Piece p = find(pos);
        if (p == null) {
            return 0;
        }
        int n = (int) Math.min(len, p.end() - pos);
        int total = 0;
        while (total < n) {
            int r = p.reader().read(pos + total, dst, off + total, n - total);
            if (r <= 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    /** Reads exactly {@code len} bytes at {@code position} or fails naming the gap. */
    public void readFully(Lsn position, byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int r = read(position.plus(done), dst, off + done, len - done);
            if (r <= 0) {
                throw new IOException("no WAL at " + position.plus(done) + " (held: " + describe() + ")");
            }
            done += r;
        }
    }

    private Piece find(long pos) {
        int lo = 0;
        int hi = pieces.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Piece p = pieces.get(mid);
            if (pos < p.start()) {
                hi = mid - 1;
            } else if (pos >= p.end()) {
                lo = mid + 1;
            } else {
                return p;
            }
        }
        return null;
    }

    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Piece p : pieces) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append('[')
                    .append(Lsn.of(p.start()))
                    .append(", ")
                    .append(Lsn.of(p.end()))
                    .append(')');
        }
        return b.isEmpty() ? "nothing" : b.toString();
    }
}
