package dev.xenon.console.endpoint;

import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.system.ConsoleProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Suspend on idle: every {@code suspend-poll-interval}, counts the client connections of each active
 * endpoint through the compute driver; a connection refreshes {@code last_active}; an endpoint
 * without connections for its {@code suspend_timeout_seconds} (0: the default, -1: never) gets a
 * {@code suspend_compute} operation — unless an operation of its branch is still unfinished.
 */
@Component
class SuspendOnIdle {

    private static final Logger log = LoggerFactory.getLogger(SuspendOnIdle.class);

    private final EndpointRepository endpoints;
    private final ProjectRepository projects;
    private final OperationRepository operationRepository;
    private final Operations operations;
    private final Computes computes;
    private final ConsoleProperties console;
    private final TransactionTemplate tx;
    private final Clock clock;

    SuspendOnIdle(
            EndpointRepository endpoints,
            ProjectRepository projects,
            OperationRepository operationRepository,
            Operations operations,
            Computes computes,
            ConsoleProperties console,
            TransactionTemplate tx,
            Clock clock) {
        this.endpoints = endpoints;
        this.projects = projects;
        this.operationRepository = operationRepository;
        this.operations = operations;
        this.computes = computes;
        this.console = console;
        this.tx = tx;
        this.clock = clock;
    }

    @Scheduled(
            fixedDelayString = "${xenon.console.suspend-poll-interval:10s}",
            initialDelayString = "${xenon.console.suspend-poll-interval:10s}")
    void poll() {
        for (Endpoint endpoint : endpoints.findByCurrentState(Endpoint.ACTIVE)) {
            try {
                check(endpoint);
            } catch (RuntimeException e) {
                log.warn("suspend check of {} failed: {}", endpoint, e.getMessage());
            }
        }
    }

    private void check(Endpoint endpoint) {
        Optional<Integer> connections = computes.clientConnections(endpoint.getId());
        Instant now = clock.instant();
        if (connections.isPresent() && connections.get() > 0) {
            tx.executeWithoutResult(s -> endpoints.markActive(endpoint.getId(), now));
            return;
        }
        int timeout = console.effectiveSuspendTimeout(endpoint.getSuspendTimeoutSeconds());
        if (timeout < 0) {
            return;
        }
        Instant lastActive = endpoint.getLastActive() == null ? endpoint.getUpdatedAt() : endpoint.getLastActive();
        if (connections.isPresent()
                && lastActive.plus(Duration.ofSeconds(timeout)).isAfter(now)) {
            return;
        }
        // idle long enough, or the compute is gone (then the endpoint is idle in fact)
        tx.executeWithoutResult(s -> {
            if (projects.lockById(endpoint.getProjectId())
                    .map(p -> p.getDeletedAt() != null)
                    .orElse(true)) {
                return;
            }
            if (operationRepository.existsOnBranchWithStatus(endpoint.getBranchId(), Operation.UNFINISHED)) {
                return;
            }
            // The connections were counted on the endpoint as loaded at the start of the poll: if it was
            // started, suspended or changed since (every such change touches it, and the operation
            // doing it is unfinished until it has), that count says nothing about it now. A compute
            // just suspended by a call would otherwise look "gone" and get a second suspend_compute,
            // locking the branch (423) for the caller's next change, or a compute just started again
            // would be suspended at once.
            Endpoint current = endpoints.findById(endpoint.getId()).orElse(null);
            if (current == null
                    || !Endpoint.ACTIVE.equals(current.getCurrentState())
                    || !current.getUpdatedAt().equals(endpoint.getUpdatedAt())) {
                return;
            }
            log.info(
                    "{}: {}, suspending",
                    endpoint,
                    connections.isPresent() ? "no client connections for " + timeout + " s" : "its compute is gone");
            operations.schedule(
                    endpoint.getProjectId(),
                    endpoint.getBranchId(),
                    endpoint.getId(),
                    Actions.SUSPEND_COMPUTE,
                    Map.of("reason", "idle"));
        });
    }
}
