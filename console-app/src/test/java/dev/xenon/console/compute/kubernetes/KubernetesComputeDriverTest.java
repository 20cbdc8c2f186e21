package dev.xenon.console.compute.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeToken;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.ComputeStartException;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.operator.OperatorConfiguration;
import dev.xenon.operator.OperatorProperties;
import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes compute driver against Fabric8's mock API server (CRUD mode), with the real
 * operator ({@code k8s-operator}) reconciling the Computes it writes. Two hand-written fakes stand
 * in for what the mock cannot run: a kubelet that reports every compute pod ready, and the data
 * plane (WAL node election and storage node ingest, which the local driver's ITs cover).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesComputeDriverTest {

    private static final TenantId TENANT = TenantId.parse("0123456789abcdef0123456789abcdef");
    private static final TimelineId TIMELINE = TimelineId.parse("fedcba9876543210fedcba9876543210");
    private static final List<String> WAL_NODES = List.of(
            "http://xenon-wal-node-0.xenon-wal-node.xenon.svc:7676",
            "http://xenon-wal-node-1.xenon-wal-node.xenon.svc:7676",
            "http://xenon-wal-node-2.xenon-wal-node.xenon.svc:7676");
    private static final String STORAGE_NODE = "http://xenon-storage-node-0.xenon-storage-node.xenon.svc:9898";

    static KubernetesClient client;

    private final FakeDataPlane dataPlane = new FakeDataPlane();
    private final ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
    private Operator operator;
    private KubernetesComputeDriver driver;
    private String namespace;

    @BeforeEach
    void start() {
        namespace = client.getNamespace();
        operator = OperatorConfiguration.create(
                client, OperatorProperties.defaults().withServerSideApply(false), Clock.systemUTC());
        operator.start();
        kubelet.scheduleWithFixedDelay(this::reportPodsReady, 100, 100, TimeUnit.MILLISECONDS);
        driver = new KubernetesComputeDriver(
                client,
                KubernetesComputeProperties.defaults().withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20)),
                dataPlane,
                STORAGE_NODE,
                WAL_NODES);
    }

    @AfterEach
    void stop() {
        kubelet.shutdownNow();
        operator.stop();
        client.resources(Compute.class).inNamespace(namespace).delete();
        client.pods().inNamespace(namespace).delete();
        client.secrets().inNamespace(namespace).delete();
    }

    @Test
    void startingAnEndpointCreatesAComputeAndReturnsOnceItIsReady() {
        dataPlane.nextStart = Lsn.parse("0/16B3748");
        dataPlane.nextTerm = 4;

        System.setProperty(NodeToken.PROPERTY, "node-secret-1");
        RunningCompute running;
        try {
            running = driver.start(spec("ep-cool-fog-a1b2c3d4", Map.of("work_mem", "8MB")));
        } finally {
            System.clearProperty(NodeToken.PROPERTY);
        }

        String host = "ep-cool-fog-a1b2c3d4." + namespace + ".svc.cluster.local";
        assertThat(running.endpointId()).isEqualTo("ep-cool-fog-a1b2c3d4");
        assertThat(running.host()).isEqualTo(host);
        assertThat(running.port()).isEqualTo(5432);
        assertThat(running.startLsn()).isEqualTo(Lsn.parse("0/16B3748"));

        Compute compute = compute("ep-cool-fog-a1b2c3d4");
        assertThat(compute.getSpec().getTenantId()).isEqualTo(TENANT.toString());
        assertThat(compute.getSpec().getTimelineId()).isEqualTo(TIMELINE.toString());
        assertThat(compute.getSpec().getEndpointId()).isEqualTo("ep-cool-fog-a1b2c3d4");
        assertThat(compute.getSpec().getPgVersion()).isEqualTo(16);
        assertThat(compute.getSpec().getImage()).isEqualTo("postgres:16");
        assertThat(compute.getSpec().getStartLsn()).isEqualTo("0/16B3748");
        assertThat(compute.getSpec().getTerm()).isEqualTo(4);
        assertThat(compute.getSpec().getStorageNodeUrl()).isEqualTo(STORAGE_NODE);
        assertThat(compute.getSpec().getWalNodes())
                .extracting(w -> w.getName() + "=" + w.getAddress())
                .containsExactly("wal-0=" + WAL_NODES.get(0), "wal-1=" + WAL_NODES.get(1), "wal-2=" + WAL_NODES.get(2));
        assertThat(compute.getSpec().getSettings()).containsEntry("work_mem", "8MB");
        assertThat(compute.getSpec().isSuspended()).isFalse();
        assertThat(compute.getStatus().getPhase()).isEqualTo(ComputeStatus.Phase.Running);

        Secret secret = client.secrets()
                .inNamespace(namespace)
                .withName("ep-cool-fog-a1b2c3d4-credentials")
                .get();
        assertThat(compute.getSpec().getCredentialsSecret())
                .isEqualTo(secret.getMetadata().getName());
        String roles = decode(secret, "roles.sql");
        assertThat(decode(secret, "node-token")).isEqualTo("node-secret-1");
        assertThat(roles)
                .contains("ALTER ROLE \"cloud_admin\"")
                .contains("SCRAM-SHA-256$")
                .doesNotContain("s3cret-admin");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> assertThat(
                        owner.getUid())
                .isEqualTo(compute.getMetadata().getUid()));
        assertThat(client.pods()
                        .inNamespace(namespace)
                        .withName("ep-cool-fog-a1b2c3d4")
                        .get())
                .isNotNull();

        assertThat(dataPlane.calls).containsExactly("prepareStart " + TIMELINE + " at " + host, "computeReady");
        ComputeConnection connection = dataPlane.connections.getFirst();
        assertThat(connection.user()).isEqualTo("xenon_replicator");
        assertThat(connection.password()).isEqualTo(decode(secret, "replicator-password"));
        assertThat(driver.running("ep-cool-fog-a1b2c3d4")).contains(running);

        // Starting a running endpoint returns its compute: no second election.
        assertThat(driver.start(spec("ep-cool-fog-a1b2c3d4", Map.of()))).isEqualTo(running);
        assertThat(dataPlane.calls).hasSize(2);
    }

    @Test
    void suspendingAnEndpointSuspendsItsComputeAndResumingStartsItAtTheNewLsn() {
        dataPlane.nextStart = Lsn.parse("0/2000028");
        dataPlane.nextTerm = 1;
        driver.start(spec("ep-sleepy-owl-0000aaaa", Map.of()));
        String replicatorPassword = decode(
                client.secrets()
                        .inNamespace(namespace)
                        .withName("ep-sleepy-owl-0000aaaa-credentials")
                        .get(),
                "replicator-password");

        driver.stop("ep-sleepy-owl-0000aaaa");

        Compute compute = compute("ep-sleepy-owl-0000aaaa");
        assertThat(compute).as("the Compute stays").isNotNull();
        assertThat(compute.getSpec().isSuspended()).isTrue();
        assertThat(compute.getStatus().getPhase()).isEqualTo(ComputeStatus.Phase.Suspended);
        assertThat(client.pods()
                        .inNamespace(namespace)
                        .withName("ep-sleepy-owl-0000aaaa")
                        .get())
                .isNull();
        assertThat(driver.running("ep-sleepy-owl-0000aaaa")).isEmpty();
        assertThat(dataPlane.calls).endsWith("computeStopping " + TIMELINE, "computeStopped " + TIMELINE);

        driver.stop("ep-sleepy-owl-0000aaaa"); // a stopped endpoint: nothing happens
        assertThat(dataPlane.calls).hasSize(4);

        dataPlane.nextStart = Lsn.parse("0/3000028");
        dataPlane.nextTerm = 2;
        RunningCompute resumed = driver.start(spec("ep-sleepy-owl-0000aaaa", Map.of()));
        assertThat(resumed.startLsn()).isEqualTo(Lsn.parse("0/3000028"));
        Compute again = compute("ep-sleepy-owl-0000aaaa");
        assertThat(again.getSpec().isSuspended()).isFalse();
        assertThat(again.getSpec().getTerm()).isEqualTo(2);
        assertThat(again.getMetadata().getUid()).isEqualTo(compute.getMetadata().getUid());
        Pod pod = client.pods()
                .inNamespace(namespace)
                .withName("ep-sleepy-owl-0000aaaa")
                .get();
        assertThat(pod.getSpec().getInitContainers().getFirst().getEnv())
                .anySatisfy(env -> assertThat(env.getValue()).endsWith("?lsn=0/3000028"));
        assertThat(decode(
                        client.secrets()
                                .inNamespace(namespace)
                                .withName("ep-sleepy-owl-0000aaaa-credentials")
                                .get(),
                        "replicator-password"))
                .as("the replication password is kept across starts")
                .isEqualTo(replicatorPassword);
    }

    @Test
    void aComputeTheOperatorReportsDegradedFailsTheStartAtOnceAndIsLeftSuspended() {
        dataPlane.nextStart = Lsn.parse("0/4000028");
        dataPlane.nextTerm = 1;
        long began = System.nanoTime();

        assertThatThrownBy(() -> driver.start(spec("ep-bad-port-0000bbbb", Map.of("port", "6000"))))
                .isInstanceOf(ComputeStartException.class)
                .hasMessageContaining("waiting for its pod to become ready")
                .hasMessageContaining("InvalidSpec")
                .hasMessageContaining("'port' is managed");

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
        assertThat(compute("ep-bad-port-0000bbbb").getSpec().isSuspended()).isTrue();
        assertThat(dataPlane.calls).doesNotContain("computeReady");
    }

    private static ComputeSpec spec(String endpointId, Map<String, String> settings) {
        return new ComputeSpec(endpointId, TENANT, TIMELINE, 16, "s3cret-admin", settings);
    }

    private Compute compute(String name) {
        return client.resources(Compute.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    /** The kubelet's part: every compute pod without a Ready condition becomes ready. */
    private void reportPodsReady() {
        try {
            for (Pod pod : client.pods()
                    .inNamespace(namespace)
                    .withLabel("xenon.dev/compute")
                    .list()
                    .getItems()) {
                if (pod.getStatus() != null
                        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()))) {
                    continue;
                }
                pod.setStatus(new PodStatusBuilder()
                        .withPhase("Running")
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .withLastTransitionTime("2026-01-02T03:04:05Z")
                        .endCondition()
                        .build());
                client.pods().resource(pod).updateStatus();
            }
        } catch (KubernetesClientException e) {
            // a pod deleted meanwhile; the next round sees the current state
        }
    }

    /** Records the data plane steps; starts where the test says. */
    private static final class FakeDataPlane implements ComputeDataPlane {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<ComputeConnection> connections = new ArrayList<>();
        volatile Lsn nextStart;
        volatile long nextTerm;

        @Override
        public PreparedStart prepareStart(TenantId tenant, TimelineId timeline, ComputeConnection compute) {
            calls.add("prepareStart " + timeline + " at " + compute.host());
            connections.add(compute);
            Lsn start = nextStart;
            long term = nextTerm;
            return new PreparedStart() {
                @Override
                public Lsn startLsn() {
                    return start;
                }

                @Override
                public long term() {
                    return term;
                }

                @Override
                public int pgVersion() {
                    return 16;
                }

                @Override
                public void computeReady() {
                    calls.add("computeReady");
                }
            };
        }

        @Override
        public void computeStopping(TenantId tenant, TimelineId timeline) {
            calls.add("computeStopping " + timeline);
        }

        @Override
        public void computeStopped(TenantId tenant, TimelineId timeline) {
            calls.add("computeStopped " + timeline);
        }
    }
}
