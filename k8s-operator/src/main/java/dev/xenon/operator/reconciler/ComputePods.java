package dev.xenon.operator.reconciler;

import dev.xenon.operator.OperatorProperties;
import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The objects a running {@link Compute} is made of, as the operator wants them: a ConfigMap with
 * Postgres' configuration ({@link PostgresConfig}), a pod and a service. Pure functions of the
 * compute and the operator's settings.
 *
 * <p>The pod: an init container ({@code fetch-basebackup}, {@link OperatorProperties#fetchImage()})
 * streams the storage node's basebackup at {@code spec.startLsn} (with the node token of the
 * credentials Secret, key {@code node-token}, when it has one) into an {@code emptyDir}
 * ({@value #DATA_DIR}); the main container ({@code postgres}) is the stock {@code postgres} image
 * started on it with the ConfigMap's {@code postgresql.conf}. Readiness: {@code pg_isready} on the
 * Unix socket. With {@code spec.credentialsSecret}, a {@code postStart} hook runs the secret's
 * {@code roles.sql} as {@code cloud_admin} over the socket once Postgres accepts connections (the
 * container counts as started only after it). Both containers run as the image's {@code postgres}
 * user (uid 999), without privileges, on a read-only root file system.
 *
 * <p>The pod carries the hash of everything it was built from ({@value
 * ComputeNames#SPEC_HASH_ANNOTATION}); a compute whose hash differs (a new start LSN and term, other
 * resources or settings) gets a new pod.
 */
public final class ComputePods {

    static final String DATA_VOLUME_DIR = "/pgdata";
    static final String DATA_DIR = DATA_VOLUME_DIR + "/pgdata";
    static final String CREDENTIALS_DIR = "/etc/xenon-credentials";
    static final long POSTGRES_UID = 999;

    private ComputePods() {}

    public static String image(ComputeSpec spec) {
        return spec.getImage() == null || spec.getImage().isBlank()
                ? "postgres:" + spec.getPgVersion()
                : spec.getImage();
    }

    /** {@code <storage node>/v1/tenant/<tenant>/timeline/<timeline>/basebackup?lsn=<start LSN>}. */
    public static String basebackupUrl(ComputeSpec spec) {
        String base = spec.getStorageNodeUrl().replaceAll("/+$", "");
        return base + "/v1/tenant/" + spec.getTenantId() + "/timeline/" + spec.getTimelineId() + "/basebackup?lsn="
                + spec.getStartLsn();
    }

    public static OwnerReference ownerReference(Compute compute) {
        return new OwnerReferenceBuilder()
                .withApiVersion(compute.getApiVersion())
                .withKind(compute.getKind())
                .withName(compute.getMetadata().getName())
                .withUid(compute.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    public static ConfigMap configMap(Compute compute) {
        Map<String, String> settings =
                PostgresConfig.settings(compute.getMetadata().getName(), compute.getSpec());
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ComputeNames.configMap(compute))
                .withNamespace(compute.getMetadata().getNamespace())
                .withLabels(ComputeNames.labels(compute))
                .withOwnerReferences(ownerReference(compute))
                .endMetadata()
                .addToData("postgresql.conf", PostgresConfig.postgresqlConf(settings))
                .addToData("pg_hba.conf", PostgresConfig.PG_HBA)
                .build();
    }

    public static Service service(Compute compute) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ComputeNames.service(compute))
                .withNamespace(compute.getMetadata().getNamespace())
                .withLabels(ComputeNames.labels(compute))
                .withOwnerReferences(ownerReference(compute))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ComputeNames.selector(compute))
                .addNewPort()
                .withName("postgres")
                .withProtocol("TCP")
                .withPort(ComputeNames.POSTGRES_PORT)
                .withNewTargetPort("postgres")
                .endPort()
                .endSpec()
                .build();
    }

    /** The pod, annotated with {@link #specHash}. */
    public static Pod pod(Compute compute, OperatorProperties properties) {
        ComputeSpec spec = compute.getSpec();
        List<VolumeMount> postgresMounts = new ArrayList<>(List.of(
                mount("data", DATA_VOLUME_DIR, false),
                mount("config", PostgresConfig.CONFIG_DIR, true),
                mount("socket", PostgresConfig.SOCKET_DIR, false),
                mount("tmp", "/tmp", false)));
        boolean credentials = spec.getCredentialsSecret() != null
                && !spec.getCredentialsSecret().isBlank();
        if (credentials) {
            postgresMounts.add(mount("credentials", CREDENTIALS_DIR, true));
        }
        Container fetch = new ContainerBuilder()
                .withName("fetch-basebackup")
                .withImage(properties.fetchImage())
                .withCommand("sh", "-c", FETCH_SCRIPT)
                .withEnv(fetchEnv(spec, credentials))
                .withVolumeMounts(mount("data", DATA_VOLUME_DIR, false), mount("tmp", "/tmp", false))
                .withSecurityContext(containerSecurityContext())
                .build();
        ContainerBuilder postgres = new ContainerBuilder()
                .withName("postgres")
                .withImage(image(spec))
                .withCommand(
                        "postgres",
                        "-D",
                        DATA_DIR,
                        "-c",
                        "config_file=" + PostgresConfig.CONFIG_DIR + "/postgresql.conf")
                .addNewEnv()
                .withName("PGDATA")
                .withValue(DATA_DIR)
                .endEnv()
                .addNewPort()
                .withName("postgres")
                .withContainerPort(ComputeNames.POSTGRES_PORT)
                .withProtocol("TCP")
                .endPort()
                .withResources(ComputeResources.of(spec.getComputeUnits()))
                .withNewReadinessProbe()
                .withNewExec()
                .withCommand(
                        "pg_isready",
                        "-q",
                        "-h",
                        PostgresConfig.SOCKET_DIR,
                        "-p",
                        Integer.toString(ComputeNames.POSTGRES_PORT),
                        "-U",
                        PostgresConfig.ADMIN_ROLE,
                        "-d",
                        "postgres")
                .endExec()
                .withPeriodSeconds(2)
                .withTimeoutSeconds(5)
                .withFailureThreshold(3)
                .endReadinessProbe()
                .withVolumeMounts(postgresMounts)
                .withSecurityContext(containerSecurityContext());
        if (credentials) {
            postgres.withNewLifecycle()
                    .withNewPostStart()
                    .withNewExec()
                    .withCommand("sh", "-c", ROLES_SCRIPT)
                    .endExec()
                    .endPostStart()
                    .endLifecycle();
        }
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(ComputeNames.pod(compute))
                .withNamespace(compute.getMetadata().getNamespace())
                .withLabels(ComputeNames.labels(compute))
                .addToAnnotations(ComputeNames.SPEC_HASH_ANNOTATION, specHash(compute, properties))
                .withOwnerReferences(ownerReference(compute))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Always")
                .withEnableServiceLinks(false)
                .withAutomountServiceAccountToken(false)
                .withTerminationGracePeriodSeconds(30L)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(POSTGRES_UID)
                .withRunAsGroup(POSTGRES_UID)
                .withFsGroup(POSTGRES_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withInitContainers(fetch)
                .withContainers(postgres.build())
                .addNewVolume()
                .withName("data")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addNewVolume()
                .withName("socket")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addNewVolume()
                .withName("config")
                .withNewConfigMap()
                .withName(ComputeNames.configMap(compute))
                .endConfigMap()
                .endVolume()
                .endSpec();
        if (credentials) {
            pod.editSpec()
                    .addNewVolume()
                    .withName("credentials")
                    .withNewSecret()
                    .withSecretName(spec.getCredentialsSecret())
                    .withDefaultMode(0400)
                    .endSecret()
                    .endVolume()
                    .endSpec();
        }
        return pod.build();
    }

    /**
     * Hash of everything a pod is built from except its name: the spec without {@code suspended},
     * the configuration and the operator's images. Equal hashes, equal pods.
     */
    public static String specHash(Compute compute, OperatorProperties properties) {
        ComputeSpec spec = compute.getSpec();
        String material = String.join(
                "\n",
                image(spec),
                properties.fetchImage(),
                basebackupUrl(spec),
                Long.toString(spec.getTerm()),
                Double.toString(spec.getComputeUnits()),
                String.valueOf(spec.getCredentialsSecret()),
                PostgresConfig.postgresqlConf(
                        PostgresConfig.settings(compute.getMetadata().getName(), spec)),
                PostgresConfig.PG_HBA);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The init container's environment: the basebackup URL, the data directory and, when the
     * credentials Secret has one, the node token ({@code node-token}) the storage node's API wants.
     */
    private static List<EnvVar> fetchEnv(ComputeSpec spec, boolean credentials) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder()
                .withName("BASEBACKUP_URL")
                .withValue(basebackupUrl(spec))
                .build());
        env.add(new EnvVarBuilder().withName("PGDATA").withValue(DATA_DIR).build());
        if (credentials) {
            env.add(new EnvVarBuilder()
                    .withName("XENON_NODE_TOKEN")
                    .withNewValueFrom()
                    .withNewSecretKeyRef()
                    .withName(spec.getCredentialsSecret())
                    .withKey("node-token")
                    .withOptional(true)
                    .endSecretKeyRef()
                    .endValueFrom()
                    .build());
        }
        return env;
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withReadOnly(readOnly)
                .build();
    }

    private static SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build();
    }

    /**
     * Streams the basebackup tar into a fresh {@code 0700} data directory (Postgres refuses one
     * others can read). A restart of the init container starts over.
     */
    static final String FETCH_SCRIPT = """
            set -eu
            set -o pipefail
            rm -rf "$PGDATA"
            mkdir -p "$PGDATA"
            chmod 0700 "$PGDATA"
            if [ -n "${XENON_NODE_TOKEN:-}" ]; then
              set -- -H "Authorization: Bearer $XENON_NODE_TOKEN"
            fi
            curl -fsS --retry 5 --retry-connrefused "$@" "$BASEBACKUP_URL" | tar -x -C "$PGDATA"
            chmod 0700 "$PGDATA"
            echo "restored $BASEBACKUP_URL into $PGDATA"
            """;

    /** Waits for Postgres, then runs the credentials' {@code roles.sql} without waiting for WAL nodes. */
    static final String ROLES_SCRIPT = """
            set -eu
            until pg_isready -q -h %1$s -p %2$d; do sleep 0.5; done
            PGOPTIONS='-c synchronous_commit=local' psql -X -q -v ON_ERROR_STOP=1 -h %1$s -p %2$d -U %3$s -d postgres \
              -f %4$s/roles.sql
            """.formatted(
                    PostgresConfig.SOCKET_DIR, ComputeNames.POSTGRES_PORT, PostgresConfig.ADMIN_ROLE, CREDENTIALS_DIR);
}
