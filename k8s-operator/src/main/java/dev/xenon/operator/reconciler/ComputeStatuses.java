package dev.xenon.operator.reconciler;

import dev.xenon.operator.customresource.Compute;
import dev.xenon.operator.customresource.ComputeStatus;
import dev.xenon.operator.customresource.ComputeStatus.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A compute's status from its pod: phase, the {@code Ready}, {@code Progressing} and {@code
 * Degraded} conditions, address and start time. A condition keeps its {@code lastTransitionTime}
 * while its status stays, so observing the same pod twice gives an equal status.
 */
final class ComputeStatuses {

    /** Container waiting reasons that mean the pod will not become ready by waiting. */
    private static final Set<String> FAILING_REASONS = Set.of(
            "CrashLoopBackOff",
            "ImagePullBackOff",
            "ErrImagePull",
            "InvalidImageName",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");

    /** What the pod says, before it is turned into conditions. */
    record Observation(Phase phase, String reason, String message, boolean ready, String startedAt) {}

    private final Clock clock;
    private final String clusterDomain;

    ComputeStatuses(Clock clock, String clusterDomain) {
        this.clock = clock;
        this.clusterDomain = clusterDomain;
    }

    static Observation observe(Compute compute, Optional<Pod> pod) {
        if (compute.getSpec().isSuspended()) {
            return pod.isPresent()
                    ? new Observation(Phase.Suspended, "Suspending", "the pod is being deleted", false, null)
                    : new Observation(Phase.Suspended, "Suspended", "spec.suspended: no pod runs", false, null);
        }
        if (pod.isEmpty()) {
            return new Observation(Phase.Starting, "PodCreating", "the pod is being created", false, null);
        }
        Pod p = pod.get();
        if (p.getMetadata().getDeletionTimestamp() != null) {
            return new Observation(Phase.Starting, "PodReplacing", "the previous pod is being deleted", false, null);
        }
        var status = p.getStatus();
        if (status == null) {
            return new Observation(Phase.Starting, "PodPending", "the pod has no status yet", false, null);
        }
        if ("Failed".equals(status.getPhase())) {
            return new Observation(
                    Phase.Failed, "PodFailed", "the pod failed: " + String.valueOf(status.getMessage()), false, null);
        }
        Optional<String> initFailure = failure(status.getInitContainerStatuses(), true);
        if (initFailure.isPresent()) {
            return new Observation(Phase.Failed, "BasebackupFailed", initFailure.get(), false, null);
        }
        Optional<String> failure = failure(status.getContainerStatuses(), false);
        if (failure.isPresent()) {
            return new Observation(Phase.Failed, "PostgresFailing", failure.get(), false, null);
        }
        Optional<PodCondition> ready = Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst();
        if ("Running".equals(status.getPhase())
                && ready.isPresent()
                && "True".equals(ready.get().getStatus())) {
            String since = ready.get().getLastTransitionTime();
            return new Observation(Phase.Running, "PostgresReady", "Postgres accepts connections", true, since);
        }
        boolean restoring = Optional.ofNullable(status.getInitContainerStatuses()).orElse(List.of()).stream()
                .anyMatch(c -> c.getState() != null && c.getState().getTerminated() == null);
        return restoring
                ? new Observation(
                        Phase.Starting, "RestoringBasebackup", "the basebackup is being restored", false, null)
                : new Observation(
                        Phase.Starting, "PostgresStarting", "waiting for Postgres to accept connections", false, null);
    }

    /** A message when a container fails: waiting for a failing reason, or (init) terminated with an error. */
    private static Optional<String> failure(List<ContainerStatus> statuses, boolean init) {
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream()
                .flatMap(s -> {
                    var state = s.getState();
                    if (state == null) {
                        return Stream.empty();
                    }
                    if (state.getWaiting() != null
                            && FAILING_REASONS.contains(state.getWaiting().getReason())) {
                        return Stream.of("container " + s.getName() + ": "
                                + state.getWaiting().getReason() + ": "
                                + String.valueOf(state.getWaiting().getMessage()));
                    }
                    var lastTerminated =
                            s.getLastState() == null ? null : s.getLastState().getTerminated();
                    if (init
                            && state.getTerminated() == null
                            && lastTerminated != null
                            && lastTerminated.getExitCode() != null
                            && lastTerminated.getExitCode() != 0) {
                        return Stream.of("container " + s.getName() + " exited with " + lastTerminated.getExitCode()
                                + ": " + String.valueOf(lastTerminated.getMessage()));
                    }
                    return Stream.empty();
                })
                .findFirst();
    }

    /** The status the compute should have, given what its pod says and the status it has. */
    ComputeStatus status(Compute compute, Observation observation) {
        ComputeStatus previous = compute.getStatus() == null ? new ComputeStatus() : compute.getStatus();
        ComputeStatus next = new ComputeStatus();
        next.setPhase(observation.phase());
        next.setObservedGeneration(compute.getMetadata().getGeneration());
        boolean progressing = observation.phase() == Phase.Starting
                || (observation.phase() == Phase.Suspended && "Suspending".equals(observation.reason()));
        boolean degraded = observation.phase() == Phase.Failed;
        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(
                previous,
                compute,
                ComputeStatus.READY,
                observation.ready(),
                observation.reason(),
                observation.message()));
        conditions.add(condition(
                previous,
                compute,
                ComputeStatus.PROGRESSING,
                progressing,
                progressing ? observation.reason() : observation.phase().name(),
                progressing ? observation.message() : "nothing to do"));
        conditions.add(condition(
                previous,
                compute,
                ComputeStatus.DEGRADED,
                degraded,
                degraded ? observation.reason() : "AsExpected",
                degraded ? observation.message() : "no failure seen"));
        next.setConditions(conditions);
        if (observation.ready()) {
            next.setAddress(compute.getMetadata().getName() + "."
                    + compute.getMetadata().getNamespace() + ".svc." + clusterDomain);
            next.setPort(ComputeNames.POSTGRES_PORT);
            next.setStartedAt(observation.startedAt() != null ? observation.startedAt() : previousOrNow(previous));
        }
        return next;
    }

    private String previousOrNow(ComputeStatus previous) {
        return previous.getStartedAt() != null
                ? previous.getStartedAt()
                : clock.instant()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
    }

    private Condition condition(
            ComputeStatus previous, Compute compute, String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        String since = previous.condition(type)
                .filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(clock.instant()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString());
        return new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(since)
                .withObservedGeneration(compute.getMetadata().getGeneration())
                .build();
    }
}
