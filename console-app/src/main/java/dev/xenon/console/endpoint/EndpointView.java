package dev.xenon.console.endpoint;

import dev.xenon.console.model.Endpoint;
import java.time.Instant;
import java.util.Map;

/** An endpoint as Neon's API v2 shows it (compute units are fixed: no autoscaling). */
public record EndpointView(
        String host,
        String id,
        String projectId,
        String branchId,
        double autoscalingLimitMinCu,
        double autoscalingLimitMaxCu,
        String regionId,
        String type,
        String currentState,
        String pendingState,
        Map<String, Object> settings,
        boolean poolerEnabled,
        String poolerMode,
        boolean disabled,
        boolean passwordlessAccess,
        String creationSource,
        Instant createdAt,
        Instant updatedAt,
        Instant lastActive,
        String proxyHost,
        int suspendTimeoutSeconds,
        String provisioner) {

    static EndpointView of(Endpoint e, String host, String proxyHost, String regionId, String pendingState) {
        return new EndpointView(
                host,
                e.getId(),
                e.getProjectId(),
                e.getBranchId(),
                0.25,
                0.25,
                regionId,
                e.getType(),
                e.getCurrentState(),
                pendingState,
                Map.of(),
                false,
                "transaction",
                e.isDisabled(),
                false,
                "console",
                e.getCreatedAt(),
                e.getUpdatedAt(),
                e.getLastActive(),
                proxyHost,
                e.getSuspendTimeoutSeconds(),
                "k8s-pod");
    }
}
