package dev.xenon.console.operation;

import dev.xenon.console.model.Operation;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.console.system.ConsoleErrors;
import java.time.Clock;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Schedules operations within the caller's transaction (they become visible to the worker when the
 * API call commits) and enforces the 423 rule: a mutation of a branch with an unfinished operation
 * is refused. Callers hold the project's row lock ({@code OwnedProjects.lock}), so the check and the
 * new operations are atomic per project.
 */
@Service
public class Operations {

    private final OperationRepository repository;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Operations(OperationRepository repository, Clock clock, ApplicationEventPublisher events) {
        this.repository = repository;
        this.clock = clock;
        this.events = events;
    }

    /** Published by {@link #pollNow()}: the worker looks for due work at once. */
    record PollNow() {}

    /**
     * Asks the worker to look for due work now instead of at its next poll (up to {@code
     * operation-poll-interval} later): for a caller that waits for an operation it has just
     * committed (a wake). Call after the commit.
     */
    public void pollNow() {
        events.publishEvent(new PollNow());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Operation schedule(
            String projectId, String branchId, String endpointId, String action, Map<String, String> params) {
        return repository.save(new Operation(projectId, branchId, endpointId, action, params, clock.instant()));
    }

    /** 423 when an operation on the branch is not done yet. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void requireIdle(String branchId) {
        if (repository.existsOnBranchWithStatus(branchId, Operation.UNFINISHED)) {
            throw new ConsoleErrors.Locked("branch " + branchId
                    + " has operations in progress; retry when they have finished (GET .../operations)");
        }
    }

    /** 423 when any operation of the project is not done yet. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void requireProjectIdle(String projectId) {
        if (repository.existsInProjectWithStatus(projectId, Operation.UNFINISHED)) {
            throw new ConsoleErrors.Locked("project " + projectId
                    + " has operations in progress; retry when they have finished (GET .../operations)");
        }
    }
}
