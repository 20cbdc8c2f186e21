package dev.xenon.console.web;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.branch.BranchService;
import dev.xenon.console.branch.BranchView;
import dev.xenon.console.project.ProjectService;
import dev.xenon.web.ApiException;
import dev.xenon.web.BadRequestException;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** A project's branches: the tree, create (from head, a timestamp or an LSN), reset, delete, default. */
@Controller
class BranchPages extends Pages {

    private final ProjectService projects;
    private final BranchService branches;
    private final Clock clock;

    BranchPages(ProjectService projects, BranchService branches, Clock clock) {
        this.projects = projects;
        this.branches = branches;
        this.clock = clock;
    }

    @GetMapping("/projects/{projectId}/branches")
    String list(@PathVariable String projectId, Model model) {
        return page(projectId, model, "", null, "head", "", null);
    }

    private String page(
            String projectId, Model model, String name, String parent, String from, String point, ApiException error) {
        AuthenticatedUser caller = caller();
        List<BranchView> all = branches.list(caller, projectId);
        model.addAttribute("project", projects.get(caller, projectId));
        model.addAttribute("branches", all);
        model.addAttribute("tree", BranchTree.of(all, clock.instant(), 960));
        model.addAttribute("name", name);
        model.addAttribute(
                "parent",
                parent != null
                        ? parent
                        : all.stream()
                                .filter(BranchView::defaultBranch)
                                .map(BranchView::id)
                                .findFirst()
                                .orElse(null));
        model.addAttribute("from", from);
        model.addAttribute("point", point);
        model.addAttribute("error", error == null ? null : error.getMessage());
        return "branches";
    }

    @PostMapping("/projects/{projectId}/branches")
    String create(
            @PathVariable String projectId,
            @RequestParam(name = "name", defaultValue = "") String name,
            @RequestParam(name = "parent", required = false) String parent,
            @RequestParam(name = "from", defaultValue = "head") String from,
            @RequestParam(name = "point", defaultValue = "") String point,
            Model model,
            RedirectAttributes redirect) {
        try {
            if (name.isBlank()) {
                throw new BadRequestException("branch.name", "Give the branch a name.");
            }
            String lsn = null;
            String timestamp = null;
            switch (from) {
                case "lsn" -> lsn = required(point, "Enter an LSN such as 0/16B3748.");
                case "timestamp" -> timestamp = required(point, "Enter a time such as 2026-11-22T04:30:00Z.");
                default -> {}
            }
            BranchService.Created created = branches.create(
                    caller(),
                    projectId,
                    new BranchService.BranchRequest(name.strip(), parent, lsn, timestamp),
                    List.of(new BranchService.EndpointRequest("read_write", null)));
            redirect.addFlashAttribute("notice", "Branch " + created.branch().name() + " is being created.");
        } catch (ApiException e) {
            if (e.status() == 404 && e.getMessage().startsWith("project")) {
                throw e;
            }
            return page(projectId, model, name, parent, from, point, e);
        }
        return "redirect:/projects/" + projectId + "/branches";
    }

    private static String required(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("point", message);
        }
        return value.strip();
    }

    @PostMapping("/projects/{projectId}/branches/{branchId}/{action:delete|default|reset}")
    String act(
            @PathVariable String projectId,
            @PathVariable String branchId,
            @PathVariable String action,
            RedirectAttributes redirect) {
        AuthenticatedUser caller = caller();
        try {
            switch (action) {
                case "delete" -> {
                    branches.delete(caller, projectId, branchId);
                    redirect.addFlashAttribute("notice", "Branch deletion scheduled.");
                }
                case "default" -> {
                    branches.setDefault(caller, projectId, branchId);
                    redirect.addFlashAttribute("notice", "Default branch changed.");
                }
                default -> {
                    BranchView branch = branches.get(caller, projectId, branchId);
                    if (branch.parentId() == null) {
                        throw new BadRequestException("branch", "A root branch has no parent to reset to.");
                    }
                    branches.restore(
                            caller,
                            projectId,
                            branchId,
                            new BranchService.RestoreRequest(branch.parentId(), null, null, null));
                    redirect.addFlashAttribute("notice", "Reset to the parent's head scheduled.");
                }
            }
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("failure", e.getMessage());
        }
        return "redirect:/projects/" + projectId + "/branches";
    }
}
