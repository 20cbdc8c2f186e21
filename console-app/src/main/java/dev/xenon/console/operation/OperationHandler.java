package dev.xenon.console.operation;

import dev.xenon.console.model.Operation;
import java.util.Set;

/**
 * Executes operations of some actions. Called by the {@link OperationWorker} outside any
 * transaction, once per attempt: an attempt may be repeated after a failure or a restart of the
 * control plane, so every step must be idempotent (create what is missing, stop what runs).
 */
public interface OperationHandler {

    /** The actions this handler executes. */
    Set<String> actions();

    /** Does the work; any exception fails the attempt (its message becomes the operation's error). */
    void execute(Operation operation) throws Exception;
}
