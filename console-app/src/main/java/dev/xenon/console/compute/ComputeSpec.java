package dev.xenon.console.compute;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import java.util.Map;
import java.util.Objects;

/**
 * What to run for an endpoint.
 *
 * @param endpointId the endpoint ({@code ep-...}); one compute per endpoint
 * @param tenant the project's tenant on the storage node
 * @param timeline the branch's timeline
 * @param pgVersion the major version of Postgres the timeline was bootstrapped with
 * @param adminPassword the password of the platform's admin role ({@code cloud_admin}), which the
 *     control plane uses to apply roles and databases; never logged
 * @param settings extra {@code postgresql.conf} settings (not the ones the driver manages, such as
 *     {@code port})
 * @param preferredPort the port the control plane chose for the endpoint when it created it (its
 *     connection URIs name it), or 0 to let the driver choose; the driver uses it when it is free and
 *     reports the port it used in {@link RunningCompute#port()}
 */
public record ComputeSpec(
        String endpointId,
        TenantId tenant,
        TimelineId timeline,
        int pgVersion,
        String adminPassword,
        Map<String, String> settings,
        int preferredPort) {

    /** A spec that lets the driver choose the port. */
    public ComputeSpec(
            String endpointId,
            TenantId tenant,
            TimelineId timeline,
            int pgVersion,
            String adminPassword,
            Map<String, String> settings) {
        this(endpointId, tenant, timeline, pgVersion, adminPassword, settings, 0);
    }

    public ComputeSpec {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(timeline, "timeline");
        Objects.requireNonNull(adminPassword, "adminPassword");
        settings = Map.copyOf(settings);
        if (preferredPort < 0 || preferredPort > 65535) {
            throw new IllegalArgumentException("preferredPort " + preferredPort + " is not a port");
        }
    }

    @Override
    public String toString() {
        return "ComputeSpec[" + endpointId + ", tenant " + tenant + ", timeline " + timeline + ", PG " + pgVersion
                + "]";
    }
}
