package dev.xenon.console.branch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.xenon.console.model.Branch;
import java.time.Instant;

/** A branch as Neon's API v2 shows it (usage counters are not measured: 0). */
public record BranchView(
        String id,
        String projectId,
        String parentId,
        String parentLsn,
        Instant parentTimestamp,
        String name,
        String currentState,
        String pendingState,
        String creationSource,
        boolean primary,
        @JsonProperty("default") boolean defaultBranch,
        @JsonProperty("protected") boolean protectedBranch,
        long cpuUsedSec,
        long computeTimeSeconds,
        long activeTimeSeconds,
        long writtenDataBytes,
        long dataTransferBytes,
        Instant createdAt,
        Instant updatedAt,
        Instant lastResetAt,
        String initSource) {

    public static BranchView of(Branch b) {
        return new BranchView(
                b.getId(),
                b.getProjectId(),
                b.getParentId(),
                b.getParentLsn(),
                b.getParentTimestamp(),
                b.getName(),
                b.getCurrentState(),
                Branch.INIT.equals(b.getCurrentState()) ? Branch.READY : null,
                "console",
                b.isDefault(),
                b.isDefault(),
                false,
                0,
                0,
                0,
                0,
                0,
                b.getCreatedAt(),
                b.getUpdatedAt(),
                b.getLastResetAt(),
                "parent-data");
    }
}
