package dev.xenon.storagenode.api;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.BranchPoint;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.common.storagenode.LsnByTimestamp;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.common.walnode.ComputeConnection;
import dev.xenon.storagenode.basebackup.BasebackupWriter;
import dev.xenon.storagenode.gc.GarbageCollector;
import dev.xenon.storagenode.image.ImageBuilder;
import dev.xenon.storagenode.ingest.WalIngest;
import dev.xenon.storagenode.timeline.CommitTimestamps;
import dev.xenon.storagenode.timeline.LayerCache;
import dev.xenon.storagenode.timeline.LayerDescriptor;
import dev.xenon.storagenode.timeline.Tenants;
import dev.xenon.storagenode.timeline.Timeline;
import dev.xenon.web.BadRequestException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Timelines of a tenant: {@code /v1/tenant/{tenantId}/timeline} (Neon's pageserver paths and names). */
@RestController
class TimelineController {

    record CreateTimelineRequest(
            String newTimelineId, String ancestorTimelineId, String ancestorStartLsn, Integer pgVersion) {}

    record LayerMapInfo(List<LayerInfo> historicLayers, Lsn openLayerStart, long openLayerBytes) {}

    private final Tenants tenants;
    private final TimelineCreation creation;
    private final BasebackupWriter basebackups;
    private final CommitTimestamps timestamps;
    private final LayerCache cache;
    private final WalIngest ingest;
    private final ImageBuilder images;
    private final GarbageCollector gc;

    TimelineController(
            Tenants tenants,
            TimelineCreation creation,
            BasebackupWriter basebackups,
            CommitTimestamps timestamps,
            LayerCache cache,
            WalIngest ingest,
            ImageBuilder images,
            GarbageCollector gc) {
        this.tenants = tenants;
        this.creation = creation;
        this.basebackups = basebackups;
        this.timestamps = timestamps;
        this.cache = cache;
        this.ingest = ingest;
        this.images = images;
        this.gc = gc;
    }

    /**
     * Writes the open layer out as a delta layer and uploads it; with {@code image=true} first takes
     * an image from the running compute (as Neon's {@code checkpoint} with compaction).
     */
    @PutMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/checkpoint")
    TimelineInfo checkpoint(
            @PathVariable String tenantId,
            @PathVariable String timelineId,
            @RequestParam(defaultValue = "false") boolean image)
            throws IOException {
        Timeline timeline = timeline(tenantId, timelineId);
        if (image) {
            images.create(timeline);
        }
        ingest.freeze(timeline);
        return info(timeline);
    }

    record GcResult(int layersRemoved, long bytesRemoved) {}

    /** Runs GC of the tenant now. */
    @PutMapping("/v1/tenant/{tenantId}/gc")
    GcResult gc(@PathVariable String tenantId) throws IOException {
        GarbageCollector.Result result = gc.collect(tenants.tenant(Ids.tenant("tenant_id", tenantId)));
        return new GcResult(result.layersRemoved(), result.bytesRemoved());
    }

    static TimelineInfo info(Timeline t) {
        Timeline.State s = t.state();
        var image = t.imageFor(s.lastRecordLsn());
        return new TimelineInfo(
                t.tenantId(),
                t.id(),
                t.metadata().ancestorTimelineId(),
                t.metadata().ancestorLsn(),
                s.lastRecordLsn(),
                s.diskConsistentLsn(),
                s.remoteConsistentLsn(),
                s.gcCutoffLsn(),
                t.metadata().pgVersion(),
                image.map(c -> c.image().logicalSize()).orElse(0L),
                image.map(c -> c.name().end()).orElse(null),
                s.deltas().size() + s.images().size(),
                s.layerBytes(),
                s.open().length(),
                t.compute().isPresent(),
                t.metadata().createdAt(),
                "Active");
    }

    @PostMapping("/v1/tenant/{tenantId}/timeline")
    @ResponseStatus(HttpStatus.CREATED)
    TimelineInfo create(@PathVariable String tenantId, @RequestBody CreateTimelineRequest request) throws IOException {
        TenantId tenant = Ids.tenant("tenant_id", tenantId);
        if (request.newTimelineId() == null) {
            throw new BadRequestException("new_timeline_id", "new_timeline_id is required (32 hex characters)");
        }
        TimelineId id = Ids.timeline("new_timeline_id", request.newTimelineId());
        Timeline created;
        if (request.ancestorTimelineId() != null) {
            TimelineId ancestor = Ids.timeline("ancestor_timeline_id", request.ancestorTimelineId());
            Lsn at = request.ancestorStartLsn() == null
                    ? null
                    : Ids.lsn("ancestor_start_lsn", request.ancestorStartLsn());
            created = creation.branch(tenant, id, ancestor, at, request.pgVersion());
        } else {
            if (request.ancestorStartLsn() != null) {
                // The start LSN is a point on the ancestor: the missing ancestor is what to name.
                throw new BadRequestException(
                        "ancestor_timeline_id",
                        "ancestor_timeline_id is required with ancestor_start_lsn (the timeline to branch from)");
            }
            created = creation.bootstrap(tenant, id, request.pgVersion());
        }
        return info(created);
    }

    @GetMapping("/v1/tenant/{tenantId}/timeline")
    List<TimelineInfo> list(@PathVariable String tenantId) {
        return tenants.tenant(Ids.tenant("tenant_id", tenantId)).timelines().stream()
                .map(t -> info(t))
                .toList();
    }

    @GetMapping("/v1/tenant/{tenantId}/timeline/{timelineId}")
    TimelineInfo get(@PathVariable String tenantId, @PathVariable String timelineId) {
        return info(timeline(tenantId, timelineId));
    }

    @DeleteMapping("/v1/tenant/{tenantId}/timeline/{timelineId}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void delete(@PathVariable String tenantId, @PathVariable String timelineId) throws IOException {
        tenants.delete(timeline(tenantId, timelineId), cache);
    }

    /**
     * Whether a branch of the timeline can start at {@code lsn}, checked as its creation checks it:
     * the control plane asks before it accepts a branch or a restore at an LSN, so a point with no
     * history is a 400 to the user, not an operation that fails later.
     */
    @GetMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/branch_point")
    BranchPoint branchPoint(
            @PathVariable String tenantId, @PathVariable String timelineId, @RequestParam(required = false) String lsn)
            throws IOException {
        if (lsn == null) {
            throw new BadRequestException("lsn", "lsn is required, e.g. lsn=0/16B3748");
        }
        Lsn at = Ids.lsn("lsn", lsn);
        return new BranchPoint(creation.checkBranchPoint(timeline(tenantId, timelineId), at, "lsn"));
    }

    @GetMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/get_lsn_by_timestamp")
    LsnByTimestamp lsnByTimestamp(
            @PathVariable String tenantId,
            @PathVariable String timelineId,
            @RequestParam(required = false) String timestamp)
            throws IOException {
        if (timestamp == null) {
            throw new BadRequestException("timestamp", "timestamp is required (ISO 8601, e.g. 2026-11-21T10:00:00Z)");
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException(
                    "timestamp", "timestamp '" + timestamp + "' is not ISO 8601 with an offset: " + e.getMessage());
        }
        CommitTimestamps.Answer answer = timestamps.lsnAt(timeline(tenantId, timelineId), time);
        return new LsnByTimestamp(answer.lsn(), answer.kind().name());
    }

    @GetMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/basebackup")
    void basebackup(
            @PathVariable String tenantId,
            @PathVariable String timelineId,
            @RequestParam(required = false) String lsn,
            HttpServletResponse response)
            throws IOException {
        Timeline timeline = timeline(tenantId, timelineId);
        Lsn at = lsn == null ? null : Ids.lsn("lsn", lsn);
        BasebackupWriter.Plan plan = basebackups.plan(timeline, at);
        response.setStatus(200);
        response.setContentType("application/x-tar");
        response.setHeader("X-Xenon-Lsn", plan.lsn().toString());
        response.setHeader("X-Xenon-Image", plan.image().name().toString());
        response.setBufferSize(HttpTuning.RESPONSE_BUFFER);
        OutputStream out = response.getOutputStream();
        basebackups.write(plan, out);
        out.flush();
    }

    /** The running compute of a timeline, from which the node takes new images ({@code BASE_BACKUP}). */
    @PutMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/compute")
    TimelineInfo attachCompute(
            @PathVariable String tenantId, @PathVariable String timelineId, @RequestBody ComputeConnection compute) {
        if (compute.host() == null || compute.host().isBlank()) {
            throw new BadRequestException("host", "host is required");
        }
        if (compute.port() <= 0 || compute.port() > 65535) {
            throw new BadRequestException("port", "port must be 1..65535: " + compute.port());
        }
        if (compute.user() == null || compute.user().isBlank()) {
            throw new BadRequestException("user", "user is required");
        }
        Timeline timeline = timeline(tenantId, timelineId);
        timeline.setCompute(compute);
        return info(timeline);
    }

    @DeleteMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/compute")
    TimelineInfo detachCompute(@PathVariable String tenantId, @PathVariable String timelineId) {
        Timeline timeline = timeline(tenantId, timelineId);
        timeline.setCompute(null);
        return info(timeline);
    }

    /** The layer map: every layer with its kind, LSN range, size, and where it is. */
    @GetMapping("/v1/tenant/{tenantId}/timeline/{timelineId}/layer")
    LayerMapInfo layers(@PathVariable String tenantId, @PathVariable String timelineId) {
        Timeline timeline = timeline(tenantId, timelineId);
        Timeline.State s = timeline.state();
        List<LayerInfo> layers =
                s.layers().stream().map(d -> layerInfo(timeline, d, s)).toList();
        return new LayerMapInfo(layers, s.open().start(), s.open().length());
    }

    private LayerInfo layerInfo(Timeline timeline, LayerDescriptor d, Timeline.State s) {
        var name = d.layerName();
        boolean delta = name instanceof dev.xenon.storagenode.layer.DeltaLayerName;
        boolean remote = !name.end().isAfter(s.remoteConsistentLsn()) || !delta;
        boolean local = Files.exists(
                cache.timelineDir(timeline.tenantId(), timeline.id()).resolve(d.name()));
        return new LayerInfo(delta ? "delta" : "image", d.name(), name.start(), name.end(), d.size(), remote, local);
    }

    private Timeline timeline(String tenantId, String timelineId) {
        Timeline timeline =
                tenants.timeline(Ids.tenant("tenant_id", tenantId), Ids.timeline("timeline_id", timelineId));
        timeline.touch();
        return timeline;
    }
}
