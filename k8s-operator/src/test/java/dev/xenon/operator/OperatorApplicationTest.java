package dev.xenon.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The operator as the application runs it: its configuration file, the {@link Operator} bean
 * started with the context, reconciling a Compute written to the (mock) API server.
 */
@SpringBootTest(
        properties = {"spring.config.name=k8s-operator", "xenon.operator.server-side-apply=false", "server.port=0"})
class OperatorApplicationTest {

    /** In CRUD mode, as {@code @EnableKubernetesMockClient(crud = true)} makes it. */
    static final KubernetesMockServer server = new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(),
            true);

    @BeforeAll
    static void startServer() {
        server.init();
    }

    @AfterAll
    static void stopServer() {
        server.destroy();
    }

    @TestConfiguration
    static class MockApiServer {
        @Bean(destroyMethod = "close")
        @Primary
        KubernetesClient mockKubernetesClient() {
            return server.createClient();
        }
    }

    @Autowired
    KubernetesClient client;

    @Autowired
    OperatorProperties properties;

    @Test
    void itReconcilesComputesWithTheApplicationsSettings() {
        assertThat(properties.fetchImage()).isEqualTo("curlimages/curl:8.11.1");
        assertThat(properties.namespaces()).isEmpty();

        ComputeSpec spec = new ComputeSpec();
        spec.setTenantId("0123456789abcdef0123456789abcdef");
        spec.setTimelineId("fedcba9876543210fedcba9876543210");
        spec.setEndpointId("ep-app-test-00000000");
        spec.setPgVersion(17);
        spec.setStartLsn("0/1000028");
        spec.setTerm(1);
        spec.setStorageNodeUrl("http://storage-node:9898");
        spec.setWalNodes(List.of(new ComputeSpec.WalNode("wal-0", "http://wal-0:7676")));
        Compute compute = new Compute();
        compute.setMetadata(new ObjectMetaBuilder()
                .withName("ep-app-test-00000000")
                .withNamespace("test")
                .build());
        compute.setSpec(spec);
        client.resource(compute).create();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.pods()
                                .inNamespace("test")
                                .withName("ep-app-test-00000000")
                                .get()
                        != null);
        assertThat(client.pods()
                        .inNamespace("test")
                        .withName("ep-app-test-00000000")
                        .get()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("postgres:17");
    }
}
