package dev.xenon.console.compute.kubernetes;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kubernetes compute driver ({@code xenon.compute.kubernetes.*}), used when {@code
 * xenon.compute.driver=kubernetes}.
 *
 * @param namespace where Compute resources (and so the compute pods) are created; empty: the
 *     client's namespace (in a pod: its own)
 * @param imageRepository the Postgres image of a compute is {@code <imageRepository>:<major version>}
 * @param computeUnits size of every compute (1 CU = 1 CPU, 4 GiB)
 * @param clusterDomain DNS domain of the cluster: a compute is reached at {@code
 *     <endpoint>.<namespace>.svc.<clusterDomain>:5432}
 * @param readyTimeout how long a start waits for the Compute's {@code Ready} condition
 * @param stopTimeout how long a stop waits for the compute's pod to be gone
 * @param ingestTimeout how long to wait for the storage node to ingest up to a start LSN, or after a
 *     stop up to the committed LSN
 */
@ConfigurationProperties("xenon.compute.kubernetes")
public record KubernetesComputeProperties(
        @DefaultValue("") String namespace,
        @DefaultValue("postgres") String imageRepository,
        @DefaultValue("1") double computeUnits,
        @DefaultValue("cluster.local") String clusterDomain,
        @DefaultValue("180s") Duration readyTimeout,
        @DefaultValue("60s") Duration stopTimeout,
        @DefaultValue("60s") Duration ingestTimeout) {

    public static KubernetesComputeProperties defaults() {
        return new KubernetesComputeProperties(
                "",
                "postgres",
                1,
                "cluster.local",
                Duration.ofSeconds(180),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60));
    }

    public KubernetesComputeProperties withTimeouts(Duration ready, Duration stop) {
        return new KubernetesComputeProperties(
                namespace, imageRepository, computeUnits, clusterDomain, ready, stop, ingestTimeout);
    }
}
