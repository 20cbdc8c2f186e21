package dev.xenon.console.endpoint;

import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.system.ConsoleErrors;
import dev.xenon.console.system.ConsoleProperties;
import dev.xenon.web.ConflictException;
import dev.xenon.web.NotFoundException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code wake_compute}: where the proxy connects a client of an endpoint, the endpoint's compute
 * started first when it does not run. A start goes through the same {@code start_compute}
 * operation the API schedules (the worker runs it, roles and databases are brought up to date), so
 * the operation log tells what happened. Concurrent wakes of one endpoint share one operation: the
 * check for an unfinished {@code start_compute} and the scheduling of a new one happen under the
 * project's row lock. Wakes bypass the 423 rule: a start queued behind a running operation of the
 * branch runs after it, as the worker drains a project in order.
 */
@Service
public class WakeService {

    private static final Logger log = LoggerFactory.getLogger(WakeService.class);
    private static final long POLL_MS = 50;

    /** Where a woken compute accepts connections. */
    public record Address(String endpointId, String host, int port) {}

    private final EndpointRepository endpoints;
    private final ProjectRepository projects;
    private final OperationRepository operationRepository;
    private final Operations operations;
    private final Computes computes;
    private final ConsoleProperties console;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, AtomicInteger> proxyConnections = new ConcurrentHashMap<>();

    WakeService(
            EndpointRepository endpoints,
            ProjectRepository projects,
            OperationRepository operationRepository,
            Operations operations,
            Computes computes,
            ConsoleProperties console,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters) {
        this.endpoints = endpoints;
        this.projects = projects;
        this.operationRepository = operationRepository;
        this.operations = operations;
        this.computes = computes;
        this.console = console;
        this.tx = tx;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * The address of the endpoint's running compute, started when needed. 404 for an unknown
     * endpoint (or one of a deleted project), 409 {@code ENDPOINT_DISABLED}, 503 {@code
     * COMPUTE_START_FAILED} / {@code WAKE_TIMEOUT}.
     */
    public Address wake(String endpointId) {
        long started = System.nanoTime();
        String result = "error";
        try {
            Optional<Address> running = runningAddress(endpointId);
            if (running.isPresent()) {
                result = "running";
                return running.get();
            }
            UUID start;
            while ((start = scheduleOrJoinStart(endpointId)) == null) {
                // a concurrent wake's start finished between the fast path and the lock
                running = runningAddress(endpointId);
                if (running.isPresent()) {
                    result = "running";
                    return running.get();
                }
            }
            // committed: the worker starts it now rather than at its next poll
            operations.pollNow();
            Address address = awaitStart(endpointId, start);
            result = "started";
            log.info(
                    "woke {}: {}:{} in {} ms",
                    endpointId,
                    address.host(),
                    address.port(),
                    (System.nanoTime() - started) / 1_000_000);
            return address;
        } finally {
            Timer.builder("xenon.console.wakes")
                    .description("wake_compute calls of the proxy, by result (running, started, error)")
                    .tag("result", result)
                    .register(meters)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** The proxy's report: {@code count} client connections to the endpoint now (&gt; 0 marks it active). */
    public void reportConnections(String endpointId, int count) {
        tx.executeWithoutResult(s -> {
            if (endpoints.findById(endpointId).isEmpty()) {
                throw new NotFoundException("endpoint " + endpointId + " not found");
            }
            if (count > 0) {
                endpoints.markActive(endpointId, clock.instant());
            }
        });
        proxyConnections
                .computeIfAbsent(endpointId, id -> {
                    AtomicInteger reported = new AtomicInteger();
                    Gauge.builder("xenon.console.proxy.connections", reported, AtomicInteger::get)
                            .description("client connections of the endpoint through the proxy, as last reported")
                            .tag("endpoint_id", id)
                            .register(meters);
                    return reported;
                })
                .set(count);
    }

    /** The fast path: active, its compute runs, nothing pending. No lock taken. */
    private Optional<Address> runningAddress(String endpointId) {
        Endpoint endpoint = tx.execute(s -> live(endpointId));
        if (endpoint.isDisabled()) {
            throw disabled(endpointId);
        }
        if (!Endpoint.ACTIVE.equals(endpoint.getCurrentState())
                || tx.execute(s -> operationRepository
                        .findFirstByEndpointIdAndStatusInOrderBySeqDesc(endpointId, Operation.UNFINISHED)
                        .isPresent())) {
            return Optional.empty();
        }
        return computes.running(endpointId).map(c -> new Address(endpointId, c.host(), c.port()));
    }

    /** The unfinished {@code start_compute} of the endpoint, or a new one (under the project lock). */
    /**
     * The start_compute operation to wait for: the unfinished one of the endpoint, or a new one;
     * null when, under the project's lock, the compute turns out to run already (a start that
     * finished since the caller looked).
     */
    private UUID scheduleOrJoinStart(String endpointId) {
        String projectId = tx.execute(s -> live(endpointId).getProjectId());
        return tx.execute(s -> {
            if (projects.lockById(projectId).map(p -> p.getDeletedAt() != null).orElse(true)) {
                throw new NotFoundException("endpoint " + endpointId + " not found");
            }
            Endpoint endpoint = live(endpointId);
            if (endpoint.isDisabled()) {
                throw disabled(endpointId);
            }
            Optional<Operation> pending = operationRepository.findFirstByEndpointIdAndStatusInOrderBySeqDesc(
                    endpointId, Operation.UNFINISHED);
            if (pending.isPresent()
                    && Actions.START_COMPUTE.equals(pending.get().getAction())) {
                return pending.get().getId();
            }
            if (pending.isEmpty()
                    && Endpoint.ACTIVE.equals(endpoint.getCurrentState())
                    && computes.running(endpointId).isPresent()) {
                return null; // started meanwhile: nothing to schedule
            }
            Operation start = operations.schedule(
                    projectId, endpoint.getBranchId(), endpointId, Actions.START_COMPUTE, Map.of("reason", "wake"));
            log.info("waking {}: scheduled {}", endpointId, start);
            return start.getId();
        });
    }

    private Address awaitStart(String endpointId, UUID operationId) {
        long deadline = System.nanoTime() + console.wakeTimeout().toNanos();
        while (true) {
            Operation operation = tx.execute(s -> operationRepository
                    .findById(operationId)
                    .orElseThrow(() -> new NotFoundException("endpoint " + endpointId + " not found")));
            switch (operation.getStatus()) {
                case Operation.FINISHED -> {
                    Endpoint endpoint = tx.execute(s -> live(endpointId));
                    return computes.running(endpointId)
                            .map(c -> new Address(endpointId, c.host(), c.port()))
                            .orElseGet(() -> new Address(endpointId, endpoint.getHost(), endpoint.getPort()));
                }
                case Operation.ERROR, Operation.SKIPPED ->
                    throw new ConsoleErrors.Unavailable(
                            "COMPUTE_START_FAILED",
                            "the compute of " + endpointId + " did not start: " + operation.getError());
                default -> {}
            }
            if (System.nanoTime() > deadline) {
                throw new ConsoleErrors.Unavailable(
                        "WAKE_TIMEOUT",
                        "the compute of " + endpointId + " did not start within " + console.wakeTimeout()
                                + " (operation " + operationId + " is " + operation.getStatus() + ")");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsoleErrors.Unavailable("WAKE_TIMEOUT", "interrupted while waking " + endpointId);
            }
        }
    }

    private Endpoint live(String endpointId) {
        Endpoint endpoint = endpoints
                .findById(endpointId)
                .orElseThrow(() -> new NotFoundException("endpoint " + endpointId + " not found"));
        if (projects.findById(endpoint.getProjectId())
                .map(p -> p.getDeletedAt() != null)
                .orElse(true)) {
            throw new NotFoundException("endpoint " + endpointId + " not found");
        }
        return endpoint;
    }

    private static ConflictException disabled(String endpointId) {
        return new ConflictException("ENDPOINT_DISABLED", null, "endpoint " + endpointId + " is disabled");
    }
}
