package dev.xenon.console.web;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.storagenode.LayerInfo;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.common.storagenode.TimelineInfo;
import dev.xenon.console.branch.BranchView;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.project.ProjectService;
import dev.xenon.web.NotFoundException;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * A branch's storage: its layer map ({@code GET /v1/tenant/{t}/timeline/{tl}/layer} of the storage
 * node) as {@link LayerMap}, and its size over time ({@link StorageHistory}) as {@link SizeChart}.
 */
@Controller
class StoragePages extends Pages {

    private final ProjectService projectService;
    private final ProjectRepository projects;
    private final BranchRepository branches;
    private final StorageNodeClient storage;
    private final StorageHistory history;

    StoragePages(
            ProjectService projectService,
            ProjectRepository projects,
            BranchRepository branches,
            StorageNodeClient storage,
            StorageHistory history) {
        this.projectService = projectService;
        this.projects = projects;
        this.branches = branches;
        this.storage = storage;
        this.history = history;
    }

    @GetMapping("/projects/{projectId}/branches/{branchId}/storage")
    String storage(@PathVariable String projectId, @PathVariable String branchId, Model model) {
        Project project = projects.findOwned(projectId, me().id())
                .orElseThrow(() -> new NotFoundException("project " + projectId + " not found"));
        Branch branch = branches.findByIdAndProjectId(branchId, projectId)
                .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
        model.addAttribute("project", projectService.get(caller(), projectId));
        model.addAttribute("branch", BranchView.of(branch));
        model.addAttribute(
                "branches",
                branches.findByProjectIdOrderByCreatedAt(projectId).stream()
                        .map(BranchView::of)
                        .toList());
        TimelineInfo timeline = null;
        List<LayerInfo> layers = List.of();
        String unavailable = null;
        if (Branch.READY.equals(branch.getCurrentState())) {
            try {
                timeline = history.sample(project, branch);
                layers =
                        storage.layers(TenantId.parse(project.getTenantId()), TimelineId.parse(branch.getTimelineId()));
            } catch (RuntimeException e) {
                unavailable = "The storage node did not answer: " + e.getMessage();
            }
        } else {
            unavailable = "The branch's timeline is not created yet.";
        }
        model.addAttribute("timeline", timeline);
        model.addAttribute("layers", layers);
        model.addAttribute("unavailable", unavailable);
        model.addAttribute(
                "map",
                LayerMap.of(
                        layers,
                        timeline == null ? null : timeline.gcCutoffLsn(),
                        timeline == null ? null : timeline.diskConsistentLsn(),
                        timeline == null ? null : timeline.lastRecordLsn(),
                        960,
                        420));
        model.addAttribute("chart", SizeChart.of(history.history(branchId), 960, 220));
        model.addAttribute("layerBytes", timeline == null ? "–" : SizeChart.bytes(timeline.layerBytes()));
        model.addAttribute("logicalSize", timeline == null ? "–" : SizeChart.bytes(timeline.currentLogicalSize()));
        return "storage";
    }
}
