package dev.xenon.console.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A project: one tenant of the storage node, owned by one user. */
@Entity
@Table(name = "projects")
public class Project {
    @Id
    private String id;

    private UUID ownerId;
    private String name;
    private String tenantId;
    private int pgVersion;
    private String regionId;
    private int defaultSuspendTimeoutSeconds;
    private int historyRetentionSeconds;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant deletedAt;

    protected Project() {}

    public Project(
            String id,
            UUID ownerId,
            String name,
            String tenantId,
            int pgVersion,
            String regionId,
            int defaultSuspendTimeoutSeconds,
            int historyRetentionSeconds,
            Instant now) {
        this.id = id;
        this.ownerId = ownerId;
        this.name = name;
        this.tenantId = tenantId;
        this.pgVersion = pgVersion;
        this.regionId = regionId;
        this.defaultSuspendTimeoutSeconds = defaultSuspendTimeoutSeconds;
        this.historyRetentionSeconds = historyRetentionSeconds;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public UUID getOwnerId() {
        return ownerId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getTenantId() {
        return tenantId;
    }

    public int getPgVersion() {
        return pgVersion;
    }

    public String getRegionId() {
        return regionId;
    }

    public int getDefaultSuspendTimeoutSeconds() {
        return defaultSuspendTimeoutSeconds;
    }

    public void setDefaultSuspendTimeoutSeconds(int defaultSuspendTimeoutSeconds) {
        this.defaultSuspendTimeoutSeconds = defaultSuspendTimeoutSeconds;
    }

    public int getHistoryRetentionSeconds() {
        return historyRetentionSeconds;
    }

    public void setHistoryRetentionSeconds(int historyRetentionSeconds) {
        this.historyRetentionSeconds = historyRetentionSeconds;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public void touch(Instant now) {
        this.updatedAt = now;
    }

    public Instant getDeletedAt() {
        return deletedAt;
    }

    public void markDeleted(Instant now) {
        this.deletedAt = now;
        this.updatedAt = now;
    }
}
