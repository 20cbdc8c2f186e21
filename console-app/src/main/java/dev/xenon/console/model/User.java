package dev.xenon.console.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An account: owns projects and API keys. */
@Entity
@Table(name = "users")
public class User {
    @Id
    private UUID id;

    private String email;
    private String name;
    private Instant createdAt;
    /** bcrypt of the console password; null for users without a console login. */
    private String passwordHash;

    protected User() {}

    public User(String email, String name, Instant createdAt) {
        this.id = UUID.randomUUID();
        this.email = email;
        this.name = name;
        this.createdAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }
}
