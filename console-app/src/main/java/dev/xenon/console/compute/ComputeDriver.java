package dev.xenon.console.compute;

import java.util.Optional;

/**
 * Runs computes: stock Postgres on the data directory of a timeline at its last committed LSN,
 * with its commits acknowledged by a quorum of WAL nodes. The local driver runs them as Postgres
 * processes on this machine; the Kubernetes driver (k8s-operator issue) as pods.
 *
 * <p>Every method is keyed by the endpoint id and safe to call concurrently: starting an endpoint
 * that is starting or running returns that one compute; stopping a stopped endpoint does nothing.
 */
public interface ComputeDriver {

    /**
     * Starts the compute of an endpoint and returns once it accepts connections: elects a new term
     * on the WAL nodes, restores the storage node's basebackup at the elected start LSN, configures
     * roles and {@code pg_hba.conf} (SCRAM), starts Postgres, tells the WAL nodes to follow it and
     * the storage node where it runs. Returns the running compute when it already runs.
     */
    RunningCompute start(ComputeSpec spec);

    /**
     * Stops the compute of an endpoint cleanly (a fast shutdown: its last WAL reaches the WAL nodes)
     * and returns once the storage node has ingested everything a majority of WAL nodes holds, so a
     * following start sees every committed row. Does nothing when it does not run.
     */
    void stop(String endpointId);

    /** The running compute of an endpoint, if any. */
    Optional<RunningCompute> running(String endpointId);

    /**
     * Client connections to the compute now: backends of roles other than the platform's own
     * (admin, replication), the input of suspend on idle. Empty when the compute does not run.
     */
    Optional<Integer> clientConnections(String endpointId);
}
