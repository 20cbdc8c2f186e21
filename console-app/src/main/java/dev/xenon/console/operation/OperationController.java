package dev.xenon.console.operation;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.account.OwnedProjects;
import dev.xenon.console.model.OperationRepository;
import dev.xenon.web.NotFoundException;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /projects/{id}/operations[/{operation_id}]}. */
@RestController
@RequestMapping("/api/v2/projects/{project_id}/operations")
@Tag(name = "Operations")
class OperationController {

    record OperationsView(List<OperationView> operations) {}

    record OneOperationView(OperationView operation) {}

    private final OwnedProjects projects;
    private final OperationRepository repository;

    OperationController(OwnedProjects projects, OperationRepository repository) {
        this.projects = projects;
        this.repository = repository;
    }

    @GetMapping
    @Transactional(readOnly = true)
    OperationsView list(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @RequestParam(name = "limit", defaultValue = "1000") int limit) {
        projects.find(caller, projectId);
        return new OperationsView(OperationView.of(repository.findByProjectIdOrderBySeqDesc(projectId).stream()
                .limit(Math.max(1, Math.min(limit, 1000)))
                .toList()));
    }

    @GetMapping("/{operation_id}")
    @Transactional(readOnly = true)
    OneOperationView get(
            AuthenticatedUser caller,
            @PathVariable("project_id") String projectId,
            @PathVariable("operation_id") String operationId) {
        projects.find(caller, projectId);
        UUID id;
        try {
            id = UUID.fromString(operationId);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("operation " + operationId + " not found");
        }
        return new OneOperationView(OperationView.of(repository
                .findByIdAndProjectId(id, projectId)
                .orElseThrow(() -> new NotFoundException("operation " + operationId + " not found"))));
    }
}
