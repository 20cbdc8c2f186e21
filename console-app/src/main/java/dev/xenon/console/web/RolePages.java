package dev.xenon.console.web;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.branch.BranchService;
import dev.xenon.console.project.ProjectService;
import dev.xenon.console.role.RoleService;
import dev.xenon.web.ApiException;
import dev.xenon.web.BadRequestException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** A branch's roles and databases: create, delete, reset a role's password (shown once). */
@Controller
class RolePages extends Pages {

    private final ProjectService projects;
    private final BranchService branches;
    private final RoleService roles;

    RolePages(ProjectService projects, BranchService branches, RoleService roles) {
        this.projects = projects;
        this.branches = branches;
        this.roles = roles;
    }

    @GetMapping("/projects/{projectId}/branches/{branchId}")
    String page(@PathVariable String projectId, @PathVariable String branchId, Model model) {
        return render(projectId, branchId, model, "", "", "", null);
    }

    private String render(
            String projectId,
            String branchId,
            Model model,
            String roleName,
            String databaseName,
            String owner,
            ApiException error) {
        AuthenticatedUser caller = caller();
        model.addAttribute("project", projects.get(caller, projectId));
        model.addAttribute("branch", branches.get(caller, projectId, branchId));
        model.addAttribute("roles", roles.listRoles(caller, projectId, branchId));
        model.addAttribute("databases", roles.listDatabases(caller, projectId, branchId));
        model.addAttribute("roleName", roleName);
        model.addAttribute("databaseName", databaseName);
        model.addAttribute("owner", owner);
        model.addAttribute("error", error == null ? null : error.getMessage());
        return "branch";
    }

    @PostMapping("/projects/{projectId}/branches/{branchId}/roles")
    String createRole(
            @PathVariable String projectId,
            @PathVariable String branchId,
            @RequestParam(name = "roleName", defaultValue = "") String roleName,
            Model model,
            RedirectAttributes redirect) {
        try {
            if (roleName.isBlank()) {
                throw new BadRequestException("role.name", "Give the role a name.");
            }
            RoleService.RoleChange change = roles.createRole(
                    caller(), projectId, branchId, new RoleService.RoleRequest(roleName.strip(), null));
            redirect.addFlashAttribute("secretRole", change.role().name());
            redirect.addFlashAttribute("secret", change.role().password());
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            return render(projectId, branchId, model, roleName, "", "", e);
        }
        return "redirect:/projects/" + projectId + "/branches/" + branchId;
    }

    @PostMapping("/projects/{projectId}/branches/{branchId}/roles/{name}/{action:delete|reset-password}")
    String roleAction(
            @PathVariable String projectId,
            @PathVariable String branchId,
            @PathVariable String name,
            @PathVariable String action,
            RedirectAttributes redirect) {
        try {
            if ("delete".equals(action)) {
                roles.deleteRole(caller(), projectId, branchId, name);
                redirect.addFlashAttribute("notice", "Role " + name + " deleted.");
            } else {
                RoleService.RoleChange change = roles.resetPassword(caller(), projectId, branchId, name);
                redirect.addFlashAttribute("secretRole", change.role().name());
                redirect.addFlashAttribute("secret", change.role().password());
            }
        } catch (ApiException e) {
            if (e.status() == 404 && e.getMessage().startsWith("project")) {
                throw e;
            }
            redirect.addFlashAttribute("failure", e.getMessage());
        }
        return "redirect:/projects/" + projectId + "/branches/" + branchId;
    }

    @PostMapping("/projects/{projectId}/branches/{branchId}/databases")
    String createDatabase(
            @PathVariable String projectId,
            @PathVariable String branchId,
            @RequestParam(name = "databaseName", defaultValue = "") String databaseName,
            @RequestParam(name = "owner", defaultValue = "") String owner,
            Model model,
            RedirectAttributes redirect) {
        try {
            if (databaseName.isBlank()) {
                throw new BadRequestException("database.name", "Give the database a name.");
            }
            roles.createDatabase(
                    caller(),
                    projectId,
                    branchId,
                    new RoleService.DatabaseRequest(databaseName.strip(), owner.isBlank() ? null : owner));
            redirect.addFlashAttribute("notice", "Database " + databaseName.strip() + " is being created.");
        } catch (ApiException e) {
            if (e.status() == 404 && e.getMessage().startsWith("project")) {
                throw e;
            }
            return render(projectId, branchId, model, "", databaseName, owner, e);
        }
        return "redirect:/projects/" + projectId + "/branches/" + branchId;
    }

    @PostMapping("/projects/{projectId}/branches/{branchId}/databases/{name}/delete")
    String deleteDatabase(
            @PathVariable String projectId,
            @PathVariable String branchId,
            @PathVariable String name,
            RedirectAttributes redirect) {
        try {
            roles.deleteDatabase(caller(), projectId, branchId, name);
            redirect.addFlashAttribute("notice", "Database " + name + " deleted.");
        } catch (ApiException e) {
            if (e.status() == 404 && e.getMessage().startsWith("project")) {
                throw e;
            }
            redirect.addFlashAttribute("failure", e.getMessage());
        }
        return "redirect:/projects/" + projectId + "/branches/" + branchId;
    }
}
