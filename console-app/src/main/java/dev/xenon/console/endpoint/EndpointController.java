package dev.xenon.console.endpoint;

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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Endpoints of a project, as Neon's API v2. */
@RestController
@RequestMapping("/api/v2/projects/{project_id}")
@Tag(name = "Endpoints")
class EndpointController {

    record EndpointsView(List<EndpointView> endpoints) {}

    record OneEndpointView(EndpointView endpoint) {}

    record EndpointBody(EndpointService.EndpointRequest endpoint) {}

    private final EndpointService service;

    EndpointController(EndpointService service) {
        this.service = service;
    }

    @GetMapping("/endpoints")
    EndpointsView list(AuthenticatedUser caller, @PathVariable("project_id") String projectId) {
        return new EndpointsView(service.list(caller, projectId));
    }

    @GetMapping("/branches/{branch_id}/endpoints")
    EndpointsView listOfBranch(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        return new EndpointsView(service.listOfBranch(caller, projectId, branchId));
    }

    @PostMapping("/endpoints")
    @ResponseStatus(HttpStatus.CREATED)
    EndpointService.ChangedView create(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestBody(required = false) EndpointBody body) {
        return service.create(caller, projectId, body == null ? null : body.endpoint());
    }

    @GetMapping("/endpoints/{endpoint_id}")
    OneEndpointView get(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return new OneEndpointView(service.get(caller, projectId, endpointId));
    }

    @PatchMapping("/endpoints/{endpoint_id}")
    EndpointService.ChangedView update(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId,
            @RequestBody(required = false) EndpointBody body) {
        return service.update(caller, projectId, endpointId, body == null ? null : body.endpoint());
    }

    @DeleteMapping("/endpoints/{endpoint_id}")
    EndpointService.ChangedView delete(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return service.act(caller, projectId, endpointId, "delete");
    }

    @PostMapping("/endpoints/{endpoint_id}/start")
    EndpointService.ChangedView start(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return service.act(caller, projectId, endpointId, "start");
    }

    @PostMapping("/endpoints/{endpoint_id}/suspend")
    EndpointService.ChangedView suspend(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return service.act(caller, projectId, endpointId, "suspend");
    }

    @PostMapping("/endpoints/{endpoint_id}/restart")
    EndpointService.ChangedView restart(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("endpoint_id") String endpointId) {
        return service.act(caller, projectId, endpointId, "restart");
    }
}
