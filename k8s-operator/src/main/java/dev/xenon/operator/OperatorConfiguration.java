package dev.xenon.operator;

import dev.xenon.operator.reconciler.ComputeReconciler;
import dev.xenon.operator.reconciler.ComputeReconciliation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.HashSet;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the operator: JOSDK has no Spring Boot starter of its own, so the {@link Operator} is a
 * bean built here and started and stopped with the application context ({@link SmartLifecycle}).
 */
@Configuration(proxyBeanMethods = false)
public class OperatorConfiguration {

    /** The client: in-cluster service account, or {@code ~/.kube/config} / {@code KUBECONFIG} outside. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    Operator operator(KubernetesClient client, OperatorProperties properties) {
        return create(client, properties, Clock.systemUTC());
    }

    @Bean
    SmartLifecycle operatorLifecycle(Operator operator) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                operator.start();
                running = true;
            }

            @Override
            public void stop() {
                operator.stop();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    /**
     * An operator with the {@code Compute} controller registered, not started. The client stays
     * open when it stops (its owner closes it).
     */
    public static Operator create(KubernetesClient client, OperatorProperties properties, Clock clock) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                // reading CRDs needs a cluster-wide permission the chart does not grant
                .checkingCRDAndValidateLocalModel(false)
                .withUseSSAToPatchPrimaryResource(properties.serverSideApply())
                .withSSABasedCreateUpdateMatchForDependentResources(properties.serverSideApply()));
        ComputeReconciler reconciler = new ComputeReconciler(new ComputeReconciliation(client, properties, clock));
        operator.register(reconciler, config -> {
            if (!properties.namespaces().isEmpty()) {
                config.settingNamespaces(new HashSet<>(properties.namespaces()));
            }
        });
        return operator;
    }
}
