package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.storagenode.layer.CommitEntry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Finds the LSN of a point in time (Neon's {@code get_lsn_by_timestamp}) from the commit records
 * the WAL decoder stored with each delta layer, following a branch into its ancestors below the
 * branch point.
 *
 * <p>Commit timestamps are taken before the commit record is inserted, so they are almost but not
 * strictly increasing in LSN order. The answer for time {@code t} is the end of the last commit
 * before the first one (in LSN order) stamped after {@code t}: a compute started there sees every
 * commit up to that point, all stamped at or before {@code t}, and none after.
 *
 * <p>Thread-safe; commit lists of delta layers are cached in memory once read.
 */
@Component
public class CommitTimestamps {

    /** Where a timestamp lies in a timeline's history, as Neon names it. */
    public enum Kind {
        /** Between the first and the last commit. */
        present,
        /** Before the first commit still kept: the LSN is the oldest a compute can start at. */
        past,
        /** After the last commit: the LSN is the last record. */
        future,
        /** No commit at all. */
        nodata
    }

    public record Answer(Lsn lsn, Kind kind) {}

    private final LayerCache cache;
    private final Map<String, List<CommitEntry>> deltaCommits = new ConcurrentHashMap<>();

    public CommitTimestamps(LayerCache cache) {
        this.cache = cache;
    }

    public Answer lsnAt(Timeline timeline, Instant time) throws IOException {
        List<CommitEntry> commits = new ArrayList<>();
        collect(timeline, Lsn.of(Long.MAX_VALUE), commits);
        Lsn last = timeline.lastRecordLsn();
        Lsn oldest = oldestStart(timeline);
        if (commits.isEmpty()) {
            return new Answer(last, Kind.nodata);
        }
        if (commits.getFirst().timestamp().isAfter(time)) {
            return new Answer(oldest, Kind.past);
        }
        Lsn answer = null;
        for (CommitEntry c : commits) {
            if (c.timestamp().isAfter(time)) {
                return new Answer(answer, Kind.present);
            }
            answer = c.end();
        }
        return new Answer(last, Kind.future);
    }

    /** The oldest LSN a compute of this timeline can start at: the end of the oldest usable image. */
    private static Lsn oldestStart(Timeline timeline) {
        Timeline t = timeline;
        Lsn limit = Lsn.of(Long.MAX_VALUE);
        Lsn oldest = timeline.lastRecordLsn();
        while (t != null) {
            for (LayerDescriptor d : t.state().images()) {
                Lsn end = d.layerName().end();
                if (!end.isAfter(limit) && end.isBefore(oldest)) {
                    oldest = end;
                }
            }
            if (!t.metadata().hasAncestor()) {
                break;
            }
            limit = Lsn.min(limit, t.metadata().ancestorLsn());
            t = t.ancestor();
        }
        // a compute of this timeline starts no earlier than its branch point and its GC cutoff
        if (timeline.metadata().hasAncestor()) {
            oldest = Lsn.max(oldest, timeline.metadata().ancestorLsn());
        }
        return Lsn.max(oldest, timeline.state().gcCutoffLsn());
    }

    private void collect(Timeline timeline, Lsn limit, List<CommitEntry> out) throws IOException {
        if (timeline.metadata().hasAncestor()) {
            collect(timeline.ancestor(), Lsn.min(limit, timeline.metadata().ancestorLsn()), out);
        }
        Timeline.State s = timeline.state();
        for (LayerDescriptor d : s.deltas()) {
            if (!d.layerName().start().isBefore(limit)) {
                break;
            }
            String key = timeline.tenantId() + "/" + timeline.id() + "/" + d.name();
            List<CommitEntry> commits = deltaCommits.get(key);
            if (commits == null) {
                commits = cache.withDelta(timeline, d, f -> List.copyOf(f.commits()));
                deltaCommits.put(key, commits);
            }
            addUpTo(commits, limit, out);
        }
        OpenLayer open = s.open();
        for (int i = 0; i < open.commitCount(); i++) {
            if (!open.commits()[i].end().isAfter(limit)) {
                out.add(open.commits()[i]);
            }
        }
    }

    private static void addUpTo(List<CommitEntry> commits, Lsn limit, List<CommitEntry> out) {
        for (CommitEntry c : commits) {
            if (c.end().isAfter(limit)) {
                return;
            }
            out.add(c);
        }
    }
}
