package dev.xenon.walnode.timeline;

import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.web.ApiException;

/**
 * A follow request for the term the node already follows another compute in. One term is one
 * writer: a second compute needs an election of its own. HTTP 409.
 */
public class TermTakenException extends ApiException {
    private final Term term;

    public TermTakenException(TimelineId timeline, Term term, ComputeConnection followed) {
        super("timeline " + timeline + ": term " + term + " already follows the compute at " + followed.host() + ":"
                + followed.port() + "; another compute needs a new term");
        this.term = term;
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String code() {
        return "TERM_TAKEN";
    }

    @Override
    public String field() {
        return "compute";
    }

    @Override
    public Long currentTerm() {
        return term.value();
    }
}
