package dev.xenon.operator.customresource;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator observed: a {@link Phase}, the conditions {@code Ready}, {@code Progressing} and
 * {@code Degraded} (each with a reason), where clients reach the compute, since when it is ready,
 * and the generation of the spec all this describes.
 */
public class ComputeStatus {

    /** The compute's lifecycle, derived from its pod. */
    public enum Phase {
        /** The pod is being created or restores the basebackup. */
        Starting,
        /** Postgres accepts connections. */
        Running,
        /** {@code spec.suspended}: no pod. */
        Suspended,
        /** The pod cannot start (restore failed, Postgres crashes, the image cannot be pulled). */
        Failed
    }

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    @JsonPropertyDescription("Starting, Running, Suspended or Failed.")
    private Phase phase;

    @JsonPropertyDescription("Ready, Progressing and Degraded, each with a reason and a message.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Host name clients and WAL nodes reach Postgres at (the compute's service).")
    private String address;

    @JsonPropertyDescription("Postgres' port at address.")
    private Integer port;

    @JsonPropertyDescription("When Postgres became ready (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    /** The condition of a type, if set. */
    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComputeStatus other
                && phase == other.phase
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(address, other.address)
                && Objects.equals(port, other.port)
                && Objects.equals(startedAt, other.startedAt)
                && Objects.equals(observedGeneration, other.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(phase, conditions, address, port, startedAt, observedGeneration);
    }
}
