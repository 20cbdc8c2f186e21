package dev.xenon.console.operation;

import dev.xenon.console.model.Operation;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.console.system.ConsoleProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Executes persisted operations. Every poll finds the projects with due work; each such project is
 * drained by one virtual thread, oldest operation first, one at a time — so an operation only runs
 * once every earlier operation of its project has finished (a branch's timeline exists before its
 * compute starts). Projects run in parallel.
 *
 * <p>A failed attempt is retried after {@code operation-retry-delay}, doubling up to {@code
 * operation-max-retry-delay}, until {@code operation-max-attempts}; then the operation ends in
 * {@code error} and the unfinished operations queued behind it on its branch are {@code skipped}.
 * After a restart, operations left {@code running} are attempted again (handlers are idempotent).
 * One worker per metadata database: see docs/control-plane.md.
 */
@Component
class OperationWorker {

    private static final Logger log = LoggerFactory.getLogger(OperationWorker.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final OperationRepository repository;
    private final Map<String, OperationHandler> handlers = new HashMap<>();
    private final TransactionTemplate tx;
    private final ConsoleProperties console;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("operation-", 0).factory());

    OperationWorker(
            OperationRepository repository,
            List<OperationHandler> handlers,
            TransactionTemplate tx,
            ConsoleProperties console,
            Clock clock,
            MeterRegistry meters) {
        this.repository = repository;
        this.tx = tx;
        this.console = console;
        this.clock = clock;
        this.meters = meters;
        for (OperationHandler handler : handlers) {
            for (String action : handler.actions()) {
                if (this.handlers.put(action, handler) != null) {
                    throw new IllegalStateException("two handlers of operation action " + action);
                }
            }
        }
    }

    @Scheduled(fixedDelayString = "${xenon.console.operation-poll-interval:200ms}")
    void poll() {
        if (executor.isShutdown()) {
            return;
        }
        for (String project : repository.projectsWithWork(Operation.UNFINISHED, clock.instant())) {
            if (busy.add(project)) {
                try {
                    executor.execute(() -> {
                        try {
                            drain(project);
                        } catch (RuntimeException e) {
                            log.error("operation worker of project {} failed", project, e);
                        } finally {
                            busy.remove(project);
                        }
                    });
                } catch (RuntimeException e) {
                    busy.remove(project);
                }
            }
        }
    }

    @EventListener
    void onPollNow(Operations.PollNow event) {
        poll();
    }

    private void drain(String project) {
        while (!Thread.currentThread().isInterrupted()) {
            Optional<Operation> next = tx.execute(
                    s -> repository.findFirstByProjectIdAndStatusInOrderBySeq(project, Operation.UNFINISHED));
            if (next.isEmpty() || next.get().getAttemptAt().isAfter(clock.instant())) {
                return;
            }
            attempt(next.get().getId());
        }
    }

    private void attempt(UUID id) {
        Operation operation = tx.execute(s -> {
            Operation o = repository.findById(id).orElseThrow();
            o.running(clock.instant());
            return repository.save(o);
        });
        OperationHandler handler = handlers.get(operation.getAction());
        long started = System.nanoTime();
        try {
            if (handler == null) {
                throw new IllegalStateException("no handler of action " + operation.getAction());
            }
            log.info("{}: attempt {}", operation, operation.getFailuresCount() + 1);
            handler.execute(operation);
            long ms = elapsedMs(started);
            tx.executeWithoutResult(s -> {
                Operation o = repository.findById(id).orElseThrow();
                o.finished(clock.instant(), ms);
                repository.save(o);
            });
            record(operation.getAction(), Operation.FINISHED, ms);
            log.info("{} finished in {} ms", operation, ms);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            long ms = elapsedMs(started);
            String message = message(e);
            Operation failed = tx.execute(s -> {
                Operation o = repository.findById(id).orElseThrow();
                Instant now = clock.instant();
                int attempts = o.getFailuresCount() + 1;
                Instant retryAt = attempts >= console.operationMaxAttempts() ? null : now.plus(retryDelay(attempts));
                o.failed(message, now, ms, retryAt);
                repository.save(o);
                if (retryAt == null) {
                    skipQueuedBehind(o, now);
                }
                return o;
            });
            record(operation.getAction(), failed.getStatus(), ms);
            log.warn(
                    "{} attempt {} failed{}: {}",
                    operation,
                    failed.getFailuresCount(),
                    Operation.ERROR.equals(failed.getStatus()) ? " for the last time" : ", will retry",
                    message,
                    e);
        }
    }

    private void skipQueuedBehind(Operation failed, Instant now) {
        List<Operation> queued = failed.getBranchId() == null
                ? repository.findByProjectIdAndStatusInOrderBySeq(failed.getProjectId(), Operation.UNFINISHED)
                : repository.findByProjectIdAndBranchIdAndStatusInOrderBySeq(
                        failed.getProjectId(), failed.getBranchId(), Operation.UNFINISHED);
        for (Operation o : queued) {
            if (!o.getId().equals(failed.getId())) {
                o.skipped("operation " + failed.getId() + " (" + failed.getAction() + ") failed", now);
                repository.save(o);
            }
        }
    }

    private Duration retryDelay(int attempts) {
        Duration delay = console.operationRetryDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(console.operationMaxRetryDelay()) > 0 ? console.operationMaxRetryDelay() : delay;
    }

    private void record(String action, String status, long ms) {
        Timer.builder("xenon.console.operations")
                .description("Attempts of operations by action and resulting status")
                .tag("action", action)
                .tag("status", status)
                .register(meters)
                .record(ms, TimeUnit.MILLISECONDS);
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.length() > MAX_ERROR_LENGTH ? m.substring(0, MAX_ERROR_LENGTH) : m;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
