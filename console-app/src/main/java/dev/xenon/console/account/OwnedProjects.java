package dev.xenon.console.account;

import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.web.NotFoundException;
import org.springframework.stereotype.Component;

/**
 * Every project route goes through here: a project of another user is answered exactly like an
 * unknown one (404), so project ids of others can't be probed.
 */
@Component
public class OwnedProjects {

    private final ProjectRepository projects;

    OwnedProjects(ProjectRepository projects) {
        this.projects = projects;
    }

    /** The caller's live project. */
    public Project find(AuthenticatedUser caller, String projectId) {
        return projects.findOwned(projectId, caller.userId()).orElseThrow(() -> notFound(projectId));
    }

    /** The caller's live project, locked until the transaction ends: mutations of one project serialise. */
    public Project lock(AuthenticatedUser caller, String projectId) {
        return projects.lockOwned(projectId, caller.userId()).orElseThrow(() -> notFound(projectId));
    }

    private static NotFoundException notFound(String projectId) {
        return new NotFoundException("project " + projectId + " not found");
    }
}
