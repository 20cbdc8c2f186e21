package dev.xenon.console.branch;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.StorageNodeException;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.console.endpoint.Computes;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationHandler;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage-node side of branches: {@code create_timeline} (a project's tenant and root
 * timeline), {@code create_branch} (a child timeline; also a restore's new timeline), {@code
 * delete_timeline} (stops the branch's computes, deletes its timeline and metadata) and {@code
 * delete_project}. Each step first checks whether it is done already (a retry).
 *
 * <p>{@code create_branch} parameters: {@code timeline} (the new timeline), {@code ancestor} (its
 * ancestor timeline), {@code lsn} (absent: the ancestor's head). It first waits until the storage
 * node has ingested the ancestor up to that point ({@link CommittedWal}).
 */
@Component
class TimelineOperations implements OperationHandler {

    private final StorageNodeClient storage;
    private final ProjectRepository projects;
    private final BranchRepository branches;
    private final EndpointRepository endpoints;
    private final Computes computes;
    private final CommittedWal committedWal;
    private final TransactionTemplate tx;

    TimelineOperations(
            StorageNodeClient storage,
            ProjectRepository projects,
            BranchRepository branches,
            EndpointRepository endpoints,
            Computes computes,
            CommittedWal committedWal,
            TransactionTemplate tx) {
        this.storage = storage;
        this.projects = projects;
        this.branches = branches;
        this.endpoints = endpoints;
        this.computes = computes;
        this.committedWal = committedWal;
        this.tx = tx;
    }

    @Override
    public Set<String> actions() {
        return Set.of(Actions.CREATE_TIMELINE, Actions.CREATE_BRANCH, Actions.DELETE_TIMELINE, Actions.DELETE_PROJECT);
    }

    @Override
    public void execute(Operation operation) {
        Project project =
                tx.execute(s -> projects.findById(operation.getProjectId()).orElse(null));
        if (project == null) {
            if (Actions.DELETE_PROJECT.equals(operation.getAction())) {
                return; // done before a restart
            }
            throw new IllegalStateException("project " + operation.getProjectId() + " is gone");
        }
        TenantId tenant = TenantId.parse(project.getTenantId());
        switch (operation.getAction()) {
            case Actions.CREATE_TIMELINE -> createTimeline(project, tenant, operation.getBranchId());
            case Actions.CREATE_BRANCH -> createBranch(tenant, operation);
            case Actions.DELETE_TIMELINE -> deleteTimeline(tenant, operation.getBranchId(), true);
            case Actions.DELETE_PROJECT -> deleteProject(tenant, project.getId());
            default -> throw new IllegalArgumentException(operation.getAction());
        }
    }

    private void createTimeline(Project project, TenantId tenant, String branchId) {
        Branch branch = tx.execute(s -> branches.findById(branchId).orElseThrow());
        TimelineId timeline = TimelineId.parse(branch.getTimelineId());
        try {
            storage.createTenant(tenant);
        } catch (StorageNodeException e) {
            if (e.status() != 409) {
                throw e;
            }
        }
        if (!exists(tenant, timeline)) {
            storage.bootstrapTimeline(tenant, timeline, project.getPgVersion());
        }
        ready(branchId, null);
    }

    private void createBranch(TenantId tenant, Operation operation) {
        TimelineId timeline = TimelineId.parse(operation.param("timeline"));
        TimelineId ancestor = TimelineId.parse(operation.param("ancestor"));
        Lsn lsn = operation.param("lsn") == null ? null : Lsn.parse(operation.param("lsn"));
        TimelineInfo info;
        if (exists(tenant, timeline)) {
            info = storage.timeline(tenant, timeline);
        } else {
            // the branch point holds every commit acknowledged before it: the head as the WAL nodes
            // committed it, not only as far as the storage node has read it yet
            if (lsn == null) {
                committedWal.awaitIngestedHead(tenant, ancestor);
            } else {
                committedWal.awaitIngested(tenant, ancestor, lsn);
            }
            info = storage.branch(tenant, timeline, ancestor, lsn);
        }
        ready(
                operation.getBranchId(),
                info.ancestorLsn() == null ? null : info.ancestorLsn().toString());
    }

    private void ready(String branchId, String parentLsn) {
        tx.executeWithoutResult(s -> branches.findById(branchId).ifPresent(b -> {
            b.setCurrentState(Branch.READY);
            if (b.getParentLsn() == null && parentLsn != null && b.getParentId() != null) {
                b.setParentLsn(parentLsn);
            }
            branches.save(b);
        }));
    }

    private void deleteTimeline(TenantId tenant, String branchId, boolean deleteMetadata) {
        Branch branch = tx.execute(s -> branches.findById(branchId).orElse(null));
        if (branch == null) {
            return;
        }
        for (Endpoint e : tx.execute(s -> endpoints.findByBranchIdOrderByCreatedAt(branchId))) {
            computes.stop(e.getId());
        }
        TimelineId timeline = TimelineId.parse(branch.getTimelineId());
        try {
            storage.deleteTimeline(tenant, timeline);
        } catch (StorageNodeException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        if (deleteMetadata) {
            tx.executeWithoutResult(s -> branches.deleteById(branchId));
        }
    }

    /** Stops every compute, deletes the tenant's timelines children first, then the project's rows. */
    private void deleteProject(TenantId tenant, String projectId) {
        for (Endpoint e : tx.execute(s -> endpoints.findByProjectIdOrderByCreatedAt(projectId))) {
            computes.stop(e.getId());
        }
        List<TimelineInfo> left = timelines(tenant);
        while (!left.isEmpty()) {
            Set<TimelineId> ancestors = new HashSet<>();
            left.forEach(t -> {
                if (t.ancestorTimelineId() != null) {
                    ancestors.add(t.ancestorTimelineId());
                }
            });
            for (TimelineInfo t : left) {
                if (!ancestors.contains(t.timelineId())) {
                    try {
                        storage.deleteTimeline(tenant, t.timelineId());
                    } catch (StorageNodeException e) {
                        if (e.status() != 404) {
                            throw e;
                        }
                    }
                }
            }
            List<TimelineInfo> now = timelines(tenant);
            if (now.size() >= left.size()) {
                throw new IllegalStateException("timelines of tenant " + tenant + " could not be deleted: " + now);
            }
            left = now;
        }
        tx.executeWithoutResult(s -> projects.deleteById(projectId));
    }

    private List<TimelineInfo> timelines(TenantId tenant) {
        try {
            return storage.timelines(tenant);
        } catch (StorageNodeException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private boolean exists(TenantId tenant, TimelineId timeline) {
        try {
            storage.timeline(tenant, timeline);
            return true;
        } catch (StorageNodeException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }
}
