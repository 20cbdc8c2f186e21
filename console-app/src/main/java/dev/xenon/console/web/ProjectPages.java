package dev.xenon.console.web;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.branch.BranchService;
import dev.xenon.console.branch.BranchView;
import dev.xenon.console.endpoint.EndpointService;
import dev.xenon.console.endpoint.EndpointView;
import dev.xenon.console.project.PostgresVersions;
import dev.xenon.console.project.ProjectService;
import dev.xenon.console.project.ProjectView;
import dev.xenon.console.role.DatabaseView;
import dev.xenon.console.role.RoleService;
import dev.xenon.console.role.RoleView;
import dev.xenon.console.system.ConsoleProperties;
import dev.xenon.web.ApiException;
import java.net.URI;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The projects list, project creation, and a project's dashboard with its connection string. */
@Controller
class ProjectPages extends Pages {

    private final ProjectService projects;
    private final BranchService branches;
    private final EndpointService endpoints;
    private final RoleService roles;
    private final PostgresVersions versions;
    private final ConsoleProperties console;

    ProjectPages(
            ProjectService projects,
            BranchService branches,
            EndpointService endpoints,
            RoleService roles,
            PostgresVersions versions,
            ConsoleProperties console) {
        this.projects = projects;
        this.branches = branches;
        this.endpoints = endpoints;
        this.roles = roles;
        this.versions = versions;
        this.console = console;
    }

    @GetMapping("/projects")
    String list(Model model) {
        model.addAttribute("projects", projects.list(caller()));
        return "projects";
    }

    @GetMapping("/projects/new")
    String newProject(Model model) {
        return form(model, "", versions.defaultVersion(), console.regionId(), null);
    }

    private String form(Model model, String name, Integer pgVersion, String region, ApiException error) {
        model.addAttribute("name", name);
        model.addAttribute("pgVersion", pgVersion);
        model.addAttribute("region", region);
        model.addAttribute("versions", versions.available());
        model.addAttribute("regions", List.of(console.regionId()));
        model.addAttribute("error", error == null ? null : error.getMessage());
        model.addAttribute("errorField", error == null ? null : fieldOf(error));
        return "project-new";
    }

    /** The form field an API field names: {@code project.pg_version} → {@code pgVersion}. */
    private static String fieldOf(ApiException e) {
        String f = e.field() == null ? "" : e.field();
        if (f.endsWith("pg_version")) {
            return "pgVersion";
        }
        if (f.endsWith("region_id")) {
            return "region";
        }
        return "name";
    }

    @PostMapping("/projects")
    String create(
            @RequestParam(name = "name", defaultValue = "") String name,
            @RequestParam(name = "pgVersion", required = false) Integer pgVersion,
            @RequestParam(name = "region", required = false) String region,
            Model model,
            RedirectAttributes redirect) {
        ProjectService.Created created;
        try {
            if (name.isBlank()) {
                throw new dev.xenon.web.BadRequestException("project.name", "Give the project a name.");
            }
            created = projects.create(
                    caller(), new ProjectService.ProjectRequest(name.strip(), pgVersion, region, null, null, null));
        } catch (ApiException e) {
            return form(model, name, pgVersion, region, e);
        }
        redirect.addFlashAttribute("notice", "Project created: its compute is starting.");
        return "redirect:/projects/" + created.project().id();
    }

    @GetMapping("/projects/{projectId}")
    String dashboard(
            @PathVariable String projectId,
            @RequestParam(name = "branch", required = false) String branchId,
            @RequestParam(name = "role", required = false) String roleName,
            @RequestParam(name = "database", required = false) String databaseName,
            @RequestParam(name = "pooled", defaultValue = "false") boolean pooled,
            Model model) {
        AuthenticatedUser caller = caller();
        ProjectView project = projects.get(caller, projectId);
        List<BranchView> all = branches.list(caller, projectId);
        BranchView branch = all.stream()
                .filter(b -> branchId == null ? b.defaultBranch() : b.id().equals(branchId))
                .findFirst()
                .orElseThrow(() -> new dev.xenon.web.NotFoundException("branch " + branchId + " not found"));
        List<EndpointView> branchEndpoints = endpoints.listOfBranch(caller, projectId, branch.id());
        List<RoleView> branchRoles = roles.listRoles(caller, projectId, branch.id());
        List<DatabaseView> databases = roles.listDatabases(caller, projectId, branch.id());
        String role = roleName != null
                ? roleName
                : databases.isEmpty()
                        ? branchRoles.stream().map(RoleView::name).findFirst().orElse(null)
                        : databases.getFirst().ownerName();
        String database = databaseName != null
                ? databaseName
                : databases.stream().map(DatabaseView::name).findFirst().orElse(null);
        model.addAttribute("project", project);
        model.addAttribute("branches", all);
        model.addAttribute("branch", branch);
        model.addAttribute("endpoints", branchEndpoints);
        model.addAttribute("roles", branchRoles);
        model.addAttribute("databases", databases);
        model.addAttribute("role", role);
        model.addAttribute("database", database);
        model.addAttribute("pooled", pooled);
        String uri = null;
        String connectionError = null;
        if (role != null && database != null && !branchEndpoints.isEmpty()) {
            try {
                uri = projects.connectionUri(caller, projectId, branch.id(), null, database, role);
                if (pooled) {
                    uri = pooled(uri);
                }
            } catch (ApiException e) {
                connectionError = e.getMessage();
            }
        } else {
            connectionError = branchEndpoints.isEmpty()
                    ? "This branch has no compute endpoint."
                    : "This branch has no role and database to connect with.";
        }
        model.addAttribute("uri", uri);
        model.addAttribute("maskedUri", uri == null ? null : mask(uri));
        model.addAttribute("connectionError", connectionError);
        return "project";
    }

    /**
     * The pooled form of a connection string. Neon's is a {@code -pooler} host; Xenon has no
     * connection pooler yet (its {@code pooler_host} is the endpoint's host, see docs/console.md), so
     * the pooled string is the direct one and the page says so.
     */
    static String pooled(String uri) {
        return uri;
    }

    /** The URI with its password replaced by asterisks. */
    static String mask(String uri) {
        URI u = URI.create(uri);
        String info = u.getRawUserInfo();
        if (info == null || !info.contains(":")) {
            return uri;
        }
        String user = info.substring(0, info.indexOf(':'));
        return uri.replaceFirst(java.util.regex.Pattern.quote(info + "@"), user + ":********@");
    }

    @PostMapping("/projects/{projectId}/endpoints/{endpointId}/{action:start|suspend}")
    String endpointAction(
            @PathVariable String projectId,
            @PathVariable String endpointId,
            @PathVariable String action,
            @RequestParam(name = "branch", required = false) String branchId,
            RedirectAttributes redirect) {
        try {
            endpoints.act(caller(), projectId, endpointId, action);
            redirect.addFlashAttribute("notice", ("start".equals(action) ? "Start" : "Suspend") + " scheduled.");
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("failure", e.getMessage());
        }
        if (branchId != null) {
            redirect.addAttribute("branch", branchId);
        }
        return "redirect:/projects/" + projectId;
    }

    @PostMapping("/projects/{projectId}/delete")
    String delete(@PathVariable String projectId, RedirectAttributes redirect) {
        try {
            ProjectView deleted = projects.delete(caller(), projectId);
            redirect.addFlashAttribute("notice", "Project " + deleted.name() + " deleted.");
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("failure", e.getMessage());
            return "redirect:/projects/" + projectId;
        }
        return "redirect:/projects";
    }
}
