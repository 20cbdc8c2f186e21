package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;

/**
 * Body of {@code GET /v1/timeline/{id}}. {@code flushLsn}: end of the last complete record
 * fsynced; {@code receivedLsn}: end of the bytes written; {@code localStartLsn}: oldest WAL held;
 * {@code computeWalEnd}: the compute's WAL end as last reported by it; {@code lagBytes}: how far
 * {@code flushLsn} trails it; {@code receiverError}: why streaming from the compute last failed
 * (null while it works).
 */
public record TimelineStatus(
        TimelineId timelineId,
        Term term,
        TermHistory termHistory,
        Lsn flushLsn,
        Lsn receivedLsn,
        Lsn localStartLsn,
        String compute,
        boolean connected,
        Lsn computeWalEnd,
        long lagBytes,
        String receiverError) {}
