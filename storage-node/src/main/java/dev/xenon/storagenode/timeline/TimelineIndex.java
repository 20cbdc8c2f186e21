package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import java.util.List;
import java.util.Objects;

/**
 * The durable description of a timeline, stored as {@code index.json} beside its layers in remote
 * storage (the system of record) and in the local cache. It is uploaded only after every layer it
 * lists is in remote storage, so a node that starts from remote storage alone finds a consistent
 * timeline.
 *
 * @param formatVersion 1
 * @param metadata what the timeline is
 * @param lastRecordLsn end of the last WAL record in the listed delta layers (where ingest resumes)
 * @param layers every layer of this timeline, images and deltas
 * @param gcCutoffLsn history before this LSN may have been removed by GC: branching or a
 *     basebackup before it is refused
 */
public record TimelineIndex(
        int formatVersion,
        TimelineMetadata metadata,
        Lsn lastRecordLsn,
        List<LayerDescriptor> layers,
        Lsn gcCutoffLsn) {

    public static final int FORMAT_VERSION = 1;

    public TimelineIndex {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(lastRecordLsn, "lastRecordLsn");
        layers = List.copyOf(layers);
        gcCutoffLsn = gcCutoffLsn == null ? Lsn.INVALID : gcCutoffLsn;
    }
}
