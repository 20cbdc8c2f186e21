package dev.xenon.storagenode.layer;

import dev.xenon.common.Lsn;
import java.time.Instant;
import java.util.Objects;

/**
 * One transaction commit found in a delta layer's WAL: the end LSN of its commit record (a record
 * boundary, so a valid branch or recovery target), its commit timestamp and its transaction id.
 * Delta layers keep these so that a timestamp resolves to an LSN without decoding WAL again.
 * Timestamps are stored with microsecond precision, as Postgres keeps them.
 */
public record CommitEntry(Lsn end, Instant timestamp, int xid) {

    public CommitEntry {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
