package dev.xenon.common.storagenode;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import java.time.Instant;

/**
 * A timeline as {@code GET /v1/tenant/{t}/timeline/{tl}} of the storage node shows it, with Neon's
 * field names (snake_case on the wire).
 *
 * @param lastRecordLsn end of the last WAL record ingested: where a new compute starts
 * @param diskConsistentLsn end of the WAL written to delta layers on local disk
 * @param remoteConsistentLsn end of the WAL whose layers and index are in remote storage
 * @param gcCutoffLsn history before it is no longer kept: no branch or basebackup before it
 * @param currentLogicalSize bytes of the data directory at {@code currentLogicalSizeLsn} (the
 *     newest image)
 * @param layerCount image and delta layers of this timeline (not its ancestors')
 * @param layerBytes bytes of those layer files
 */
public record TimelineInfo(
        TenantId tenantId,
        TimelineId timelineId,
        TimelineId ancestorTimelineId,
        Lsn ancestorLsn,
        Lsn lastRecordLsn,
        Lsn diskConsistentLsn,
        Lsn remoteConsistentLsn,
        Lsn gcCutoffLsn,
        int pgVersion,
        long currentLogicalSize,
        Lsn currentLogicalSizeLsn,
        long layerCount,
        long layerBytes,
        long openLayerBytes,
        boolean computeAttached,
        Instant createdAt,
        String state) {}
