package dev.xenon.console.compute.kubernetes;

import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.compute.local.DataPlane;
import dev.xenon.console.config.PlatformProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Kubernetes compute driver, when {@code xenon.compute.driver=kubernetes}. The Fabric8 client
 * is an optional dependency of console-app (present in its runnable jar, absent for modules that
 * embed console-app, such as {@code local}): nothing here is loaded with the default local driver.
 * Outside a cluster, the client reads {@code ~/.kube/config} or {@code KUBECONFIG}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "xenon.compute", name = "driver", havingValue = "kubernetes")
class KubernetesComputeConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient computeKubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    ComputeDriver kubernetesComputeDriver(
            ObjectProvider<KubernetesClient> client,
            PlatformProperties platform,
            KubernetesComputeProperties properties) {
        DataPlane dataPlane = new DataPlane(
                new StorageNodeClient(platform.storageNodeUrl()),
                platform.walNodes().stream().map(WalNodeClient::new).toList(),
                properties.ingestTimeout());
        return new KubernetesComputeDriver(
                client.getObject(),
                properties,
                new WalQuorumDataPlane(dataPlane),
                platform.storageNodeUrl(),
                platform.walNodes());
    }
}
