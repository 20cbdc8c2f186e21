package dev.xenon.console.branch;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LsnByTimestamp;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.account.OwnedProjects;
import dev.xenon.console.endpoint.EndpointService;
import dev.xenon.console.endpoint.EndpointView;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.Project;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationView;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.role.ConnectionUris;
import dev.xenon.console.role.DatabaseView;
import dev.xenon.console.role.RoleService;
import dev.xenon.console.role.RoleView;
import dev.xenon.console.system.Ids;
import dev.xenon.console.system.Validation;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.ConflictException;
import dev.xenon.web.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Branches: a branch is a timeline; creating one is a {@code create_branch} operation on the storage
 * node (O(1), no data copied), from the parent's head, an LSN, or a timestamp resolved to an LSN by
 * the storage node's {@code get_lsn_by_timestamp} when the call is made.
 */
@Service
public class BranchService {

    public static final int MAX_NAME = 256;

    /** {@code branch} of a create or update request. */
    public record BranchRequest(String name, String parentId, String parentLsn, String parentTimestamp) {}

    /** An entry of {@code endpoints} of a create request. */
    public record EndpointRequest(String type, Integer suspendTimeoutSeconds) {}

    /** A restore request, as Neon's {@code BranchRestoreRequest}. */
    public record RestoreRequest(
            String sourceBranchId, String sourceLsn, String sourceTimestamp, String preserveUnderName) {}

    /** What create calls answer. */
    public record Created(
            BranchView branch,
            List<EndpointView> endpoints,
            List<OperationView> operations,
            List<RoleView> roles,
            List<DatabaseView> databases,
            List<ConnectionUris.ConnectionUri> connectionUris) {}

    /** {@code {branch, operations}}. */
    public record Changed(BranchView branch, List<OperationView> operations) {}

    private final OwnedProjects projects;
    private final BranchRepository branches;
    private final EndpointRepository endpoints;
    private final EndpointService endpointService;
    private final RoleService roles;
    private final ConnectionUris connectionUris;
    private final Operations operations;
    private final StorageNodeClient storage;
    private final CommittedWal committedWal;
    private final Ids ids;
    private final Clock clock;

    BranchService(
            OwnedProjects projects,
            BranchRepository branches,
            EndpointRepository endpoints,
            EndpointService endpointService,
            RoleService roles,
            ConnectionUris connectionUris,
            Operations operations,
            StorageNodeClient storage,
            CommittedWal committedWal,
            Ids ids,
            Clock clock) {
        this.projects = projects;
        this.branches = branches;
        this.endpoints = endpoints;
        this.endpointService = endpointService;
        this.roles = roles;
        this.connectionUris = connectionUris;
        this.operations = operations;
        this.storage = storage;
        this.committedWal = committedWal;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new project's default branch and its {@code create_timeline} operation. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Operation createRoot(Project project, String name, List<Operation> scheduled) {
        Branch branch = new Branch(
                ids.branch(), project.getId(), name, TimelineId.generate().toString(), clock.instant());
        branch.setDefault(true);
        branches.save(branch);
        Operation op = operations.schedule(project.getId(), branch.getId(), null, Actions.CREATE_TIMELINE, Map.of());
        scheduled.add(op);
        return op;
    }

    @Transactional(readOnly = true)
    public List<BranchView> list(AuthenticatedUser caller, String projectId) {
        projects.find(caller, projectId);
        return branches.findByProjectIdOrderByCreatedAt(projectId).stream()
                .map(BranchView::of)
                .toList();
    }

    @Transactional(readOnly = true)
    public BranchView get(AuthenticatedUser caller, String projectId, String branchId) {
        projects.find(caller, projectId);
        return BranchView.of(branch(projectId, branchId));
    }

    @Transactional
    public Created create(
            AuthenticatedUser caller, String projectId, BranchRequest request, List<EndpointRequest> endpointRequests) {
        Project project = projects.lock(caller, projectId);
        BranchRequest req = request == null ? new BranchRequest(null, null, null, null) : request;
        Branch parent = req.parentId() == null
                ? branches.findByProjectIdAndDefaultBranchTrue(projectId).orElseThrow()
                : branches.findByIdAndProjectId(req.parentId(), projectId)
                        .orElseThrow(() -> new NotFoundException("parent branch " + req.parentId() + " not found"));
        operations.requireIdle(parent.getId());
        if (!Branch.READY.equals(parent.getCurrentState())) {
            throw new ConflictException(
                    "BRANCH_NOT_READY",
                    "branch.parent_id",
                    "branch " + parent.getId() + " is not ready: its timeline was never created");
        }
        String id = ids.branch();
        String name = req.name() == null ? id : Validation.name("branch.name", req.name(), MAX_NAME);
        requireUniqueName(projectId, name, "branch.name");
        PointInTime point = pointInTime(project, parent, req.parentLsn(), req.parentTimestamp(), "branch.parent");

        Branch branch = new Branch(id, projectId, name, TimelineId.generate().toString(), clock.instant());
        branch.setParent(
                parent.getId(), point.lsn() == null ? null : point.lsn().toString(), point.timestamp());
        branches.save(branch);
        roles.copy(parent.getId(), branch.getId());

        List<Operation> scheduled = new ArrayList<>();
        scheduled.add(operations.schedule(
                projectId, branch.getId(), null, Actions.CREATE_BRANCH, createParams(branch, parent, point.lsn())));
        List<Endpoint> created = new ArrayList<>();
        List<EndpointRequest> requested = endpointRequests == null ? List.of() : endpointRequests;
        for (int i = 0; i < requested.size(); i++) {
            EndpointRequest e = Validation.required("endpoints[" + i + "]", requested.get(i));
            EndpointService.Changed changed = endpointService.createFor(
                    project, branch, e.type(), e.suspendTimeoutSeconds(), "endpoints[" + i + "]");
            created.add(changed.endpoint());
            scheduled.addAll(changed.operations());
        }
        return created(project, branch, created, scheduled);
    }

    /** The answer of a create call (project or branch). */
    @Transactional(propagation = Propagation.MANDATORY)
    public Created created(Project project, Branch branch, List<Endpoint> created, List<Operation> scheduled) {
        return new Created(
                BranchView.of(branch),
                endpointService.views(project, created),
                OperationView.of(scheduled),
                roles.roleViews(branch.getId()),
                roles.databaseViews(branch.getId()),
                connectionUris.ofBranch(branch));
    }

    @Transactional
    public Changed update(AuthenticatedUser caller, String projectId, String branchId, BranchRequest request) {
        projects.lock(caller, projectId);
        Branch branch = branch(projectId, branchId);
        Validation.required("branch", request);
        if (request.name() != null && !request.name().equals(branch.getName())) {
            String name = Validation.name("branch.name", request.name(), MAX_NAME);
            requireUniqueName(projectId, name, "branch.name");
            branch.setName(name);
            branch.touch(clock.instant());
        }
        if (request.parentId() != null || request.parentLsn() != null || request.parentTimestamp() != null) {
            throw new BadRequestException("branch.parent_id", "the parent of a branch cannot change");
        }
        return new Changed(BranchView.of(branch), List.of());
    }

    @Transactional
    public Changed delete(AuthenticatedUser caller, String projectId, String branchId) {
        projects.lock(caller, projectId);
        Branch branch = branch(projectId, branchId);
        operations.requireIdle(branch.getId());
        if (branch.isDefault()) {
            throw new ConflictException(
                    "BRANCH_IS_DEFAULT", null, "branch " + branchId + " is the project's default branch");
        }
        if (!branches.findByParentId(branchId).isEmpty()) {
            throw new ConflictException(
                    "BRANCH_HAS_CHILDREN", null, "branch " + branchId + " has child branches: delete them first");
        }
        Operation op = operations.schedule(projectId, branchId, null, Actions.DELETE_TIMELINE, Map.of());
        return new Changed(BranchView.of(branch), OperationView.of(List.of(op)));
    }

    @Transactional
    public Changed setDefault(AuthenticatedUser caller, String projectId, String branchId) {
        projects.lock(caller, projectId);
        Branch branch = branch(projectId, branchId);
        Instant now = clock.instant();
        branches.findByProjectIdAndDefaultBranchTrue(projectId).ifPresent(old -> {
            if (!old.getId().equals(branchId)) {
                old.setDefault(false);
                old.touch(now);
                branches.saveAndFlush(old);
            }
        });
        branch.setDefault(true);
        branch.touch(now);
        return new Changed(BranchView.of(branch), List.of());
    }

    /**
     * Restores {@code branchId} to a point of {@code source_branch_id} (itself or another branch): the
     * branch keeps its id and endpoints and gets a new timeline branched from the source at that
     * point; its old timeline, with its children, becomes a backup branch named {@code
     * preserve_under_name} (default {@code <name>_old_<time>}). Operations: {@code suspend_compute}
     * of its running endpoints, {@code create_branch} of the new timeline, {@code start_compute} of
     * the endpoints that ran.
     */
    @Transactional
    public Changed restore(AuthenticatedUser caller, String projectId, String branchId, RestoreRequest request) {
        Project project = projects.lock(caller, projectId);
        Branch target = branch(projectId, branchId);
        Validation.required("source_branch_id", request == null ? null : request.sourceBranchId());
        Branch source = request.sourceBranchId().equals(branchId)
                ? target
                : branches.findByIdAndProjectId(request.sourceBranchId(), projectId)
                        .orElseThrow(() ->
                                new NotFoundException("source branch " + request.sourceBranchId() + " not found"));
        operations.requireIdle(target.getId());
        operations.requireIdle(source.getId());
        if (!Branch.READY.equals(target.getCurrentState()) || !Branch.READY.equals(source.getCurrentState())) {
            throw new ConflictException("BRANCH_NOT_READY", "source_branch_id", "branch timelines are not ready");
        }
        if (source == target && request.sourceLsn() == null && request.sourceTimestamp() == null) {
            throw new BadRequestException(
                    "source_lsn", "restoring a branch from itself needs source_lsn or source_timestamp");
        }
        PointInTime point = pointInTime(project, source, request.sourceLsn(), request.sourceTimestamp(), "source");
        Instant now = clock.instant();

        // the old timeline goes to a backup branch, with the target's children
        String backupName = request.preserveUnderName() != null
                ? Validation.name("preserve_under_name", request.preserveUnderName(), MAX_NAME)
                : target.getName() + "_old_" + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        requireUniqueName(projectId, backupName, "preserve_under_name");
        String ancestorTimeline = source.getTimelineId();
        Branch backup = new Branch(ids.branch(), projectId, backupName, target.getTimelineId(), now);
        backup.setParent(target.getParentId(), target.getParentLsn(), target.getParentTimestamp());
        backup.setCurrentState(Branch.READY);
        for (Branch child : branches.findByParentId(target.getId())) {
            child.setParent(backup.getId(), child.getParentLsn(), child.getParentTimestamp());
        }
        target.setTimelineId(TimelineId.generate().toString());
        branches.saveAndFlush(target);
        branches.save(backup);
        roles.copy(target.getId(), backup.getId());
        if (source != target) {
            roles.clear(target.getId());
            roles.copy(source.getId(), target.getId());
        }
        target.setParent(
                source == target ? backup.getId() : source.getId(),
                point.lsn() == null ? null : point.lsn().toString(),
                point.timestamp());
        target.setCurrentState(Branch.INIT);
        target.setLastResetAt(now);
        target.touch(now);

        List<Operation> scheduled = new ArrayList<>();
        List<Endpoint> running = endpoints.findByBranchIdOrderByCreatedAt(target.getId()).stream()
                .filter(e -> Endpoint.ACTIVE.equals(e.getCurrentState()))
                .toList();
        for (Endpoint e : running) {
            scheduled.add(operations.schedule(projectId, target.getId(), e.getId(), Actions.SUSPEND_COMPUTE, Map.of()));
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("timeline", target.getTimelineId());
        params.put("ancestor", ancestorTimeline);
        if (point.lsn() != null) {
            params.put("lsn", point.lsn().toString());
        }
        scheduled.add(operations.schedule(projectId, target.getId(), null, Actions.CREATE_BRANCH, params));
        for (Endpoint e : running) {
            scheduled.add(operations.schedule(projectId, target.getId(), e.getId(), Actions.START_COMPUTE, Map.of()));
        }
        return new Changed(BranchView.of(target), OperationView.of(scheduled));
    }

    // ---- helpers ----

    record PointInTime(Lsn lsn, Instant timestamp) {}

    /**
     * The LSN of {@code lsnText} or {@code timestampText} on {@code branch}'s timeline (both null:
     * its head, resolved when the timeline is created). {@code field} prefixes the field names.
     */
    private PointInTime pointInTime(
            Project project, Branch branch, String lsnText, String timestampText, String field) {
        String lsnField = field + "_lsn";
        String timestampField = field + "_timestamp";
        if (lsnText != null && timestampText != null) {
            throw new BadRequestException(lsnField, lsnField + " and " + timestampField + " exclude each other");
        }
        if (lsnText == null && timestampText == null) {
            return new PointInTime(null, null);
        }
        TenantId tenant = TenantId.parse(project.getTenantId());
        TimelineId timeline = TimelineId.parse(branch.getTimelineId());
        if (lsnText != null) {
            Lsn lsn;
            try {
                lsn = Lsn.parse(lsnText);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(lsnField, lsnField + ": " + e.getMessage());
            }
            TimelineInfo info = storage.timeline(tenant, timeline);
            // committed but not ingested yet is fine: create_branch waits for the storage node
            if (lsn.isAfter(info.lastRecordLsn())) {
                Lsn end = Lsn.max(info.lastRecordLsn(), committedWal.committed(timeline));
                if (lsn.isAfter(end)) {
                    throw new BadRequestException(
                            lsnField,
                            lsnField + " " + lsn + " is beyond the end of branch " + branch.getId() + " (" + end + ")");
                }
            }
            if (info.gcCutoffLsn() != null && lsn.isBefore(info.gcCutoffLsn())) {
                throw new BadRequestException(
                        lsnField,
                        lsnField + " " + lsn + " is older than the history kept (" + info.gcCutoffLsn() + ")");
            }
            if (!lsn.isAfter(info.lastRecordLsn())) {
                // before the oldest image, inside a record: the storage node would refuse the
                // create_branch operation later; refuse the request now instead
                try {
                    storage.branchPoint(tenant, timeline, lsn);
                } catch (StorageNodeException e) {
                    if (e.status() != 400 && e.status() != 409) {
                        throw e;
                    }
                    throw new BadRequestException(
                            lsnField,
                            lsnField + " " + lsn + " is not a point branch " + branch.getId() + " can start from: "
                                    + e.error().message());
                }
            }
            return new PointInTime(lsn, null);
        }
        Instant time;
        try {
            time = Instant.parse(timestampText);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(
                    timestampField, timestampField + " must be an RFC 3339 time, e.g. 2025-01-01T12:00:00Z");
        }
        // the storage node finds commits it has ingested: first everything committed so far
        committedWal.awaitIngestedHead(tenant, timeline);
        LsnByTimestamp found = storage.lsnByTimestamp(tenant, timeline, time);
        return switch (found.kind()) {
            case "present", "future" -> new PointInTime(found.lsn(), time);
            case "past" ->
                throw new BadRequestException(
                        timestampField, timestampField + " " + time + " is before the history kept of the branch");
            default ->
                throw new BadRequestException(
                        timestampField,
                        timestampField + ": branch " + branch.getId() + " has no commits to go back to");
        };
    }

    private static Map<String, String> createParams(Branch branch, Branch parent, Lsn lsn) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("timeline", branch.getTimelineId());
        params.put("ancestor", parent.getTimelineId());
        if (lsn != null) {
            params.put("lsn", lsn.toString());
        }
        return params;
    }

    private void requireUniqueName(String projectId, String name, String field) {
        if (branches.existsByProjectIdAndName(projectId, name)) {
            throw new ConflictException("BRANCH_EXISTS", field, "a branch named " + name + " exists already");
        }
    }

    private Branch branch(String projectId, String branchId) {
        return branches.findByIdAndProjectId(branchId, projectId)
                .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
    }
}
