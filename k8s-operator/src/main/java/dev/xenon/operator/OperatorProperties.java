package dev.xenon.operator;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration under {@code xenon.operator}.
 *
 * @param namespaces the namespaces whose {@code Compute} resources it reconciles; empty: all
 * @param fetchImage the image of the init container that downloads the basebackup ({@code sh},
 *     {@code curl} and {@code tar} on its path; runs as the Postgres user)
 * @param clusterDomain the cluster's DNS domain; a compute's address is {@code
 *     <name>.<namespace>.svc.<clusterDomain>}
 * @param serverSideApply whether the operator patches status with server-side apply (off for API
 *     servers without it, such as Fabric8's mock server in tests)
 */
@ConfigurationProperties("xenon.operator")
public record OperatorProperties(
        @DefaultValue List<String> namespaces,
        @DefaultValue("curlimages/curl:8.11.1") String fetchImage,
        @DefaultValue("cluster.local") String clusterDomain,
        @DefaultValue("true") boolean serverSideApply) {

    public OperatorProperties {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }

    /** The defaults, as in a configuration without {@code xenon.operator.*}. */
    public static OperatorProperties defaults() {
        return new OperatorProperties(List.of(), "curlimages/curl:8.11.1", "cluster.local", true);
    }

    public OperatorProperties withServerSideApply(boolean serverSideApply) {
        return new OperatorProperties(namespaces, fetchImage, clusterDomain, serverSideApply);
    }
}
