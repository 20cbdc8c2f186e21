package dev.xenon.console.web;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Storage size over time, sampled: every {@code xenon.console.web.storage-sample-interval} (and at
 * each view of a storage page) the storage node's {@code GET /v1/tenant/{t}/timeline/{tl}} of every
 * ready branch of every live project gives its layer bytes (the files this timeline owns in remote
 * storage) and its logical size. The last {@code storage-samples} samples per branch are kept in
 * memory: the history starts when console-app starts.
 */
@Component
class StorageHistory {

    private static final Logger log = LoggerFactory.getLogger(StorageHistory.class);

    /** One sample. */
    record Sample(Instant at, long layerBytes, long logicalSize) {}

    private final ProjectRepository projects;
    private final BranchRepository branches;
    private final StorageNodeClient storage;
    private final Clock clock;
    private final int keep;
    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();

    StorageHistory(
            ProjectRepository projects,
            BranchRepository branches,
            StorageNodeClient storage,
            Clock clock,
            WebConsoleProperties web) {
        this.projects = projects;
        this.branches = branches;
        this.storage = storage;
        this.clock = clock;
        this.keep = web.storageSamples();
    }

    @Scheduled(
            initialDelayString = "${xenon.console.web.storage-sample-interval:60s}",
            fixedDelayString = "${xenon.console.web.storage-sample-interval:60s}")
    void sampleAll() {
        for (Project project : projects.findAll()) {
            if (project.getDeletedAt() != null) {
                continue;
            }
            for (Branch branch : branches.findByProjectIdOrderByCreatedAt(project.getId())) {
                if (Branch.READY.equals(branch.getCurrentState())) {
                    try {
                        sample(project, branch);
                    } catch (RuntimeException e) {
                        log.debug("no storage sample of branch {}: {}", branch.getId(), e.getMessage());
                    }
                }
            }
        }
        samples.keySet().removeIf(id -> branches.findById(id).isEmpty());
    }

    /** Samples the branch now and returns its timeline as the storage node shows it. */
    TimelineInfo sample(Project project, Branch branch) {
        TimelineInfo info =
                storage.timeline(TenantId.parse(project.getTenantId()), TimelineId.parse(branch.getTimelineId()));
        Deque<Sample> history = samples.computeIfAbsent(branch.getId(), id -> new ArrayDeque<>());
        synchronized (history) {
            history.addLast(new Sample(clock.instant(), info.layerBytes(), info.currentLogicalSize()));
            while (history.size() > keep) {
                history.pollFirst();
            }
        }
        return info;
    }

    List<Sample> history(String branchId) {
        Deque<Sample> history = samples.get(branchId);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            return List.copyOf(history);
        }
    }
}
