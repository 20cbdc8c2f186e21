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
 * @param settings extra {@code postgresql.conf} settings
 */
public record ComputeSpec(
        String endpointId,
        TenantId tenant,
        TimelineId timeline,
        int pgVersion,
        String adminPassword,
        Map<String, String> settings) {

    public ComputeSpec {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(timeline, "timeline");
        Objects.requireNonNull(adminPassword, "adminPassword");
        settings = Map.copyOf(settings);
    }

    @Override
    public String toString() {
        return "ComputeSpec[" + endpointId + ", tenant " + tenant + ", timeline " + timeline + ", PG " + pgVersion
                + "]";
    }
}
