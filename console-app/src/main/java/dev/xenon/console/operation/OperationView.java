package dev.xenon.console.operation;

import dev.xenon.console.model.Operation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An operation as Neon's API v2 shows it. */
public record OperationView(
        UUID id,
        String projectId,
        String branchId,
        String endpointId,
        String action,
        String status,
        int failuresCount,
        String error,
        Instant createdAt,
        Instant updatedAt,
        long totalDurationMs) {

    public static OperationView of(Operation o) {
        return new OperationView(
                o.getId(),
                o.getProjectId(),
                o.getBranchId(),
                o.getEndpointId(),
                o.getAction(),
                o.getStatus(),
                o.getFailuresCount(),
                o.getError(),
                o.getCreatedAt(),
                o.getUpdatedAt(),
                o.getTotalDurationMs());
    }

    public static List<OperationView> of(List<Operation> operations) {
        return operations.stream().map(OperationView::of).toList();
    }
}
