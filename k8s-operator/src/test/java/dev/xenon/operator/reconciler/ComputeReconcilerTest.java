package dev.xenon.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.operator.OperatorConfiguration;
import dev.xenon.operator.OperatorProperties;
import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeSpec;
import dev.xenon.operator.customresource.ComputeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator, running (JOSDK with informers), against Fabric8's mock API server in CRUD mode.
 * The mock has no kubelet and no garbage collector: a test plays the kubelet by patching the pod's
 * status, and checks owner references where the garbage collector would delete.
 */
@EnableKubernetesMockClient(crud = true)
class ComputeReconcilerTest {

    private static final String TENANT = "0123456789abcdef0123456789abcdef";
    private static final String TIMELINE = "fedcba9876543210fedcba9876543210";
    private static final Duration WAIT = Duration.ofSeconds(20);

    static KubernetesClient client;

    private final OperatorProperties properties = OperatorProperties.defaults().withServerSideApply(false);
    private Operator operator;
    private String namespace;

    @BeforeEach
    void startOperator() {
        namespace = client.getNamespace();
        operator = OperatorConfiguration.create(client, properties, Clock.systemUTC());
        operator.start();
    }

    @AfterEach
    void stopOperator() {
        operator.stop();
        client.resources(Compute.class).inNamespace(namespace).delete();
        client.pods().inNamespace(namespace).delete();
        client.services().inNamespace(namespace).delete();
        client.configMaps().inNamespace(namespace).delete();
    }

    @Test
    void aComputeGetsAPodAServiceAndItsConfiguration() {
        Compute compute =
                client.resource(compute("ep-cool-fog-1", "0/16B3748", 3)).create();

        Pod pod = awaitPod("ep-cool-fog-1");
        assertThat(pod.getMetadata().getLabels()).containsEntry(ComputeNames.COMPUTE_LABEL, "ep-cool-fog-1");
        assertThat(pod.getSpec().getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getName()).isEqualTo("fetch-basebackup");
            assertThat(init.getImage()).isEqualTo(properties.fetchImage());
            assertThat(init.getEnv()).anySatisfy(env -> assertThat(env.getValue())
                    .isEqualTo("http://storage-node.xenon:9898/v1/tenant/" + TENANT + "/timeline/" + TIMELINE
                            + "/basebackup?lsn=0/16B3748"));
            assertThat(init.getEnv())
                    .filteredOn(env -> env.getName().equals("XENON_NODE_TOKEN"))
                    .singleElement()
                    .satisfies(env -> {
                        assertThat(env.getValueFrom().getSecretKeyRef().getName())
                                .isEqualTo("ep-cool-fog-1-credentials");
                        assertThat(env.getValueFrom().getSecretKeyRef().getKey())
                                .isEqualTo("node-token");
                    });
            assertThat(init.getCommand().getLast()).contains("Authorization: Bearer $XENON_NODE_TOKEN");
        });
        Container postgres = pod.getSpec().getContainers().getFirst();
        assertThat(postgres.getImage()).isEqualTo("postgres:16");
        assertThat(postgres.getCommand()).containsSequence("-c", "config_file=/etc/xenon/postgresql.conf");
        assertThat(postgres.getReadinessProbe().getExec().getCommand()).first().isEqualTo("pg_isready");
        assertThat(postgres.getResources().getLimits())
                .containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
                .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("2048Mi"));
        assertThat(postgres.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getEmptyDir())
                        .as("data volume %s", v.getName())
                        .isNotNull())
                .anySatisfy(v -> assertThat(v.getConfigMap())
                        .extracting(c -> c == null ? null : c.getName())
                        .isEqualTo("ep-cool-fog-1-config"));
        assertThat(postgres.getLifecycle().getPostStart().getExec().getCommand())
                .last()
                .asString()
                .contains("/etc/xenon-credentials/roles.sql");

        Service service = client.services()
                .inNamespace(namespace)
                .withName("ep-cool-fog-1")
                .get();
        assertThat(service.getSpec().getSelector()).containsEntry(ComputeNames.COMPUTE_LABEL, "ep-cool-fog-1");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> assertThat(port.getPort())
                .isEqualTo(5432));

        ConfigMap config = client.configMaps()
                .inNamespace(namespace)
                .withName("ep-cool-fog-1-config")
                .get();
        assertThat(config.getData().get("postgresql.conf"))
                .contains("synchronous_standby_names = 'ANY 2 (\"wal-0\", \"wal-1\", \"wal-2\")'")
                .contains("listen_addresses = '*'")
                .contains("work_mem = '8MB'");
        assertThat(config.getData().get("pg_hba.conf")).contains("local   all          cloud_admin");

        await().atMost(WAIT).untilAsserted(() -> {
            ComputeStatus status = fetch(compute).getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getPhase()).isEqualTo(ComputeStatus.Phase.Starting);
            assertThat(condition(status, ComputeStatus.READY).getStatus()).isEqualTo("False");
            assertThat(condition(status, ComputeStatus.PROGRESSING).getStatus()).isEqualTo("True");
            assertThat(status.getObservedGeneration())
                    .isEqualTo(fetch(compute).getMetadata().getGeneration());
        });
    }

    @Test
    void everythingItCreatesIsOwnedByTheComputeSoDeletingItCleansUp() {
        Compute compute = client.resource(compute("ep-owned-2", "0/2000028", 1)).create();
        Pod pod = awaitPod("ep-owned-2");
        String uid = fetch(compute).getMetadata().getUid();
        List<HasMetadata> owned = List.of(
                pod,
                client.services().inNamespace(namespace).withName("ep-owned-2").get(),
                client.configMaps()
                        .inNamespace(namespace)
                        .withName("ep-owned-2-config")
                        .get());
        for (HasMetadata object : owned) {
            assertThat(object.getMetadata().getOwnerReferences())
                    .as("owner of %s %s", object.getKind(), object.getMetadata().getName())
                    .singleElement()
                    .satisfies(owner -> {
                        assertThat(owner.getUid()).isEqualTo(uid);
                        assertThat(owner.getKind()).isEqualTo("Compute");
                        assertThat(owner.getApiVersion()).isEqualTo("xenon.dev/v1alpha1");
                        assertThat(owner.getController()).isTrue();
                        assertThat(owner.getBlockOwnerDeletion()).isTrue();
                    });
        }

        // What Kubernetes' garbage collector does with dependents of a deleted owner; the mock has none.
        client.resource(fetch(compute)).delete();
        await().atMost(WAIT).until(() -> fetch(compute) == null);
        collectGarbage(uid);
        // The operator does not bring anything back for a deleted compute.
        await().during(Duration.ofMillis(700)).atMost(WAIT).untilAsserted(() -> assertThat(client.pods()
                        .inNamespace(namespace)
                        .withName("ep-owned-2")
                        .get())
                .isNull());
    }

    @Test
    void aReadyPodMakesTheComputeReadyWithItsAddress() {
        Compute compute = client.resource(compute("ep-ready-3", "0/3000028", 2)).create();
        Pod pod = awaitPod("ep-ready-3");

        markReady(pod);

        await().atMost(WAIT).untilAsserted(() -> {
            ComputeStatus status = fetch(compute).getStatus();
            assertThat(status.getPhase()).isEqualTo(ComputeStatus.Phase.Running);
            Condition ready = condition(status, ComputeStatus.READY);
            assertThat(ready.getStatus()).isEqualTo("True");
            assertThat(ready.getReason()).isEqualTo("PostgresReady");
            assertThat(condition(status, ComputeStatus.PROGRESSING).getStatus()).isEqualTo("False");
            assertThat(condition(status, ComputeStatus.DEGRADED).getStatus()).isEqualTo("False");
            assertThat(status.getAddress()).isEqualTo("ep-ready-3." + namespace + ".svc.cluster.local");
            assertThat(status.getPort()).isEqualTo(5432);
            assertThat(status.getStartedAt()).isEqualTo("2026-01-02T03:04:05Z");
        });
        assertThat(events("ep-ready-3"))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Ready"));
    }

    @Test
    void aFailingRestoreMakesTheComputeDegradedWithAnEvent() {
        Compute compute =
                client.resource(compute("ep-broken-4", "0/4000028", 1)).create();
        Pod pod = awaitPod("ep-broken-4");

        pod.setStatus(new PodStatusBuilder()
                .withPhase("Pending")
                .addNewInitContainerStatus()
                .withName("fetch-basebackup")
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 20s restarting failed container")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(22)
                .withMessage("curl: (22) The requested URL returned error: 409")
                .endTerminated()
                .endLastState()
                .endInitContainerStatus()
                .build());
        client.pods().resource(pod).updateStatus();

        await().atMost(WAIT).untilAsserted(() -> {
            ComputeStatus status = fetch(compute).getStatus();
            assertThat(status.getPhase()).isEqualTo(ComputeStatus.Phase.Failed);
            Condition degraded = condition(status, ComputeStatus.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("BasebackupFailed");
            assertThat(degraded.getMessage()).contains("fetch-basebackup").contains("CrashLoopBackOff");
            assertThat(condition(status, ComputeStatus.READY).getStatus()).isEqualTo("False");
        });
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(events("ep-broken-4")).singleElement().satisfies(e -> {
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getReason()).isEqualTo("BasebackupFailed");
                        }));
    }

    @Test
    void suspendingDeletesThePodAndKeepsTheComputeAndItsService() {
        Compute compute =
                client.resource(compute("ep-sleepy-5", "0/5000028", 1)).create();
        markReady(awaitPod("ep-sleepy-5"));
        await().atMost(WAIT)
                .until(() -> fetch(compute).getStatus() != null
                        && fetch(compute).getStatus().getPhase() == ComputeStatus.Phase.Running);

        editSpec("ep-sleepy-5", c -> {
            c.getSpec().setSuspended(true);
        });

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.pods()
                            .inNamespace(namespace)
                            .withName("ep-sleepy-5")
                            .get())
                    .isNull();
            ComputeStatus status = fetch(compute).getStatus();
            assertThat(status.getPhase()).isEqualTo(ComputeStatus.Phase.Suspended);
            assertThat(condition(status, ComputeStatus.READY).getReason()).isEqualTo("Suspended");
            assertThat(status.getAddress()).isNull();
        });
        assertThat(fetch(compute)).isNotNull();
        assertThat(client.services()
                        .inNamespace(namespace)
                        .withName("ep-sleepy-5")
                        .get())
                .isNotNull();

        // Resuming at a new start LSN and term brings a new pod restoring from there.
        editSpec("ep-sleepy-5", c -> {
            c.getSpec().setSuspended(false);
            c.getSpec().setStartLsn("0/6000028");
            c.getSpec().setTerm(2);
        });
        Pod resumed = awaitPod("ep-sleepy-5");
        assertThat(resumed.getSpec().getInitContainers().getFirst().getEnv())
                .anySatisfy(env -> assertThat(env.getValue()).endsWith("?lsn=0/6000028"));
    }

    @Test
    void aNewStartLsnReplacesARunningPod() {
        Compute compute = client.resource(compute("ep-moved-6", "0/7000028", 1)).create();
        Pod first = awaitPod("ep-moved-6");

        editSpec("ep-moved-6", c -> {
            c.getSpec().setStartLsn("0/8000028");
            c.getSpec().setTerm(3);
        });

        await().atMost(WAIT).untilAsserted(() -> {
            Pod pod =
                    client.pods().inNamespace(namespace).withName("ep-moved-6").get();
            assertThat(pod).isNotNull();
            assertThat(pod.getMetadata().getUid())
                    .isNotEqualTo(first.getMetadata().getUid());
            assertThat(pod.getSpec().getInitContainers().getFirst().getEnv())
                    .anySatisfy(env -> assertThat(env.getValue()).endsWith("?lsn=0/8000028"));
        });
        assertThat(fetch(compute)).isNotNull();
    }

    @Test
    void reconcilingAnUnchangedComputeAgainWritesNothing() {
        Compute created =
                client.resource(compute("ep-steady-7", "0/9000028", 1)).create();
        markReady(awaitPod("ep-steady-7"));
        await().atMost(WAIT)
                .until(() -> fetch(created).getStatus() != null
                        && fetch(created).getStatus().getPhase() == ComputeStatus.Phase.Running);
        operator.stop(); // nothing else writes from here on
        Map<String, String> before = resourceVersions("ep-steady-7");

        Compute compute = fetch(created);
        ComputeReconciliation reconciliation = new ComputeReconciliation(client, properties, Clock.systemUTC());
        ComputeStatus first = reconciliation.apply(compute);
        ComputeStatus second = reconciliation.apply(compute);

        assertThat(first).isEqualTo(compute.getStatus()).isEqualTo(second);
        assertThat(resourceVersions("ep-steady-7")).isEqualTo(before);
        ComputeReconciler reconciler = new ComputeReconciler(reconciliation);
        assertThat(reconciler.reconcile(compute, null).isPatchStatus()).isFalse();
        assertThat(resourceVersions("ep-steady-7")).isEqualTo(before);
        operator = OperatorConfiguration.create(client, properties, Clock.systemUTC());
        operator.start();
    }

    @Test
    void aManagedSettingIsRefusedWithDegradedAndNoPod() {
        Compute bad = compute("ep-bad-8", "0/A000028", 1);
        bad.getSpec().setSettings(Map.of("port", "6000"));
        Compute compute = client.resource(bad).create();

        await().atMost(WAIT).untilAsserted(() -> {
            ComputeStatus status = fetch(compute).getStatus();
            assertThat(status).isNotNull();
            Condition degraded = condition(status, ComputeStatus.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
            assertThat(degraded.getMessage()).contains("'port' is managed");
        });
        assertThat(client.pods().inNamespace(namespace).withName("ep-bad-8").get())
                .isNull();
    }

    private Compute compute(String name, String startLsn, long term) {
        ComputeSpec spec = new ComputeSpec();
        spec.setTenantId(TENANT);
        spec.setTimelineId(TIMELINE);
        spec.setEndpointId(name);
        spec.setPgVersion(16);
        spec.setComputeUnits(0.5);
        spec.setStartLsn(startLsn);
        spec.setTerm(term);
        spec.setStorageNodeUrl("http://storage-node.xenon:9898/");
        spec.setWalNodes(Stream.of(0, 1, 2)
                .map(i -> new ComputeSpec.WalNode("wal-" + i, "http://wal-node-" + i + ".wal-node.xenon:7676"))
                .toList());
        spec.setSettings(Map.of("work_mem", "8MB"));
        spec.setCredentialsSecret(name + "-credentials");
        Compute compute = new Compute();
        compute.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        compute.setSpec(spec);
        return compute;
    }

    /** Edits a compute's spec, again when the operator's status patch came in between (409). */
    private void editSpec(String name, java.util.function.Consumer<Compute> edit) {
        await().atMost(WAIT)
                .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .until(() -> {
                    client.resources(Compute.class)
                            .inNamespace(namespace)
                            .withName(name)
                            .edit(c -> {
                                edit.accept(c);
                                return c;
                            });
                    return true;
                });
    }

    private Compute fetch(Compute compute) {
        return client.resources(Compute.class)
                .inNamespace(namespace)
                .withName(compute.getMetadata().getName())
                .get();
    }

    private Pod awaitPod(String name) {
        return await().atMost(WAIT)
                .until(() -> client.pods().inNamespace(namespace).withName(name).get(), p -> p != null);
    }

    /** What the kubelet reports once the init container restored the data and pg_isready succeeds. */
    private void markReady(Pod pod) {
        pod.setStatus(new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("10.1.2.3")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime("2026-01-02T03:04:05Z")
                .endCondition()
                .addNewInitContainerStatus()
                .withName("fetch-basebackup")
                .withNewState()
                .withNewTerminated()
                .withExitCode(0)
                .endTerminated()
                .endState()
                .endInitContainerStatus()
                .addNewContainerStatus()
                .withName("postgres")
                .withReady(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt("2026-01-02T03:04:03Z")
                .endRunning()
                .endState()
                .endContainerStatus()
                .build());
        client.pods().resource(pod).updateStatus();
    }

    private static Condition condition(ComputeStatus status, String type) {
        return status.condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private List<io.fabric8.kubernetes.api.model.Event> events(String compute) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> compute.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private Map<String, String> resourceVersions(String name) {
        return Map.of(
                "compute",
                client.resources(Compute.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                        .getMetadata()
                        .getResourceVersion(),
                "pod",
                client.pods()
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                        .getMetadata()
                        .getResourceVersion(),
                "service",
                client.services()
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                        .getMetadata()
                        .getResourceVersion(),
                "configmap",
                client.configMaps()
                        .inNamespace(namespace)
                        .withName(name + "-config")
                        .get()
                        .getMetadata()
                        .getResourceVersion());
    }

    /** Deletes what names {@code ownerUid} as its owner, as Kubernetes' garbage collector would. */
    private void collectGarbage(String ownerUid) {
        Stream.of(
                        client.pods().inNamespace(namespace).list().getItems(),
                        client.services().inNamespace(namespace).list().getItems(),
                        client.configMaps().inNamespace(namespace).list().getItems())
                .flatMap(List::stream)
                .filter(o -> o.getMetadata().getOwnerReferences().stream()
                        .map(OwnerReference::getUid)
                        .anyMatch(ownerUid::equals))
                .forEach(o -> client.resource(o).delete());
        assertThat(client.pods().inNamespace(namespace).list().getItems())
                .noneMatch(p -> p.getMetadata().getName().equals("ep-owned-2"));
    }
}
