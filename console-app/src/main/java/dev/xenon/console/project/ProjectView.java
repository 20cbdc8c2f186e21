package dev.xenon.console.project;

import dev.xenon.console.model.Project;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A project as Neon's API v2 shows it (usage counters are not measured: 0). */
public record ProjectView(
        String id,
        String platformId,
        String regionId,
        String name,
        String provisioner,
        DefaultEndpointSettings defaultEndpointSettings,
        Map<String, Object> settings,
        int pgVersion,
        String proxyHost,
        boolean storePasswords,
        String creationSource,
        int historyRetentionSeconds,
        long activeTime,
        long cpuUsedSec,
        Instant createdAt,
        Instant updatedAt,
        UUID ownerId) {

    /** {@code default_endpoint_settings}. */
    public record DefaultEndpointSettings(
            double autoscalingLimitMinCu, double autoscalingLimitMaxCu, int suspendTimeoutSeconds) {}

    static ProjectView of(Project p, String proxyHost) {
        return new ProjectView(
                p.getId(),
                "xenon",
                p.getRegionId(),
                p.getName(),
                "k8s-pod",
                new DefaultEndpointSettings(0.25, 0.25, p.getDefaultSuspendTimeoutSeconds()),
                Map.of(),
                p.getPgVersion(),
                proxyHost,
                true,
                "console",
                p.getHistoryRetentionSeconds(),
                0,
                0,
                p.getCreatedAt(),
                p.getUpdatedAt(),
                p.getOwnerId());
    }
}
