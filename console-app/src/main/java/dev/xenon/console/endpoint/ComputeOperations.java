package dev.xenon.console.endpoint;

import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationHandler;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code start_compute}, {@code suspend_compute} and {@code delete_endpoint}. */
@Component
class ComputeOperations implements OperationHandler {

    private final Computes computes;
    private final EndpointRepository endpoints;
    private final TransactionTemplate tx;

    ComputeOperations(Computes computes, EndpointRepository endpoints, TransactionTemplate tx) {
        this.computes = computes;
        this.endpoints = endpoints;
        this.tx = tx;
    }

    @Override
    public Set<String> actions() {
        return Set.of(Actions.START_COMPUTE, Actions.SUSPEND_COMPUTE, Actions.DELETE_ENDPOINT);
    }

    @Override
    public void execute(Operation operation) throws Exception {
        String endpointId = operation.getEndpointId();
        switch (operation.getAction()) {
            case Actions.START_COMPUTE -> computes.start(endpointId);
            case Actions.SUSPEND_COMPUTE -> computes.stop(endpointId);
            case Actions.DELETE_ENDPOINT -> {
                computes.stop(endpointId);
                tx.executeWithoutResult(s -> endpoints.deleteById(endpointId));
            }
            default -> throw new IllegalArgumentException(operation.getAction());
        }
    }
}
