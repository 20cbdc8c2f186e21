package dev.xenon.common.storagenode;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeHttpClient;
import dev.xenon.common.walnode.ComputeConnection;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** HTTP client of the storage node's API (Neon's pageserver paths, snake_case JSON). Thread-safe. */
public final class StorageNodeClient {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final NodeHttpClient http;

    public StorageNodeClient(String baseUrl) {
        this(baseUrl, Duration.ofMinutes(2));
    }

    public StorageNodeClient(String baseUrl, Duration timeout) {
        this.http = new NodeHttpClient("storage node", baseUrl, timeout, JSON, StorageNodeException::new);
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    public void createTenant(TenantId tenant) {
        send("POST", "/v1/tenant", Map.of("new_tenant_id", tenant.toString()), Map.class);
    }

    /** Sets a tenant's {@code pitr_interval} (e.g. {@code "7d"}, {@code "1s"}) and {@code gc_horizon} (bytes). */
    public void configureTenant(TenantId tenant, String pitrInterval, Long gcHorizon) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenant.toString());
        if (pitrInterval != null) {
            body.put("pitr_interval", pitrInterval);
        }
        if (gcHorizon != null) {
            body.put("gc_horizon", gcHorizon);
        }
        send("PUT", "/v1/tenant/config", body, Map.class);
    }

    /** Bootstraps a timeline with {@code initdb} of {@code pgVersion} (null: the node's default). */
    public TimelineInfo bootstrapTimeline(TenantId tenant, TimelineId timeline, Integer pgVersion) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("new_timeline_id", timeline.toString());
        if (pgVersion != null) {
            body.put("pg_version", pgVersion);
        }
        return send("POST", "/v1/tenant/" + tenant + "/timeline", body, TimelineInfo.class);
    }

    /** Creates a branch of {@code ancestor} at {@code lsn} (null: its last record). */
    public TimelineInfo branch(TenantId tenant, TimelineId timeline, TimelineId ancestor, Lsn lsn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("new_timeline_id", timeline.toString());
        body.put("ancestor_timeline_id", ancestor.toString());
        if (lsn != null) {
            body.put("ancestor_start_lsn", lsn.toString());
        }
        return send("POST", "/v1/tenant/" + tenant + "/timeline", body, TimelineInfo.class);
    }

    /**
     * Checks that a branch of {@code timeline} can start at {@code lsn}; throws a {@link
     * StorageNodeException} (400 or 409 naming {@code lsn}) when it can't.
     */
    public BranchPoint branchPoint(TenantId tenant, TimelineId timeline, Lsn lsn) {
        return send(
                "GET",
                "/v1/tenant/" + tenant + "/timeline/" + timeline + "/branch_point?lsn=" + lsn,
                null,
                BranchPoint.class);
    }

    public TimelineInfo timeline(TenantId tenant, TimelineId timeline) {
        return send("GET", "/v1/tenant/" + tenant + "/timeline/" + timeline, null, TimelineInfo.class);
    }

    public List<TimelineInfo> timelines(TenantId tenant) {
        return send("GET", "/v1/tenant/" + tenant + "/timeline", null, new TypeReference<List<TimelineInfo>>() {});
    }

    public void deleteTimeline(TenantId tenant, TimelineId timeline) {
        send("DELETE", "/v1/tenant/" + tenant + "/timeline/" + timeline, null, Void.class);
    }

    public LsnByTimestamp lsnByTimestamp(TenantId tenant, TimelineId timeline, Instant time) {
        return send(
                "GET",
                "/v1/tenant/" + tenant + "/timeline/" + timeline + "/get_lsn_by_timestamp?timestamp="
                        + URLEncoder.encode(time.toString(), StandardCharsets.UTF_8),
                null,
                LsnByTimestamp.class);
    }

    public List<LayerInfo> layers(TenantId tenant, TimelineId timeline) {
        record LayerMap(List<LayerInfo> historicLayers) {}
        return send("GET", "/v1/tenant/" + tenant + "/timeline/" + timeline + "/layer", null, LayerMap.class)
                .historicLayers();
    }

    /** Tells the node which compute runs the timeline (images are taken from it). */
    public void attachCompute(TenantId tenant, TimelineId timeline, ComputeConnection compute) {
        send("PUT", "/v1/tenant/" + tenant + "/timeline/" + timeline + "/compute", compute, Map.class);
    }

    public void detachCompute(TenantId tenant, TimelineId timeline) {
        send("DELETE", "/v1/tenant/" + tenant + "/timeline/" + timeline + "/compute", null, Map.class);
    }

    /**
     * Writes the timeline's open layer out and uploads it ({@code image}: also takes an image from
     * its compute first).
     */
    public TimelineInfo checkpoint(TenantId tenant, TimelineId timeline, boolean image) {
        return send(
                "PUT",
                "/v1/tenant/" + tenant + "/timeline/" + timeline + "/checkpoint?image=" + image,
                null,
                TimelineInfo.class);
    }

    /** Runs GC of the tenant now; returns the number of layers removed. */
    public int gc(TenantId tenant) {
        record GcResult(int layersRemoved) {}
        return send("PUT", "/v1/tenant/" + tenant + "/gc", null, GcResult.class).layersRemoved();
    }

    /** The basebackup tar at {@code lsn} (null: the last record); the caller closes the stream. */
    public InputStream basebackup(TenantId tenant, TimelineId timeline, Lsn lsn) {
        return http.stream(
                "/v1/tenant/" + tenant + "/timeline/" + timeline + "/basebackup" + (lsn == null ? "" : "?lsn=" + lsn));
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        return http.send(method, path, body, type);
    }

    private <T> T send(String method, String path, Object body, TypeReference<T> type) {
        return http.send(method, path, body, type);
    }

    @Override
    public String toString() {
        return "storage node " + http.baseUrl();
    }
}
