package dev.xenon.console.compute.kubernetes;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeToken;
import dev.xenon.common.postgres.ComputeConventions;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.console.compute.ComputeDriver;
import dev.xenon.console.compute.ComputeSpec;
import dev.xenon.console.compute.ComputeStartException;
import dev.xenon.console.compute.ComputeStopException;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.console.compute.local.RoleSetup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs computes on Kubernetes through the operator ({@code k8s-operator}): one {@code Compute}
 * resource ({@code computes.xenon.dev/v1alpha1}) per endpoint, named like the endpoint, in {@link
 * KubernetesComputeProperties#namespace()}; the operator makes a pod and a service of it. Active
 * when {@code xenon.compute.driver=kubernetes} ({@link KubernetesComputeConfiguration}).
 *
 * <p>Start: the data plane steps the local driver takes ({@link ComputeDataPlane}: term election,
 * ingest up to the start LSN); a Secret {@code <endpoint>-credentials} with the platform roles' SQL
 * ({@code roles.sql}, SCRAM verifiers only), the passwords the control plane needs later and this
 * process's node token ({@code node-token}, for the pod's basebackup download), if any; the
 * Compute created, or patched to the new start LSN and term with {@code suspended: false}; then it
 * waits for the Compute's {@code Ready} condition for that generation (a {@code Degraded} one fails
 * the start at once) and lets the WAL nodes follow the compute and the storage node attach to it.
 * A failed start leaves the Compute suspended.
 *
 * <p>Stop: the storage node detaches, the Compute gets {@code suspended: true} (the operator deletes
 * the pod, a fast shutdown), the driver waits for the {@code Suspended} phase and for the storage
 * node to ingest the committed WAL. The Compute and its service stay, so the endpoint keeps its
 * address.
 *
 * <p>The resource is handled as a generic object (field names as in the operator's CRD), so that
 * console-app needs no classes of the operator. Thread-safety: a lock per endpoint serialises its
 * start and stop.
 */
public class KubernetesComputeDriver implements ComputeDriver {

    static final ResourceDefinitionContext COMPUTES = new ResourceDefinitionContext.Builder()
            .withGroup("xenon.dev")
            .withVersion("v1alpha1")
            .withKind("Compute")
            .withPlural("computes")
            .withNamespaced(true)
            .build();
    static final String API_VERSION = "xenon.dev/v1alpha1";
    static final int POSTGRES_PORT = 5432;
    static final String ADMIN_ROLE = ComputeConventions.ADMIN_ROLE;
    static final String REPLICATION_ROLE = ComputeConventions.REPLICATION_ROLE;

    private static final Logger log = LoggerFactory.getLogger(KubernetesComputeDriver.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration POLL = Duration.ofMillis(200);

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesComputeProperties properties;
    private final ComputeDataPlane dataPlane;
    private final String storageNodeUrl;
    private final List<String> walNodes;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * @param storageNodeUrl the storage node as compute pods reach it
     * @param walNodes the WAL nodes' URLs, in the order of their names {@code wal-0}, {@code wal-1}, ...
     */
    KubernetesComputeDriver(
            KubernetesClient client,
            KubernetesComputeProperties properties,
            ComputeDataPlane dataPlane,
            String storageNodeUrl,
            List<String> walNodes) {
        this.client = client;
        this.properties = properties;
        this.namespace = properties.namespace().isBlank() ? client.getNamespace() : properties.namespace();
        this.dataPlane = dataPlane;
        this.storageNodeUrl = storageNodeUrl;
        this.walNodes = List.copyOf(walNodes);
        if (this.namespace == null || this.namespace.isBlank()) {
            throw new IllegalArgumentException("xenon.compute.kubernetes.namespace is empty and the client has none");
        }
        if (walNodes.isEmpty()) {
            throw new IllegalArgumentException("at least one WAL node is needed");
        }
    }

    /** Where clients and WAL nodes reach an endpoint's compute: its service. */
    String host(String endpointId) {
        return endpointId + "." + namespace + ".svc." + properties.clusterDomain();
    }

    @Override
    public RunningCompute start(ComputeSpec spec) {
        String id = checkName(spec.endpointId());
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            Optional<RunningCompute> current = running(id);
            if (current.isPresent()) {
                return current.get();
            }
            return startLocked(spec);
        } finally {
            lock.unlock();
        }
    }

    private RunningCompute startLocked(ComputeSpec spec) {
        long began = System.nanoTime();
        String id = spec.endpointId();
        String step = "reading its credentials";
        try {
            Map<String, String> credentials = credentials(id, spec.adminPassword());
            ComputeConnection connection = new ComputeConnection(
                    host(id), POSTGRES_PORT, REPLICATION_ROLE, credentials.get("replicator-password"));

            step = "electing a term on the WAL nodes and waiting for the storage node";
            ComputeDataPlane.PreparedStart start = dataPlane.prepareStart(spec.tenant(), spec.timeline(), connection);
            int pgVersion = pgVersion(spec, start.pgVersion());

            step = "writing Secret " + secretName(id);
            applySecret(id, credentials);
            step = "writing Compute " + namespace + "/" + id;
            GenericKubernetesResource compute = applyCompute(spec, pgVersion, start);
            long generation = compute.getMetadata().getGeneration() == null
                    ? 1
                    : compute.getMetadata().getGeneration();
            ownSecret(id, compute);
            log.info(
                    "{}: Compute {}/{} generation {} asks for a pod at {} (term {})",
                    id,
                    namespace,
                    id,
                    generation,
                    start.startLsn(),
                    start.term());

            step = "waiting for its pod to become ready";
            GenericKubernetesResource ready = awaitStatus(
                    id,
                    properties.readyTimeout(),
                    c -> observed(c, generation) && "True".equals(conditionStatus(c, "Ready")),
                    c -> observed(c, generation) && "True".equals(conditionStatus(c, "Degraded")));
            step = "telling the WAL nodes and the storage node about it";
            start.computeReady();
            RunningCompute running = toRunning(ready).orElseThrow();
            log.info(
                    "{}: started on {}:{} at {} in {} ms",
                    id,
                    running.host(),
                    running.port(),
                    start.startLsn(),
                    (System.nanoTime() - began) / 1_000_000);
            return running;
        } catch (RuntimeException e) {
            log.warn("{}: start failed while {}: {}", id, step, e.getMessage());
            suspendQuietly(id);
            throw new ComputeStartException(id, step + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(String endpointId) {
        String id = checkName(endpointId);
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            GenericKubernetesResource compute = get(id);
            if (compute == null || Boolean.TRUE.equals(spec(compute).get("suspended"))) {
                return;
            }
            TenantId tenant = TenantId.parse((String) spec(compute).get("tenantId"));
            TimelineId timeline = TimelineId.parse((String) spec(compute).get("timelineId"));
            RuntimeException failure = null;
            try {
                dataPlane.computeStopping(tenant, timeline);
            } catch (RuntimeException e) {
                log.warn("{}: detaching from the storage node failed: {}", id, e.getMessage());
                failure = e;
            }
            GenericKubernetesResource suspended = setSuspended(id, true);
            long generation = suspended.getMetadata().getGeneration() == null
                    ? 1
                    : suspended.getMetadata().getGeneration();
            try {
                awaitStatus(
                        id,
                        properties.stopTimeout(),
                        c -> observed(c, generation)
                                && "Suspended".equals(status(c).get("phase")),
                        c -> false);
                dataPlane.computeStopped(tenant, timeline);
            } catch (RuntimeException e) {
                failure = e;
            }
            if (failure != null) {
                throw new ComputeStopException(id, failure.getMessage(), failure);
            }
            log.info("{}: suspended (Compute {}/{} kept)", id, namespace, id);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<RunningCompute> running(String endpointId) {
        GenericKubernetesResource compute = get(checkName(endpointId));
        if (compute == null || Boolean.TRUE.equals(spec(compute).get("suspended"))) {
            return Optional.empty();
        }
        Long generation = compute.getMetadata().getGeneration();
        if (!observed(compute, generation == null ? 1 : generation)
                || !"True".equals(conditionStatus(compute, "Ready"))) {
            return Optional.empty();
        }
        return toRunning(compute);
    }

    @Override
    public Optional<Integer> clientConnections(String endpointId) {
        Optional<RunningCompute> running = running(endpointId);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        Secret secret = client.secrets()
                .inNamespace(namespace)
                .withName(secretName(endpointId))
                .get();
        if (secret == null) {
            return Optional.empty();
        }
        Properties props = new Properties();
        props.setProperty("user", ADMIN_ROLE);
        props.setProperty("password", decode(secret, "admin-password"));
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "xenon-control-plane");
        String url = "jdbc:postgresql://" + running.get().host() + ":"
                + running.get().port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, props);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND usename NOT IN ('" + ADMIN_ROLE + "', '"
                        + REPLICATION_ROLE + "')")) {
            rows.next();
            return Optional.of(rows.getInt(1));
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot count the client connections of " + endpointId + ": " + e.getMessage(), e);
        }
    }

    private static String checkName(String endpointId) {
        if (!endpointId.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException("endpoint id " + endpointId + " is no Kubernetes object name");
        }
        return endpointId;
    }

    private static int pgVersion(ComputeSpec spec, int timelineVersion) {
        if (timelineVersion > 0 && spec.pgVersion() > 0 && spec.pgVersion() != timelineVersion) {
            throw new IllegalArgumentException("the endpoint asks for PostgreSQL " + spec.pgVersion()
                    + ", but timeline " + spec.timeline() + " was bootstrapped with " + timelineVersion);
        }
        int version = timelineVersion > 0 ? timelineVersion : spec.pgVersion();
        if (version <= 0) {
            throw new IllegalArgumentException("the Postgres version of timeline " + spec.timeline() + " is unknown");
        }
        return version;
    }

    static String secretName(String endpointId) {
        return endpointId + "-credentials";
    }

    /** The endpoint's passwords: the replicator's is kept across starts, the admin's is the spec's. */
    private Map<String, String> credentials(String endpointId, String adminPassword) {
        Secret existing = client.secrets()
                .inNamespace(namespace)
                .withName(secretName(endpointId))
                .get();
        String replicator = existing != null
                        && existing.getData() != null
                        && existing.getData().containsKey("replicator-password")
                ? decode(existing, "replicator-password")
                : newPassword();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("admin-password", adminPassword);
        data.put("replicator-password", replicator);
        data.put("roles.sql", RoleSetup.sql(adminPassword, replicator));
        // the compute pod's basebackup download authenticates to the storage node with it
        NodeToken.current().ifPresent(token -> data.put("node-token", token));
        return data;
    }

    private void applySecret(String endpointId, Map<String, String> credentials) {
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName(secretName(endpointId))
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "xenon-console")
                .addToLabels("xenon.dev/compute", endpointId)
                .endMetadata()
                .withType("Opaque")
                .withData(encode(credentials))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
    }

    /** The secret goes with the Compute: an owner reference, so deleting the Compute deletes it. */
    private void ownSecret(String endpointId, GenericKubernetesResource compute) {
        client.secrets().inNamespace(namespace).withName(secretName(endpointId)).edit(secret -> {
            secret.getMetadata()
                    .setOwnerReferences(List.of(new OwnerReferenceBuilder()
                            .withApiVersion(API_VERSION)
                            .withKind("Compute")
                            .withName(endpointId)
                            .withUid(compute.getMetadata().getUid())
                            .withBlockOwnerDeletion(true)
                            .build()));
            return secret;
        });
    }

    /** Creates the Compute, or sets a new start on the existing one; returns it as written. */
    private GenericKubernetesResource applyCompute(
            ComputeSpec spec, int pgVersion, ComputeDataPlane.PreparedStart start) {
        String id = spec.endpointId();
        Map<String, Object> wanted = new LinkedHashMap<>();
        wanted.put("tenantId", spec.tenant().toString());
        wanted.put("timelineId", spec.timeline().toString());
        wanted.put("endpointId", id);
        wanted.put("pgVersion", pgVersion);
        wanted.put("image", properties.imageRepository() + ":" + pgVersion);
        wanted.put("computeUnits", properties.computeUnits());
        wanted.put("startLsn", start.startLsn().toString());
        wanted.put("term", start.term());
        wanted.put("storageNodeUrl", storageNodeUrl);
        wanted.put(
                "walNodes",
                IntStream.range(0, walNodes.size())
                        .mapToObj(i -> Map.of("name", "wal-" + i, "address", walNodes.get(i)))
                        .toList());
        wanted.put("settings", new LinkedHashMap<>(spec.settings()));
        wanted.put("credentialsSecret", secretName(id));
        wanted.put("suspended", false);
        GenericKubernetesResource existing = get(id);
        if (existing == null) {
            GenericKubernetesResource compute = new GenericKubernetesResourceBuilder()
                    .withApiVersion(API_VERSION)
                    .withKind("Compute")
                    .withNewMetadata()
                    .withName(id)
                    .withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "xenon-console")
                    .endMetadata()
                    .build();
            compute.setAdditionalProperty("spec", wanted);
            return computes().resource(compute).create();
        }
        return computes().withName(id).edit(c -> {
            c.setAdditionalProperty("spec", wanted);
            return c;
        });
    }

    private GenericKubernetesResource setSuspended(String endpointId, boolean suspended) {
        return computes().withName(endpointId).edit(c -> {
            Map<String, Object> spec = new LinkedHashMap<>(spec(c));
            spec.put("suspended", suspended);
            c.setAdditionalProperty("spec", spec);
            return c;
        });
    }

    private void suspendQuietly(String endpointId) {
        try {
            if (get(endpointId) != null) {
                setSuspended(endpointId, true);
            }
        } catch (KubernetesClientException e) {
            log.warn("{}: cannot suspend its Compute after a failed start: {}", endpointId, e.getMessage());
        }
    }

    /** Polls the Compute until {@code done}; fails at once on {@code failed}, or at the timeout. */
    private GenericKubernetesResource awaitStatus(
            String endpointId,
            Duration timeout,
            Predicate<GenericKubernetesResource> done,
            Predicate<GenericKubernetesResource> failed) {
        long deadline = System.nanoTime() + timeout.toNanos();
        GenericKubernetesResource compute;
        while (true) {
            compute = get(endpointId);
            if (compute == null) {
                throw new IllegalStateException("Compute " + namespace + "/" + endpointId + " was deleted");
            }
            if (done.test(compute)) {
                return compute;
            }
            if (failed.test(compute)) {
                throw new IllegalStateException("the operator reports " + describe(compute));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + timeout + ": " + describe(compute));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Compute " + endpointId);
            }
        }
    }

    private Optional<RunningCompute> toRunning(GenericKubernetesResource compute) {
        Map<String, Object> status = status(compute);
        Object address = status.get("address");
        Object startLsn = spec(compute).get("startLsn");
        if (address == null || startLsn == null) {
            return Optional.empty();
        }
        int port = status.get("port") instanceof Number n ? n.intValue() : POSTGRES_PORT;
        Instant startedAt = status.get("startedAt") instanceof String s ? Instant.parse(s) : Instant.now();
        return Optional.of(new RunningCompute(
                compute.getMetadata().getName(), (String) address, port, Lsn.parse((String) startLsn), startedAt));
    }

    private GenericKubernetesResource get(String endpointId) {
        return computes().withName(endpointId).get();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                    GenericKubernetesResource,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
                    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
            computes() {
        return client.genericKubernetesResources(COMPUTES).inNamespace(namespace);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource compute) {
        Object spec = compute.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource compute) {
        Object status = compute.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Whether the operator's status describes this generation of the spec (or a later one). */
    private static boolean observed(GenericKubernetesResource compute, long generation) {
        return status(compute).get("observedGeneration") instanceof Number n && n.longValue() >= generation;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(GenericKubernetesResource compute, String type) {
        if (status(compute).get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return Map.of();
    }

    private static String conditionStatus(GenericKubernetesResource compute, String type) {
        return (String) condition(compute, type).get("status");
    }

    private static String describe(GenericKubernetesResource compute) {
        Map<String, Object> status = status(compute);
        Map<String, Object> degraded = condition(compute, "Degraded");
        Map<String, Object> ready = condition(compute, "Ready");
        return "phase " + status.get("phase") + ", Ready " + ready.get("status") + " (" + ready.get("reason") + ": "
                + ready.get("message") + ")"
                + ("True".equals(degraded.get("status"))
                        ? ", Degraded (" + degraded.get("reason") + ": " + degraded.get("message") + ")"
                        : "");
    }

    private static Map<String, String> encode(Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return data;
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
