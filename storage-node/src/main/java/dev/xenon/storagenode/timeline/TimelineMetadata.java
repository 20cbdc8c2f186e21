package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import java.time.Instant;
import java.util.Objects;

/**
 * What a timeline is, fixed at creation: where its history starts.
 *
 * @param ancestorTimelineId the parent branch, or null for a timeline bootstrapped by initdb
 * @param ancestorLsn the LSN on the parent this branch starts at (a record boundary), or null
 * @param walStartLsn the first WAL byte this timeline stores itself: the ancestor LSN for a branch,
 *     the start of the bootstrap image's first WAL segment otherwise; WAL before it is the
 *     ancestor's
 */
public record TimelineMetadata(
        TenantId tenantId,
        TimelineId timelineId,
        TimelineId ancestorTimelineId,
        Lsn ancestorLsn,
        int pgVersion,
        Lsn walStartLsn,
        Instant createdAt) {

    public TimelineMetadata {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(timelineId, "timelineId");
        Objects.requireNonNull(walStartLsn, "walStartLsn");
        if ((ancestorTimelineId == null) != (ancestorLsn == null)) {
            throw new IllegalArgumentException("ancestor timeline and ancestor LSN come together");
        }
    }

    public boolean hasAncestor() {
        return ancestorTimelineId != null;
    }
}
