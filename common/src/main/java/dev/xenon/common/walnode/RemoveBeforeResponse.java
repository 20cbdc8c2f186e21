package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;

/** Segments deleted and the oldest WAL now held. */
public record RemoveBeforeResponse(int removedSegments, Lsn localStartLsn) {}
