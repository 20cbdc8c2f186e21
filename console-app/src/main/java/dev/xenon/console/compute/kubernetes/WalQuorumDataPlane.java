package dev.xenon.console.compute.kubernetes;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.console.compute.local.DataPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ComputeDataPlane} on the real WAL nodes and storage node, through the local driver's {@link DataPlane}. */
final class WalQuorumDataPlane implements ComputeDataPlane {

    private static final Logger log = LoggerFactory.getLogger(WalQuorumDataPlane.class);

    private final DataPlane dataPlane;

    WalQuorumDataPlane(DataPlane dataPlane) {
        this.dataPlane = dataPlane;
    }

    @Override
    public PreparedStart prepareStart(TenantId tenant, TimelineId timeline, ComputeConnection compute) {
        TimelineInfo info;
        try {
            info = dataPlane.timeline(tenant, timeline);
        } catch (StorageNodeException e) {
            if (e.status() == 404) {
                throw new IllegalArgumentException(
                        "the storage node has no timeline " + timeline + " of tenant " + tenant, e);
            }
            throw e;
        }
        DataPlane.StartPoint start = dataPlane.elect(tenant, timeline);
        log.info(
                "timeline {}: term {}, start LSN {} (storage node at {})",
                timeline,
                start.result().term(),
                start.startLsn(),
                start.lastRecordLsn());
        boolean followed = false;
        if (start.storageNodeBehind()) {
            dataPlane.follow(timeline, start, compute);
            followed = true;
        }
        dataPlane.awaitIngested(tenant, timeline, start.startLsn());
        boolean alreadyFollowing = followed;
        return new PreparedStart() {
            @Override
            public Lsn startLsn() {
                return start.startLsn();
            }

            @Override
            public long term() {
                return start.result().term().value();
            }

            @Override
            public int pgVersion() {
                return info.pgVersion();
            }

            @Override
            public void computeReady() {
                if (!alreadyFollowing) {
                    dataPlane.follow(timeline, start, compute);
                }
                dataPlane.storage().attachCompute(tenant, timeline, compute);
            }
        };
    }

    @Override
    public void computeStopping(TenantId tenant, TimelineId timeline) {
        dataPlane.storage().detachCompute(tenant, timeline);
    }

    @Override
    public void computeStopped(TenantId tenant, TimelineId timeline) {
        dataPlane.awaitIngested(tenant, timeline, DataPlane.committed(dataPlane.flushLsns(timeline)));
    }
}
