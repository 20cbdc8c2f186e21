package dev.xenon.operator.reconciler;

import dev.xenon.operator.OperatorProperties;
import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a {@link Compute}: brings its ConfigMap, service and pod to what {@link
 * ComputePods} describes and returns the status its pod shows. Idempotent: an object that already
 * is as wanted is not written, so a second pass over an unchanged compute writes nothing.
 *
 * <ul>
 *   <li>ConfigMap and service: created when missing, replaced when their data or spec differ.
 *   <li>Suspended: the pod is deleted; the service and the ConfigMap stay (the compute's address
 *       does not change across suspend and resume).
 *   <li>Running: the pod is created when missing; a pod built from another spec (its hash
 *       annotation differs, e.g. a new start LSN and term) is deleted and created anew on a later
 *       pass, once it is gone.
 * </ul>
 *
 * Everything is owned by the compute (a controller owner reference), so deleting the compute lets
 * Kubernetes' garbage collector delete the rest. Thread-safety: stateless apart from the client;
 * JOSDK never runs two passes over one compute at once.
 */
public final class ComputeReconciliation {

    private static final Logger log = LoggerFactory.getLogger(ComputeReconciliation.class);

    private final KubernetesClient client;
    private final OperatorProperties properties;
    private final ComputeStatuses statuses;
    private final ComputeEvents events;

    public ComputeReconciliation(KubernetesClient client, OperatorProperties properties, Clock clock) {
        this.client = client;
        this.properties = properties;
        this.statuses = new ComputeStatuses(clock, properties.clusterDomain());
        this.events = new ComputeEvents(client, clock);
    }

    /**
     * Reconciles the compute's objects and returns the status it should have.
     *
     * @throws IllegalArgumentException when its spec cannot be turned into a configuration (a
     *     managed setting, no WAL node); the caller reports it
     */
    public ComputeStatus apply(Compute compute) {
        String namespace = compute.getMetadata().getNamespace();
        applyConfigMap(compute, namespace);
        applyService(compute, namespace);
        Optional<Pod> pod = Optional.ofNullable(client.pods()
                .inNamespace(namespace)
                .withName(ComputeNames.pod(compute))
                .get());
        if (compute.getSpec().isSuspended()) {
            if (pod.isPresent() && pod.get().getMetadata().getDeletionTimestamp() == null) {
                log.info(
                        "{}/{}: suspended, deleting its pod",
                        namespace,
                        compute.getMetadata().getName());
                client.pods().resource(pod.get()).delete();
            }
        } else if (pod.isEmpty()) {
            Pod wanted = ComputePods.pod(compute, properties);
            log.info(
                    "{}/{}: creating its pod (timeline {}, start LSN {}, term {})",
                    namespace,
                    compute.getMetadata().getName(),
                    compute.getSpec().getTimelineId(),
                    compute.getSpec().getStartLsn(),
                    compute.getSpec().getTerm());
            pod = Optional.of(client.pods().resource(wanted).create());
        } else if (!Objects.equals(
                        pod.get().getMetadata().getAnnotations().get(ComputeNames.SPEC_HASH_ANNOTATION),
                        ComputePods.specHash(compute, properties))
                && pod.get().getMetadata().getDeletionTimestamp() == null) {
            log.info(
                    "{}/{}: its pod was built from another spec; replacing it",
                    namespace,
                    compute.getMetadata().getName());
            client.pods().resource(pod.get()).delete();
            pod = Optional.ofNullable(client.pods()
                    .inNamespace(namespace)
                    .withName(ComputeNames.pod(compute))
                    .get());
            if (pod.isEmpty()) { // gone at once (no grace period): no need to wait for its deletion event
                pod = Optional.of(client.pods()
                        .resource(ComputePods.pod(compute, properties))
                        .create());
            }
        }
        ComputeStatuses.Observation observation = ComputeStatuses.observe(compute, pod);
        ComputeStatus status = statuses.status(compute, observation);
        events.onTransition(
                compute,
                status,
                pod.map(p -> "pod-" + p.getMetadata().getUid())
                        .orElse("generation-" + compute.getMetadata().getGeneration()));
        return status;
    }

    /** Reports a spec that cannot be applied: the status says Degraded, an event says why. */
    public ComputeStatus invalid(Compute compute, String message) {
        ComputeStatuses.Observation observation =
                new ComputeStatuses.Observation(ComputeStatus.Phase.Failed, "InvalidSpec", message, false, null);
        ComputeStatus status = statuses.status(compute, observation);
        events.onTransition(
                compute, status, "generation-" + compute.getMetadata().getGeneration());
        return status;
    }

    private void applyConfigMap(Compute compute, String namespace) {
        ConfigMap wanted = ComputePods.configMap(compute);
        ConfigMap current = client.configMaps()
                .inNamespace(namespace)
                .withName(wanted.getMetadata().getName())
                .get();
        if (current == null) {
            client.configMaps().resource(wanted).create();
        } else if (!Objects.equals(current.getData(), wanted.getData())) {
            current.setData(wanted.getData());
            client.configMaps().resource(current).update();
        }
    }

    private void applyService(Compute compute, String namespace) {
        Service wanted = ComputePods.service(compute);
        Service current = client.services()
                .inNamespace(namespace)
                .withName(wanted.getMetadata().getName())
                .get();
        if (current == null) {
            client.services().resource(wanted).create();
            return;
        }
        var spec = current.getSpec();
        if (!Objects.equals(spec.getSelector(), wanted.getSpec().getSelector())
                || !Objects.equals(spec.getPorts(), wanted.getSpec().getPorts())) {
            spec.setSelector(wanted.getSpec().getSelector());
            spec.setPorts(wanted.getSpec().getPorts());
            client.services().resource(current).update();
        }
    }
}
