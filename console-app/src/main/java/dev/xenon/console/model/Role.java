package dev.xenon.console.model;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A Postgres role of a branch. {@code password} is encrypted (Neon reveals passwords, so they are
 * stored; never in plain text, never logged).
 */
@Entity
@Table(name = "roles")
public class Role {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String branchId;
    private String name;
    private String password;

    @jakarta.persistence.Column(name = "protected")
    private boolean protectedRole;

    private Instant createdAt;
    private Instant updatedAt;

    protected Role() {}

    public Role(String branchId, String name, String encryptedPassword, Instant now) {
        this.branchId = branchId;
        this.name = name;
        this.password = encryptedPassword;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long getId() {
        return id;
    }

    public String getBranchId() {
        return branchId;
    }

    public String getName() {
        return name;
    }

    /** Encrypted; decrypt with {@code SecretCipher}. Null for a role without a login password. */
    public String getPassword() {
        return password;
    }

    public void setPassword(String encryptedPassword, Instant now) {
        this.password = encryptedPassword;
        this.updatedAt = now;
    }

    public boolean isProtected() {
        return protectedRole;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
