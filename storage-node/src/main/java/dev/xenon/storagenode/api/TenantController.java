package dev.xenon.storagenode.api;

import dev.xenon.common.TenantId;
import dev.xenon.storagenode.timeline.TenantConfig;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.web.BadRequestException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tenants: {@code /v1/tenant} (Neon's pageserver paths and names). */
@RestController
class TenantController {

    /** Body of {@code POST /v1/tenant} and {@code PUT /v1/tenant/config}; durations as ISO-8601 or "7d". */
    record TenantRequest(String newTenantId, String tenantId, String pitrInterval, Long gcHorizon) {}

    record TenantInfo(TenantId id, String pitrInterval, long gcHorizon, int timelines) {}

    private final Tenants tenants;

    TenantController(Tenants tenants) {
        this.tenants = tenants;
    }

    @PostMapping("/v1/tenant")
    @ResponseStatus(HttpStatus.CREATED)
    TenantInfo create(@RequestBody TenantRequest request) throws IOException {
        if (request.newTenantId() == null) {
            throw new BadRequestException("new_tenant_id", "new_tenant_id is required (32 hex characters)");
        }
        TenantId id = Ids.tenant("new_tenant_id", request.newTenantId());
        TenantConfig config = config(id, request, TenantConfig.defaults(id));
        return info(tenants.createTenant(config));
    }

    @PutMapping("/v1/tenant/config")
    TenantInfo configure(@RequestBody TenantRequest request) throws IOException {
        if (request.tenantId() == null) {
            throw new BadRequestException("tenant_id", "tenant_id is required");
        }
        TenantId id = Ids.tenant("tenant_id", request.tenantId());
        TenantConfig config = config(id, request, tenants.tenant(id).config());
        tenants.updateConfig(config);
        return info(tenants.tenant(id));
    }

    @GetMapping("/v1/tenant")
    List<TenantInfo> list() {
        return tenants.tenants().stream().map(TenantController::info).toList();
    }

    @GetMapping("/v1/tenant/{tenantId}")
    TenantInfo get(@PathVariable String tenantId) {
        return info(tenants.tenant(Ids.tenant("tenant_id", tenantId)));
    }

    private static TenantConfig config(TenantId id, TenantRequest request, TenantConfig current) {
        Duration pitr = current.pitrInterval();
        if (request.pitrInterval() != null) {
            pitr = Durations.parse("pitr_interval", request.pitrInterval());
        }
        long horizon = current.gcHorizon();
        if (request.gcHorizon() != null) {
            if (request.gcHorizon() < 0) {
                throw new BadRequestException("gc_horizon", "gc_horizon must be ≥ 0 bytes: " + request.gcHorizon());
            }
            horizon = request.gcHorizon();
        }
        return new TenantConfig(id, pitr, horizon);
    }

    private static TenantInfo info(Tenants.Tenant t) {
        return new TenantInfo(
                t.id(),
                Durations.format(t.config().pitrInterval()),
                t.config().gcHorizon(),
                t.timelines().size());
    }
}
