package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;

/** WAL from {@code lsn} on (until the next switch) was written by the compute of {@code term}. */
public record TermSwitch(Term term, Lsn lsn) {}
