package dev.xenon.walnode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.common.walnode.TermHistory;

/**
 * What a WAL node persists about one timeline besides its WAL (in {@code control.json}).
 *
 * @param term the highest term accepted; WAL of a lower term is never appended
 * @param termHistory which term wrote which part of the WAL held
 * @param localStartLsn oldest WAL held (a record boundary, or a segment start after removal)
 * @param recordEndHint a record boundary at or below the end of valid WAL; recovery scans from it
 * @param pgTimelineId Postgres' timeline ID (file names)
 * @param systemId the compute's system identifier once known; another system's WAL is refused
 * @param followTerm the term of the compute being followed (null when following none)
 * @param compute where that compute is
 */
public record ControlState(
        TimelineId timelineId,
        Term term,
        TermHistory termHistory,
        Lsn localStartLsn,
        Lsn recordEndHint,
        int pgTimelineId,
        String systemId,
        Term followTerm,
        ComputeConnection compute) {

    static ControlState create(TimelineId id) {
        return new ControlState(id, Term.ZERO, TermHistory.EMPTY, Lsn.INVALID, Lsn.INVALID, 1, null, null, null);
    }

    public boolean isEmpty() {
        return !localStartLsn.isValid();
    }

    ControlState withTerm(Term t) {
        return new ControlState(
                timelineId, t, termHistory, localStartLsn, recordEndHint, pgTimelineId, systemId, null, null);
    }

    ControlState following(Term t, TermHistory history, Lsn localStart, Lsn hint, ComputeConnection c) {
        return new ControlState(timelineId, term, history, localStart, hint, pgTimelineId, systemId, t, c);
    }

    ControlState notFollowing() {
        return new ControlState(
                timelineId, term, termHistory, localStartLsn, recordEndHint, pgTimelineId, systemId, null, null);
    }

    ControlState withRecordEndHint(Lsn hint) {
        return new ControlState(
                timelineId, term, termHistory, localStartLsn, hint, pgTimelineId, systemId, followTerm, compute);
    }

    ControlState withLocalStart(Lsn start) {
        return new ControlState(
                timelineId, term, termHistory, start, recordEndHint, pgTimelineId, systemId, followTerm, compute);
    }

    ControlState withSystem(String system, int pgTli) {
        return new ControlState(
                timelineId, term, termHistory, localStartLsn, recordEndHint, pgTli, system, followTerm, compute);
    }
}
