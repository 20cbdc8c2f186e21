package dev.xenon.console.project;

import dev.xenon.common.TenantId;
import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.account.OwnedProjects;
import dev.xenon.console.branch.BranchService;
import dev.xenon.console.endpoint.EndpointAddresses;
import dev.xenon.console.endpoint.EndpointService;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.ProjectRepository;
import dev.xenon.console.model.Role;
import dev.xenon.console.model.RoleRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationView;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.role.ConnectionUris;
import dev.xenon.console.role.DatabaseView;
import dev.xenon.console.role.RoleService;
import dev.xenon.console.role.RoleView;
import dev.xenon.console.system.ConsoleProperties;
import dev.xenon.console.system.Ids;
import dev.xenon.console.system.Validation;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Projects: a project is a storage-node tenant with a default branch ({@code main}), a read-write
 * endpoint, an owner role {@code <database>_owner} and a database ({@code neondb}).
 */
@Service
public class ProjectService {

    static final int MAX_NAME = 256;
    static final int MAX_HISTORY_RETENTION = 2_592_000;

    /** {@code project} of a create or update request. */
    public record ProjectRequest(
            String name,
            Integer pgVersion,
            String regionId,
            BranchSettings branch,
            DefaultEndpointSettings defaultEndpointSettings,
            Integer historyRetentionSeconds) {}

    /** {@code project.branch}. */
    public record BranchSettings(String name, String roleName, String databaseName) {}

    /** {@code project.default_endpoint_settings}. */
    public record DefaultEndpointSettings(Integer suspendTimeoutSeconds) {}

    /** The answer of project creation. */
    public record Created(
            ProjectView project,
            List<ConnectionUris.ConnectionUri> connectionUris,
            List<RoleView> roles,
            List<DatabaseView> databases,
            List<OperationView> operations,
            dev.xenon.console.branch.BranchView branch,
            List<dev.xenon.console.endpoint.EndpointView> endpoints) {}

    /** {@code {project, operations}}. */
    public record Changed(ProjectView project, List<OperationView> operations) {}

    private final OwnedProjects owned;
    private final ProjectRepository projects;
    private final BranchRepository branches;
    private final EndpointRepository endpoints;
    private final RoleRepository roles;
    private final BranchService branchService;
    private final EndpointService endpointService;
    private final RoleService roleService;
    private final ConnectionUris connectionUris;
    private final EndpointAddresses addresses;
    private final Operations operations;
    private final PostgresVersions versions;
    private final ConsoleProperties console;
    private final Ids ids;
    private final Clock clock;

    ProjectService(
            OwnedProjects owned,
            ProjectRepository projects,
            BranchRepository branches,
            EndpointRepository endpoints,
            RoleRepository roles,
            BranchService branchService,
            EndpointService endpointService,
            RoleService roleService,
            ConnectionUris connectionUris,
            EndpointAddresses addresses,
            Operations operations,
            PostgresVersions versions,
            ConsoleProperties console,
            Ids ids,
            Clock clock) {
        this.owned = owned;
        this.projects = projects;
        this.branches = branches;
        this.endpoints = endpoints;
        this.roles = roles;
        this.branchService = branchService;
        this.endpointService = endpointService;
        this.roleService = roleService;
        this.connectionUris = connectionUris;
        this.addresses = addresses;
        this.operations = operations;
        this.versions = versions;
        this.console = console;
        this.ids = ids;
        this.clock = clock;
    }

    ProjectView view(Project p) {
        return ProjectView.of(p, addresses.proxyHost());
    }

    @Transactional(readOnly = true)
    public List<ProjectView> list(AuthenticatedUser caller) {
        return projects.findLive(caller.userId()).stream().map(this::view).toList();
    }

    @Transactional(readOnly = true)
    public ProjectView get(AuthenticatedUser caller, String projectId) {
        return view(owned.find(caller, projectId));
    }

    @Transactional
    public Created create(AuthenticatedUser caller, ProjectRequest request) {
        ProjectRequest req = request == null ? new ProjectRequest(null, null, null, null, null, null) : request;
        int pgVersion = req.pgVersion() == null
                ? versions.defaultVersion()
                : Validation.oneOf("project.pg_version", req.pgVersion(), Set.copyOf(versions.available()));
        if (req.regionId() != null && !req.regionId().equals(console.regionId())) {
            throw new BadRequestException(
                    "project.region_id", "project.region_id must be " + console.regionId() + ", not " + req.regionId());
        }
        int suspendTimeout = req.defaultEndpointSettings() == null
                        || req.defaultEndpointSettings().suspendTimeoutSeconds() == null
                ? 0
                : Validation.range(
                        "project.default_endpoint_settings.suspend_timeout_seconds",
                        req.defaultEndpointSettings().suspendTimeoutSeconds(),
                        -1,
                        EndpointService.MAX_SUSPEND_TIMEOUT);
        int retention = req.historyRetentionSeconds() == null
                ? console.historyRetentionSeconds()
                : Validation.range(
                        "project.history_retention_seconds", req.historyRetentionSeconds(), 0, MAX_HISTORY_RETENTION);
        BranchSettings branchSettings = req.branch() == null ? new BranchSettings(null, null, null) : req.branch();
        String branchName = branchSettings.name() == null
                ? console.defaultBranchName()
                : Validation.name("project.branch.name", branchSettings.name(), BranchService.MAX_NAME);
        String databaseName =
                branchSettings.databaseName() == null ? console.defaultDatabaseName() : branchSettings.databaseName();
        String roleName = branchSettings.roleName() == null ? ownerRoleName(databaseName) : branchSettings.roleName();

        String id = ids.project();
        String name = req.name() == null ? id : Validation.name("project.name", req.name(), MAX_NAME);
        Project project = projects.save(new Project(
                id,
                caller.userId(),
                name,
                TenantId.generate().toString(),
                pgVersion,
                console.regionId(),
                suspendTimeout,
                retention,
                clock.instant()));
        List<Operation> scheduled = new ArrayList<>();
        Operation createTimeline = branchService.createRoot(project, branchName, scheduled);
        Branch branch = branches.findById(createTimeline.getBranchId()).orElseThrow();
        RoleService.CreatedRole owner = roleService.createRole(branch, roleName, "project.branch.role_name");
        roleService.createDatabase(branch, databaseName, roleName, "project.branch.database_name");
        EndpointService.Changed endpoint =
                endpointService.createFor(project, branch, Endpoint.READ_WRITE, null, "project");
        scheduled.addAll(endpoint.operations());
        BranchService.Created created = branchService.created(project, branch, List.of(endpoint.endpoint()), scheduled);
        List<RoleView> roleViews = created.roles().stream()
                .map(r -> r.name().equals(roleName)
                        ? new RoleView(
                                r.branchId(),
                                r.name(),
                                owner.password(),
                                r.protectedRole(),
                                r.createdAt(),
                                r.updatedAt())
                        : r)
                .toList();
        return new Created(
                view(project),
                created.connectionUris(),
                roleViews,
                created.databases(),
                created.operations(),
                created.branch(),
                created.endpoints());
    }

    @Transactional
    public Changed update(AuthenticatedUser caller, String projectId, ProjectRequest request) {
        Project project = owned.lock(caller, projectId);
        Validation.required("project", request);
        if (request.name() != null) {
            project.setName(Validation.name("project.name", request.name(), MAX_NAME));
        }
        if (request.defaultEndpointSettings() != null
                && request.defaultEndpointSettings().suspendTimeoutSeconds() != null) {
            project.setDefaultSuspendTimeoutSeconds(Validation.range(
                    "project.default_endpoint_settings.suspend_timeout_seconds",
                    request.defaultEndpointSettings().suspendTimeoutSeconds(),
                    -1,
                    EndpointService.MAX_SUSPEND_TIMEOUT));
        }
        if (request.historyRetentionSeconds() != null) {
            project.setHistoryRetentionSeconds(Validation.range(
                    "project.history_retention_seconds", request.historyRetentionSeconds(), 0, MAX_HISTORY_RETENTION));
        }
        if (request.pgVersion() != null && request.pgVersion() != project.getPgVersion()) {
            throw new BadRequestException("project.pg_version", "the Postgres version of a project cannot change");
        }
        project.touch(clock.instant());
        return new Changed(view(project), List.of());
    }

    /** Hides the project at once; a {@code delete_project} operation stops computes and deletes its timelines. */
    @Transactional
    public ProjectView delete(AuthenticatedUser caller, String projectId) {
        Project project = owned.lock(caller, projectId);
        operations.requireProjectIdle(projectId);
        project.markDeleted(clock.instant());
        operations.schedule(projectId, null, null, Actions.DELETE_PROJECT, Map.of());
        return view(project);
    }

    @Transactional(readOnly = true)
    public String connectionUri(
            AuthenticatedUser caller,
            String projectId,
            String branchId,
            String endpointId,
            String databaseName,
            String roleName) {
        Project project = owned.find(caller, projectId);
        Branch branch = branchId == null
                ? branches.findByProjectIdAndDefaultBranchTrue(project.getId()).orElseThrow()
                : branches.findByIdAndProjectId(branchId, project.getId())
                        .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
        Endpoint endpoint = endpointId == null
                ? endpoints
                        .findByBranchIdAndType(branch.getId(), Endpoint.READ_WRITE)
                        .orElseThrow(() -> new NotFoundException("branch " + branch.getId() + " has no endpoint"))
                : endpoints
                        .findByIdAndProjectId(endpointId, project.getId())
                        .filter(e -> e.getBranchId().equals(branch.getId()))
                        .orElseThrow(() -> new NotFoundException("endpoint " + endpointId + " not found"));
        Role role = roles.findByBranchIdAndName(branch.getId(), roleName)
                .orElseThrow(() -> new NotFoundException("role " + roleName + " not found"));
        roleService.getDatabase(caller, projectId, branch.getId(), databaseName);
        if (role.getPassword() == null) {
            throw new NotFoundException("role " + roleName + " has no password");
        }
        return connectionUris.of(endpoint, role, databaseName).connectionUri();
    }

    /** {@code <database>_owner}, as a Postgres identifier of at most 63 bytes. */
    static String ownerRoleName(String databaseName) {
        String base = databaseName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String suffix = "_owner";
        int max = Validation.MAX_IDENTIFIER_BYTES - suffix.length();
        return (base.length() > max ? base.substring(0, max) : base) + suffix;
    }

    Instant now() {
        return clock.instant();
    }
}
