package dev.xenon.console.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A branch: one timeline of the project's tenant. A restore gives the branch a new timeline (its id
 * stays), the old timeline goes to a backup branch.
 */
@Entity
@Table(name = "branches")
public class Branch {

    /** {@code current_state} while its timeline is being created. */
    public static final String INIT = "init";
    /** {@code current_state} once its timeline exists. */
    public static final String READY = "ready";

    @Id
    private String id;

    private String projectId;
    private String name;
    private String timelineId;
    private String parentId;
    private String parentLsn;
    private Instant parentTimestamp;

    @Column(name = "is_default")
    private boolean defaultBranch;

    private String currentState;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant lastResetAt;

    protected Branch() {}

    public Branch(String id, String projectId, String name, String timelineId, Instant now) {
        this.id = id;
        this.projectId = projectId;
        this.name = name;
        this.timelineId = timelineId;
        this.currentState = INIT;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getTimelineId() {
        return timelineId;
    }

    public void setTimelineId(String timelineId) {
        this.timelineId = timelineId;
    }

    public String getParentId() {
        return parentId;
    }

    public String getParentLsn() {
        return parentLsn;
    }

    public Instant getParentTimestamp() {
        return parentTimestamp;
    }

    public void setParent(String parentId, String parentLsn, Instant parentTimestamp) {
        this.parentId = parentId;
        this.parentLsn = parentLsn;
        this.parentTimestamp = parentTimestamp;
    }

    public void setParentLsn(String parentLsn) {
        this.parentLsn = parentLsn;
    }

    public boolean isDefault() {
        return defaultBranch;
    }

    public void setDefault(boolean defaultBranch) {
        this.defaultBranch = defaultBranch;
    }

    public String getCurrentState() {
        return currentState;
    }

    public void setCurrentState(String currentState) {
        this.currentState = currentState;
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

    public Instant getLastResetAt() {
        return lastResetAt;
    }

    public void setLastResetAt(Instant lastResetAt) {
        this.lastResetAt = lastResetAt;
    }
}
