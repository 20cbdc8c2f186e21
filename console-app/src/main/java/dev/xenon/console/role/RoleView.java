package dev.xenon.console.role;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.xenon.console.model.Role;
import java.time.Instant;

/** A role as Neon's API v2 shows it; {@code password} only where Neon shows it (create, reset). */
public record RoleView(
        String branchId,
        String name,
        String password,
        @JsonProperty("protected") boolean protectedRole,
        Instant createdAt,
        Instant updatedAt) {

    static RoleView of(Role role, String password) {
        return new RoleView(
                role.getBranchId(),
                role.getName(),
                password,
                role.isProtected(),
                role.getCreatedAt(),
                role.getUpdatedAt());
    }
}
