package dev.xenon.common.walnode;

import dev.xenon.common.Term;

/** Body of {@code PUT /v1/timeline/{id}/term}. */
public record TermRequest(Term term) {}
