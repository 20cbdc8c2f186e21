package dev.xenon.console.branch;

import dev.xenon.console.account.AuthenticatedUser;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
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

/** Branches of a project, as Neon's API v2. */
@RestController
@RequestMapping("/api/v2/projects/{project_id}/branches")
@Tag(name = "Branches")
class BranchController {

    record BranchesView(List<BranchView> branches) {}

    record OneBranchView(BranchView branch) {}

    record CreateBody(BranchService.BranchRequest branch, List<BranchService.EndpointRequest> endpoints) {}

    record UpdateBody(BranchService.BranchRequest branch) {}

    private final BranchService service;

    BranchController(BranchService service) {
        this.service = service;
    }

    /**
     * {@code search}, as Neon's: a part of a branch's name or id, case-insensitive (create-branch-action looks
     * a branch up by name with it). {@code limit} and cursors are not applied: every match is listed.
     */
    @GetMapping
    BranchesView list(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestParam(name = "search", required = false) String search) {
        List<BranchView> branches = service.list(caller, projectId);
        if (search == null || search.isEmpty()) {
            return new BranchesView(branches);
        }
        String needle = search.toLowerCase(Locale.ROOT);
        return new BranchesView(branches.stream()
                .filter(b -> b.id().toLowerCase(Locale.ROOT).contains(needle)
                        || b.name().toLowerCase(Locale.ROOT).contains(needle))
                .toList());
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    BranchService.Created create(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestBody(required = false) CreateBody body) {
        return body == null
                ? service.create(caller, projectId, null, List.of())
                : service.create(caller, projectId, body.branch(), body.endpoints());
    }

    @GetMapping("/{branch_id}")
    OneBranchView get(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        return new OneBranchView(service.get(caller, projectId, branchId));
    }

    @PatchMapping("/{branch_id}")
    BranchService.Changed update(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId,
            @RequestBody(required = false) UpdateBody body) {
        return service.update(caller, projectId, branchId, body == null ? null : body.branch());
    }

    @DeleteMapping("/{branch_id}")
    BranchService.Changed delete(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        return service.delete(caller, projectId, branchId);
    }

    @PostMapping("/{branch_id}/restore")
    BranchService.Changed restore(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId,
            @RequestBody(required = false) BranchService.RestoreRequest body) {
        return service.restore(caller, projectId, branchId, body);
    }

    @PostMapping("/{branch_id}/set_as_default")
    BranchService.Changed setAsDefault(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("branch_id") String branchId) {
        return service.setDefault(caller, projectId, branchId);
    }
}
