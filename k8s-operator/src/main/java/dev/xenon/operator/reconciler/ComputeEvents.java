package dev.xenon.operator.reconciler;

import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes events on a compute ({@code kubectl describe compute ...}): a {@code Warning} when it
 * becomes {@code Degraded} (or is degraded for another reason), a {@code Normal} one when it
 * becomes ready. Emitted on transitions only, so passes over an unchanged compute emit nothing.
 * The event's name is derived from the compute, the reason and what it is about (the pod's uid, or
 * the compute's generation): a pass that saw a stale status (the informer's cache lags behind the
 * status just patched) does not record the same event twice.
 */
final class ComputeEvents {

    private static final Logger log = LoggerFactory.getLogger(ComputeEvents.class);

    private final KubernetesClient client;
    private final Clock clock;

    ComputeEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    void onTransition(Compute compute, ComputeStatus next, String subject) {
        ComputeStatus previous = compute.getStatus() == null ? new ComputeStatus() : compute.getStatus();
        Optional<Condition> degraded = next.condition(ComputeStatus.DEGRADED).filter(c -> "True".equals(c.getStatus()));
        if (degraded.isPresent()
                && !previous.condition(ComputeStatus.DEGRADED)
                        .filter(c -> "True".equals(c.getStatus()))
                        .map(Condition::getReason)
                        .equals(Optional.of(degraded.get().getReason()))) {
            emit(
                    compute,
                    subject,
                    "Warning",
                    degraded.get().getReason(),
                    degraded.get().getMessage());
        }
        boolean ready = next.condition(ComputeStatus.READY)
                .map(c -> "True".equals(c.getStatus()))
                .orElse(false);
        boolean wasReady = previous.condition(ComputeStatus.READY)
                .map(c -> "True".equals(c.getStatus()))
                .orElse(false);
        if (ready && !wasReady) {
            emit(compute, subject, "Normal", "Ready", "Postgres accepts connections at " + next.getAddress());
        }
    }

    private void emit(Compute compute, String subject, String type, String reason, String message) {
        String now = clock.instant()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(compute.getMetadata().getName() + "." + name(reason + "/" + subject))
                .withNamespace(compute.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(compute.getApiVersion())
                .withKind(compute.getKind())
                .withName(compute.getMetadata().getName())
                .withNamespace(compute.getMetadata().getNamespace())
                .withUid(compute.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(Objects.requireNonNullElse(message, ""))
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent("xenon-operator")
                .endSource()
                .build();
        try {
            client.v1().events().resource(event).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // recorded by an earlier pass
            }
            log.warn(
                    "{}/{}: cannot record event {}: {}",
                    compute.getMetadata().getNamespace(),
                    compute.getMetadata().getName(),
                    reason,
                    e.getMessage());
        }
    }

    private static String name(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
