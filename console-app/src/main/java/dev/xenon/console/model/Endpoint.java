package dev.xenon.console.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An endpoint: the compute of a branch. {@code adminPassword} is the encrypted password of the
 * compute's {@code cloud_admin} role: a secret, never logged, never in an API answer.
 */
@Entity
@Table(name = "endpoints")
public class Endpoint {

    public static final String READ_WRITE = "read_write";
    public static final String READ_ONLY = "read_only";

    /** {@code current_state}: never started. */
    public static final String INIT = "init";
    /** {@code current_state}: a compute runs. */
    public static final String ACTIVE = "active";
    /** {@code current_state}: suspended. */
    public static final String IDLE = "idle";

    @Id
    private String id;

    private String projectId;
    private String branchId;
    private String type;
    private String currentState;
    private int suspendTimeoutSeconds;
    private String host;
    private int port;
    private String adminPassword;
    private boolean disabled;
    private Instant lastActive;
    private Instant createdAt;
    private Instant updatedAt;

    protected Endpoint() {}

    public Endpoint(
            String id,
            String projectId,
            String branchId,
            String type,
            int suspendTimeoutSeconds,
            int port,
            String encryptedAdminPassword,
            Instant now) {
        this.id = id;
        this.projectId = projectId;
        this.branchId = branchId;
        this.type = type;
        this.currentState = INIT;
        this.suspendTimeoutSeconds = suspendTimeoutSeconds;
        this.port = port;
        this.adminPassword = encryptedAdminPassword;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getBranchId() {
        return branchId;
    }

    public String getType() {
        return type;
    }

    public String getCurrentState() {
        return currentState;
    }

    public void setCurrentState(String currentState) {
        this.currentState = currentState;
    }

    public int getSuspendTimeoutSeconds() {
        return suspendTimeoutSeconds;
    }

    public void setSuspendTimeoutSeconds(int suspendTimeoutSeconds) {
        this.suspendTimeoutSeconds = suspendTimeoutSeconds;
    }

    /** The host the running compute listens on (null: never started). */
    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    /** The port the compute listens on, chosen when the endpoint is created. */
    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    /** The encrypted admin password; decrypt with {@code SecretCipher}. */
    public String getAdminPassword() {
        return adminPassword;
    }

    public boolean isDisabled() {
        return disabled;
    }

    public void setDisabled(boolean disabled) {
        this.disabled = disabled;
    }

    public Instant getLastActive() {
        return lastActive;
    }

    public void setLastActive(Instant lastActive) {
        this.lastActive = lastActive;
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

    @Override
    public String toString() {
        return "Endpoint[" + id + ", branch " + branchId + ", " + type + ", " + currentState + "]";
    }
}
