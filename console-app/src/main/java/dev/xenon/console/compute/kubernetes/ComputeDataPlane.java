package dev.xenon.console.compute.kubernetes;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.walnode.ComputeConnection;

/**
 * What a compute's start and stop ask of the WAL nodes and the storage node, around the pod the
 * operator runs: the same steps as the local driver's ({@link WalQuorumDataPlane}). A seam, so that
 * the driver's Kubernetes side can be tested without a data plane.
 */
interface ComputeDataPlane {

    /** A start whose term is elected and whose start LSN the storage node has ingested. */
    interface PreparedStart {
        Lsn startLsn();

        long term();

        /** The timeline's Postgres major version, as the storage node knows it (0: unknown). */
        int pgVersion();

        /** Postgres accepts connections: the WAL nodes follow it (unless they do already), the storage node learns where it runs. */
        void computeReady();
    }

    /**
     * Looks the timeline up, elects a new term (fencing any older compute), lets lagging WAL nodes
     * copy missing WAL when the storage node is behind, and waits for the storage node to ingest up
     * to the start.
     *
     * @param compute where the compute will accept replication connections
     */
    PreparedStart prepareStart(TenantId tenant, TimelineId timeline, ComputeConnection compute);

    /** Before the pod goes: the storage node stops taking images from it. */
    void computeStopping(TenantId tenant, TimelineId timeline);

    /** After the pod went: waits until the storage node has ingested what a majority of WAL nodes holds. */
    void computeStopped(TenantId tenant, TimelineId timeline);
}
