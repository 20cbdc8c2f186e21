package dev.xenon.walnode.timeline;

import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.web.ApiException;

/** A term not higher than the node's own (to vote), or not equal to it (to follow). HTTP 409. */
public class TermConflictException extends ApiException {
    private final Term current;

    public TermConflictException(TimelineId timeline, Term requested, Term current) {
        super("timeline " + timeline + ": term " + requested + " rejected, the node's term is " + current);
        this.current = current;
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String code() {
        return "TERM_CONFLICT";
    }

    @Override
    public String field() {
        return "term";
    }

    @Override
    public Long currentTerm() {
        return current.value();
    }
}
