package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;

/**
 * A WAL node's vote for a new term: the accepted term and what it holds, to elect the start LSN.
 * {@code flushLsn} is the end of the last complete WAL record it has fsynced.
 */
public record TermResponse(Term term, Lsn flushLsn, TermHistory termHistory) {

    public Term lastLogTerm() {
        return termHistory.lastTerm();
    }
}
