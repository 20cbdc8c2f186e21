package dev.xenon.console.model;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A Postgres database of a branch. */
@Entity
@Table(name = "databases")
public class Database {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String branchId;
    private String name;
    private String ownerName;
    private Instant createdAt;
    private Instant updatedAt;

    protected Database() {}

    public Database(String branchId, String name, String ownerName, Instant now) {
        this.branchId = branchId;
        this.name = name;
        this.ownerName = ownerName;
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

    public void setName(String name, Instant now) {
        this.name = name;
        this.updatedAt = now;
    }

    public String getOwnerName() {
        return ownerName;
    }

    public void setOwnerName(String ownerName, Instant now) {
        this.ownerName = ownerName;
        this.updatedAt = now;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
