package dev.xenon.console.project;

import dev.xenon.console.account.AuthenticatedUser;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Projects, as Neon's API v2. */
@RestController
@RequestMapping("/api/v2/projects")
@Tag(name = "Projects")
class ProjectController {

    record ProjectsView(List<ProjectView> projects) {}

    record OneProjectView(ProjectView project) {}

    record ProjectBody(ProjectService.ProjectRequest project) {}

    record UriView(String uri) {}

    private final ProjectService service;

    ProjectController(ProjectService service) {
        this.service = service;
    }

    @GetMapping
    ProjectsView list(AuthenticatedUser caller) {
        return new ProjectsView(service.list(caller));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ProjectService.Created create(AuthenticatedUser caller, @RequestBody(required = false) ProjectBody body) {
        return service.create(caller, body == null ? null : body.project());
    }

    @GetMapping("/{project_id}")
    OneProjectView get(AuthenticatedUser caller, @PathVariable("project_id") String projectId) {
        return new OneProjectView(service.get(caller, projectId));
    }

    @PatchMapping("/{project_id}")
    ProjectService.Changed update(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestBody(required = false) ProjectBody body) {
        return service.update(caller, projectId, body == null ? null : body.project());
    }

    @DeleteMapping("/{project_id}")
    OneProjectView delete(AuthenticatedUser caller, @PathVariable("project_id") String projectId) {
        return new OneProjectView(service.delete(caller, projectId));
    }

    @GetMapping("/{project_id}/connection_uri")
    UriView connectionUri(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestParam(name = "branch_id", required = false) String branchId,
            @RequestParam(name = "endpoint_id", required = false) String endpointId,
            @RequestParam(name = "database_name") String databaseName,
            @RequestParam(name = "role_name") String roleName,
            @RequestParam(name = "pooled", required = false, defaultValue = "false") boolean pooled) {
        // no pooler yet: a pooled URI is the direct one
        return new UriView(service.connectionUri(caller, projectId, branchId, endpointId, databaseName, roleName));
    }
}
