package dev.xenon.common.storagenode;

import dev.xenon.common.Lsn;

/**
 * Answer of {@code get_lsn_by_timestamp}: {@code kind} is {@code present} (between the first and
 * the last commit: {@code lsn} is the end of the last commit at or before the time), {@code past}
 * (before the first commit kept: the oldest LSN a compute can start at), {@code future} (after the
 * last commit: the last record) or {@code nodata} (no commits).
 */
public record LsnByTimestamp(Lsn lsn, String kind) {}
