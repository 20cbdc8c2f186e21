package dev.xenon.common.walnode;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * Which term wrote which part of a WAL node's WAL: switches in increasing LSN and term order.
 * Every compute of one term produces a single WAL stream, so two WAL nodes hold identical bytes
 * wherever their histories name the same term; the first place they differ is where a node's
 * WAL diverged from the elected WAL and must be cut (as Neon's safekeepers do).
 */
public record TermHistory(@JsonValue List<TermSwitch> switches) {

    public static final TermHistory EMPTY = new TermHistory(List.of());

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public TermHistory {
        switches = List.copyOf(switches);
        for (int i = 1; i < switches.size(); i++) {
            TermSwitch prev = switches.get(i - 1);
            TermSwitch next = switches.get(i);
            if (!next.term().isAfter(prev.term()) || next.lsn().isBefore(prev.lsn())) {
                throw new IllegalArgumentException("term history must grow in term and LSN: " + switches);
            }
        }
    }

    /** The term that wrote the newest WAL, or 0 when there is none. */
    public Term lastTerm() {
        return switches.isEmpty() ? Term.ZERO : switches.getLast().term();
    }

    /** This history with WAL only before {@code end}: switches at or after it are dropped. */
    public TermHistory upTo(Lsn end) {
        return new TermHistory(
                switches.stream().filter(s -> s.lsn().isBefore(end)).toList());
    }

    /** This history followed by a switch to {@code term} at {@code lsn}. */
    public TermHistory then(Term term, Lsn lsn) {
        List<TermSwitch> all = new ArrayList<>(upTo(lsn).switches);
        all.add(new TermSwitch(term, lsn));
        return new TermHistory(all);
    }

    /**
     * The position up to which WAL described by this history (ending at {@code end}) is identical
     * to WAL described by {@code other} (ending at {@code otherEnd}). {@link Lsn#INVALID} when they
     * share no term at all.
     */
    public Lsn commonPrefixEnd(Lsn end, TermHistory other, Lsn otherEnd) {
        int common = -1;
        int n = Math.min(switches.size(), other.switches.size());
        for (int i = 0; i < n && switches.get(i).equals(other.switches.get(i)); i++) {
            common = i;
        }
        if (common < 0) {
            return Lsn.INVALID;
        }
        Lsn mine = common + 1 < switches.size() ? switches.get(common + 1).lsn() : end;
        Lsn theirs = common + 1 < other.switches.size()
                ? other.switches.get(common + 1).lsn()
                : otherEnd;
        return Lsn.min(mine, theirs);
    }
}
