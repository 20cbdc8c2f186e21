package dev.xenon.console.role;

import dev.xenon.console.model.Database;
import java.time.Instant;

/** A database as Neon's API v2 shows it. */
public record DatabaseView(
        long id, String branchId, String name, String ownerName, Instant createdAt, Instant updatedAt) {

    static DatabaseView of(Database d) {
        return new DatabaseView(
                d.getId(), d.getBranchId(), d.getName(), d.getOwnerName(), d.getCreatedAt(), d.getUpdatedAt());
    }
}
