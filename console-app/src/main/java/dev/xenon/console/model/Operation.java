package dev.xenon.console.model;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.Generated;

/**
 * A unit of work of the control plane on the data plane (create a timeline, start a compute, ...),
 * persisted when the API call that asks for it commits and executed later by the operation worker,
 * in {@code seq} order per project, with retries.
 *
 * <p>Lifecycle: {@code scheduling} → {@code running} → {@code finished}; a failed attempt goes to
 * {@code failed} and is retried at {@code attemptAt}; after the last attempt {@code error}; work
 * queued behind an operation in {@code error} on the same branch is {@code skipped}.
 */
@Entity
@Table(name = "operations")
public class Operation {

    public static final String SCHEDULING = "scheduling";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String ERROR = "error";
    public static final String SKIPPED = "skipped";

    /** Statuses of an operation that is not done yet: a mutation of its branch gets 423. */
    public static final List<String> UNFINISHED = List.of(SCHEDULING, RUNNING, FAILED);

    @Id
    private UUID id;

    @Generated
    @Column(insertable = false, updatable = false)
    private Long seq;

    private String projectId;
    private String branchId;
    private String endpointId;
    private String action;
    private String status;
    private int failuresCount;
    private String error;

    @Convert(converter = ParamsConverter.class)
    private Map<String, String> params;

    private Instant attemptAt;
    private Instant createdAt;
    private Instant updatedAt;
    private long totalDurationMs;

    protected Operation() {}

    public Operation(
            String projectId,
            String branchId,
            String endpointId,
            String action,
            Map<String, String> params,
            Instant now) {
        this.id = UUID.randomUUID();
        this.projectId = projectId;
        this.branchId = branchId;
        this.endpointId = endpointId;
        this.action = action;
        this.status = SCHEDULING;
        this.params = new LinkedHashMap<>(params);
        this.attemptAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public UUID getId() {
        return id;
    }

    public Long getSeq() {
        return seq;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getBranchId() {
        return branchId;
    }

    public String getEndpointId() {
        return endpointId;
    }

    public String getAction() {
        return action;
    }

    public String getStatus() {
        return status;
    }

    public int getFailuresCount() {
        return failuresCount;
    }

    public String getError() {
        return error;
    }

    public Map<String, String> getParams() {
        return Map.copyOf(params);
    }

    /** A parameter, or null. */
    public String param(String key) {
        return params.get(key);
    }

    public Instant getAttemptAt() {
        return attemptAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public long getTotalDurationMs() {
        return totalDurationMs;
    }

    public boolean isUnfinished() {
        return UNFINISHED.contains(status);
    }

    public void running(Instant now) {
        this.status = RUNNING;
        this.updatedAt = now;
    }

    public void finished(Instant now, long durationMs) {
        this.status = FINISHED;
        this.error = null;
        this.totalDurationMs += durationMs;
        this.updatedAt = now;
    }

    /** A failed attempt: retried at {@code retryAt}, or {@code error} when {@code retryAt} is null. */
    public void failed(String message, Instant now, long durationMs, Instant retryAt) {
        this.failuresCount++;
        this.error = message;
        this.totalDurationMs += durationMs;
        this.updatedAt = now;
        if (retryAt == null) {
            this.status = ERROR;
        } else {
            this.status = FAILED;
            this.attemptAt = retryAt;
        }
    }

    public void skipped(String message, Instant now) {
        this.status = SKIPPED;
        this.error = message;
        this.updatedAt = now;
    }

    @Override
    public String toString() {
        return "Operation[" + id + ", " + action + ", project " + projectId
                + (branchId == null ? "" : ", branch " + branchId)
                + (endpointId == null ? "" : ", endpoint " + endpointId) + ", " + status + "]";
    }
}
