package dev.xenon.storagenode.timeline;

import dev.xenon.common.TenantId;
import java.time.Duration;
import java.util.Objects;

/**
 * A tenant's settings, stored as {@code tenant.json} in remote storage.
 *
 * @param pitrInterval how far back point-in-time restore and branching must reach (Neon's {@code
 *     pitr_interval}, default 7 days)
 * @param gcHorizon WAL bytes behind the last record that GC always keeps, whatever the window
 *     (Neon's {@code gc_horizon}, default 64 MiB)
 */
public record TenantConfig(TenantId tenantId, Duration pitrInterval, long gcHorizon) {

    public static final Duration DEFAULT_PITR_INTERVAL = Duration.ofDays(7);
    public static final long DEFAULT_GC_HORIZON = 64L * 1024 * 1024;

    public TenantConfig {
        Objects.requireNonNull(tenantId, "tenantId");
        pitrInterval = pitrInterval == null ? DEFAULT_PITR_INTERVAL : pitrInterval;
        if (pitrInterval.isNegative()) {
            throw new IllegalArgumentException("pitr_interval must not be negative: " + pitrInterval);
        }
        if (gcHorizon < 0) {
            throw new IllegalArgumentException("gc_horizon must not be negative: " + gcHorizon);
        }
    }

    public static TenantConfig defaults(TenantId tenantId) {
        return new TenantConfig(tenantId, DEFAULT_PITR_INTERVAL, DEFAULT_GC_HORIZON);
    }
}
