package dev.xenon.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart {@code helm/xenon}, through Helm itself (helm-java bundles it): it lints, and what it
 * renders with the default and with production-like values are Kubernetes objects that Fabric8's
 * typed model reads without a single unknown field (a misspelt or misplaced key would land in an
 * {@code additionalProperties} map), with the settings the apps need.
 */
class HelmChartTest {

    static final Path CHART = Path.of("..", "helm", "xenon").toAbsolutePath().normalize();
    static final Path PRODUCTION_VALUES = Path.of("src/test/resources/helm/production-values.yaml");
    static final Path GENERATED_CRD = Path.of("target/classes/META-INF/fabric8/computes.xenon.dev-v1.yml");

    @Test
    void lintPasses() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
    }

    @Test
    void defaultValuesRenderStrictlyTypedObjects() {
        List<HasMetadata> objects = render(null);

        assertThat(kinds(objects))
                .contains(
                        "Deployment/xenon-console-app",
                        "Service/xenon-console-app",
                        "Deployment/xenon-proxy",
                        "Service/xenon-proxy",
                        "StatefulSet/xenon-storage-node",
                        "StatefulSet/xenon-wal-node",
                        "Deployment/xenon-operator",
                        "Role/xenon-operator",
                        "RoleBinding/xenon-operator",
                        "StatefulSet/xenon-metadata",
                        "Secret/xenon-console",
                        "Secret/xenon-metadata",
                        "CustomResourceDefinition/computes.xenon.dev")
                .doesNotContain("Ingress/xenon-console-app");
        objects.forEach(HelmChartTest::assertNoUnknownFields);

        StatefulSet walNodes = find(objects, StatefulSet.class, "xenon-wal-node");
        assertThat(walNodes.getSpec().getReplicas()).isEqualTo(3);
        assertThat(walNodes.getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(walNodes.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAffinity()
                        .getPodAntiAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
        assertThat(walNodes.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("XENON_WAL_NODE_NAME");
                    assertThat(env.getValue()).isEqualTo("wal-$(POD_INDEX)");
                });
        assertThat(find(objects, StatefulSet.class, "xenon-storage-node")
                        .getSpec()
                        .getVolumeClaimTemplates())
                .hasSize(1);
        Service proxy = find(objects, Service.class, "xenon-proxy");
        assertThat(proxy.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(proxy.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort())
                .isEqualTo(5432));

        for (PodSpec pod : xenonPods(objects)) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            pod.getContainers().forEach(c -> assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
                    .as("read-only root of %s", c.getName())
                    .isTrue());
        }

        assertThat(kinds(objects)).contains("Secret/xenon-node-token");
        for (String workload : List.of("xenon-console-app", "xenon-storage-node", "xenon-wal-node")) {
            PodSpec pod = objects.stream()
                    .filter(o -> o.getMetadata().getName().equals(workload))
                    .flatMap(o -> xenonPods(List.of(o)).stream())
                    .findFirst()
                    .orElseThrow();
            assertThat(pod.getContainers().getFirst().getEnv())
                    .as("the node token of %s", workload)
                    .anySatisfy(env -> {
                        assertThat(env.getName()).isEqualTo("XENON_NODE_TOKEN");
                        assertThat(env.getValueFrom().getSecretKeyRef().getName())
                                .isEqualTo("xenon-node-token");
                        assertThat(env.getValueFrom().getSecretKeyRef().getKey())
                                .isEqualTo("node-token");
                    });
        }

        Map<String, Object> console = appConfig(objects, "xenon-console-app", "console-app.yaml");
        assertThat(path(console, "xenon", "compute", "driver")).isEqualTo("kubernetes");
        assertThat(path(console, "xenon", "storage-node-url"))
                .isEqualTo("http://xenon-storage-node-0.xenon-storage-node.xenon.svc:9898");
        assertThat(path(console, "xenon", "wal-nodes"))
                .isEqualTo("http://xenon-wal-node-0.xenon-wal-node.xenon.svc:7676,"
                        + "http://xenon-wal-node-1.xenon-wal-node.xenon.svc:7676,"
                        + "http://xenon-wal-node-2.xenon-wal-node.xenon.svc:7676");
        Map<String, Object> storage = appConfig(objects, "xenon-storage-node", "storage-node.yaml");
        assertThat(path(storage, "xenon", "storage-node", "remote", "kind")).isEqualTo("local");
    }

    @Test
    void productionValuesRenderStrictlyTypedObjects() {
        List<HasMetadata> objects = render(PRODUCTION_VALUES);

        assertThat(kinds(objects))
                .contains(
                        "Ingress/xenon-console-app",
                        "ServiceMonitor/xenon-wal-node",
                        "Role/xenon-operator",
                        "CustomResourceDefinition/computes.xenon.dev")
                .doesNotContain("StatefulSet/xenon-metadata", "Secret/xenon-console", "Secret/xenon-s3");
        objects.forEach(HelmChartTest::assertNoUnknownFields);

        assertThat(find(objects, Ingress.class, "xenon-console-app")
                        .getSpec()
                        .getRules()
                        .getFirst()
                        .getHost())
                .isEqualTo("console.xenon.example.com");
        Deployment console = find(objects, Deployment.class, "xenon-console-app");
        assertThat(console.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("registry.example.com/xenon/xenon-console-app:0.1.0");
        assertThat(console.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("XENON_CONSOLE_DB_URL");
                    assertThat(env.getValue())
                            .isEqualTo("jdbc:postgresql://metadata.db.example.com:5432/xenon_console");
                });
        assertThat(objects).filteredOn(o -> o.getKind().equals("Role")).allSatisfy(role -> assertThat(
                        role.getMetadata().getNamespace())
                .isEqualTo("xenon-computes"));
        Map<String, Object> storage = appConfig(objects, "xenon-storage-node", "storage-node.yaml");
        assertThat(path(storage, "xenon", "storage-node", "remote", "kind")).isEqualTo("s3");
        assertThat(path(storage, "xenon", "storage-node", "remote", "s3", "bucket"))
                .isEqualTo("xenon-layers");
        assertThat(path(storage, "xenon", "storage-node", "remote", "s3", "secret-key"))
                .isEqualTo("${XENON_S3_SECRET_KEY}");
        Map<String, Object> consoleConfig = appConfig(objects, "xenon-console-app", "console-app.yaml");
        assertThat(path(consoleConfig, "xenon", "console", "proxy-host")).isEqualTo("db.xenon.example.com");
        assertThat(path(consoleConfig, "xenon", "compute", "kubernetes", "namespace"))
                .isEqualTo("xenon-computes");
        assertThat(find(objects, StatefulSet.class, "xenon-wal-node")
                        .getSpec()
                        .getVolumeClaimTemplates()
                        .getFirst()
                        .getSpec()
                        .getStorageClassName())
                .isEqualTo("io2");
    }

    @Test
    void theRenderedCrdIsTheGeneratedOne() throws Exception {
        CustomResourceDefinition generated =
                Serialization.unmarshal(Files.readString(GENERATED_CRD), CustomResourceDefinition.class);
        CustomResourceDefinition rendered = find(render(null), CustomResourceDefinition.class, "computes.xenon.dev");
        assertThat(rendered).isEqualTo(generated);
        assertThat(Files.readString(CHART.resolve("crds/computes.xenon.dev-v1.yml")))
                .as(
                        "helm/xenon/crds/computes.xenon.dev-v1.yml is the CRD generated from the Java classes;"
                                + " after changing them, copy %s there",
                        GENERATED_CRD)
                .isEqualTo(Files.readString(GENERATED_CRD));
    }

    /**
     * What {@code helm template --include-crds xenon helm/xenon -n xenon --kube-version 1.30.0 [-f
     * values]} prints, each document typed: helm-java's template leaves out the chart's {@code
     * crds/}, so they come from {@code helm show crds} (what {@code helm install} applies first).
     */
    static List<HasMetadata> render(Path values) {
        var template = new Helm(CHART)
                .template()
                .withName("xenon")
                .withNamespace("xenon")
                .withKubeVersion("1.30.0");
        if (values != null) {
            template = template.withValuesFile(values.toAbsolutePath());
        }
        String manifests = new Helm(CHART).show().crds().call() + "\n---\n" + template.call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            objects.add(Serialization.unmarshal(document, HasMetadata.class));
        }
        return objects;
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList();
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + kinds(objects)));
    }

    private static List<PodSpec> xenonPods(List<HasMetadata> objects) {
        return objects.stream()
                .flatMap(o -> switch (o) {
                    case Deployment d -> Stream.of(d.getSpec().getTemplate().getSpec());
                    case StatefulSet s -> Stream.of(s.getSpec().getTemplate().getSpec());
                    default -> Stream.empty();
                })
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> appConfig(List<HasMetadata> objects, String configMap, String file) {
        String yaml = find(objects, ConfigMap.class, configMap).getData().get(file);
        assertThat(yaml).as("%s in ConfigMap %s", file, configMap).isNotNull();
        return new Yaml().load(yaml);
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> tree, String... keys) {
        Object node = tree;
        for (String key : keys) {
            assertThat(node).as("%s in %s", key, tree).isInstanceOf(Map.class);
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }

    /**
     * Fails when any object in the tree has additional properties: keys the typed model does not
     * know. Kinds outside Fabric8's model (ServiceMonitor) are generic: they are checked for a spec.
     */
    static void assertNoUnknownFields(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            assertThat(generic.getKind()).as("an untyped object").isEqualTo("ServiceMonitor");
            assertThat(generic.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(generic.getAdditionalProperties()).containsOnlyKeys("spec");
            return;
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
        assertThat(unknown).as("unknown fields").isEmpty();
    }

    private static void collectUnknown(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown));
            return;
        }
        if (!(node instanceof KubernetesResource)
                || !node.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknown(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
