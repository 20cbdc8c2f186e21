package dev.xenon.console.endpoint;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.account.OwnedProjects;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.Project;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.system.Ids;
import dev.xenon.console.system.Passwords;
import dev.xenon.console.system.SecretCipher;
import dev.xenon.console.system.Validation;
import dev.xenon.web.BadRequestException;
import dev.xenon.web.ConflictException;
import dev.xenon.web.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Endpoints: metadata changes and the operations that carry them out. */
@Service
public class EndpointService {

    /** Longest {@code suspend_timeout_seconds}: a week. */
    public static final int MAX_SUSPEND_TIMEOUT = 604_800;

    /** An endpoint and the operations a call scheduled for it. */
    public record Changed(Endpoint endpoint, List<Operation> operations) {}

    /** Fields of an endpoint create or update request ({@code endpoint} object). */
    public record EndpointRequest(
            String branchId, String type, Integer suspendTimeoutSeconds, Boolean disabled, String regionId) {}

    private final OwnedProjects projects;
    private final BranchRepository branches;
    private final EndpointRepository endpoints;
    private final Operations operations;
    private final PortAllocator ports;
    private final EndpointAddresses addresses;
    private final SecretCipher secrets;
    private final Ids ids;
    private final Clock clock;

    EndpointService(
            OwnedProjects projects,
            BranchRepository branches,
            EndpointRepository endpoints,
            Operations operations,
            PortAllocator ports,
            EndpointAddresses addresses,
            SecretCipher secrets,
            Ids ids,
            Clock clock) {
        this.projects = projects;
        this.branches = branches;
        this.endpoints = endpoints;
        this.operations = operations;
        this.ports = ports;
        this.addresses = addresses;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
    }

    public EndpointView view(Project project, Endpoint endpoint) {
        return EndpointView.of(
                endpoint,
                addresses.host(endpoint),
                addresses.proxyHost(),
                project.getRegionId(),
                Endpoint.INIT.equals(endpoint.getCurrentState()) ? Endpoint.ACTIVE : null);
    }

    public List<EndpointView> views(Project project, List<Endpoint> list) {
        return list.stream().map(e -> view(project, e)).toList();
    }

    /**
     * A new endpoint of {@code branch} and its {@code start_compute} operation, in the caller's
     * transaction (which holds the project lock). {@code field} names the request field for errors.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Changed createFor(Project project, Branch branch, String type, Integer suspendTimeoutSeconds, String field) {
        String endpointType = type == null ? Endpoint.READ_WRITE : type;
        Validation.oneOf(field + ".type", endpointType, Set.of(Endpoint.READ_WRITE, Endpoint.READ_ONLY));
        if (Endpoint.READ_ONLY.equals(endpointType)) {
            throw new BadRequestException(field + ".type", "read_only endpoints are not supported yet");
        }
        int timeout = suspendTimeoutSeconds == null
                ? project.getDefaultSuspendTimeoutSeconds()
                : Validation.range(field + ".suspend_timeout_seconds", suspendTimeoutSeconds, -1, MAX_SUSPEND_TIMEOUT);
        if (endpoints.findByBranchIdAndType(branch.getId(), Endpoint.READ_WRITE).isPresent()) {
            throw new ConflictException(
                    "ENDPOINT_EXISTS",
                    field + ".type",
                    "branch " + branch.getId() + " already has a read_write endpoint");
        }
        Endpoint endpoint = endpoints.save(new Endpoint(
                ids.endpoint(),
                project.getId(),
                branch.getId(),
                endpointType,
                timeout,
                ports.next(),
                secrets.encrypt(Passwords.password()),
                clock.instant()));
        Operation start =
                operations.schedule(project.getId(), branch.getId(), endpoint.getId(), Actions.START_COMPUTE, Map.of());
        return new Changed(endpoint, List.of(start));
    }

    @Transactional(readOnly = true)
    public List<EndpointView> list(AuthenticatedUser caller, String projectId) {
        Project project = projects.find(caller, projectId);
        return views(project, endpoints.findByProjectIdOrderByCreatedAt(projectId));
    }

    @Transactional(readOnly = true)
    public List<EndpointView> listOfBranch(AuthenticatedUser caller, String projectId, String branchId) {
        Project project = projects.find(caller, projectId);
        Branch branch = branch(projectId, branchId);
        return views(project, endpoints.findByBranchIdOrderByCreatedAt(branch.getId()));
    }

    @Transactional(readOnly = true)
    public EndpointView get(AuthenticatedUser caller, String projectId, String endpointId) {
        Project project = projects.find(caller, projectId);
        return view(project, endpoint(projectId, endpointId));
    }

    @Transactional
    public ChangedView create(AuthenticatedUser caller, String projectId, EndpointRequest request) {
        Project project = projects.lock(caller, projectId);
        Validation.required("endpoint", request);
        String branchId = Validation.required("endpoint.branch_id", request.branchId());
        Branch branch = branches.findByIdAndProjectId(branchId, projectId)
                .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
        operations.requireIdle(branch.getId());
        Validation.required("endpoint.type", request.type());
        return changedView(
                project, createFor(project, branch, request.type(), request.suspendTimeoutSeconds(), "endpoint"));
    }

    @Transactional
    public ChangedView update(AuthenticatedUser caller, String projectId, String endpointId, EndpointRequest request) {
        Project project = projects.lock(caller, projectId);
        Endpoint endpoint = endpoint(projectId, endpointId);
        Validation.required("endpoint", request);
        if (request.branchId() != null && !request.branchId().equals(endpoint.getBranchId())) {
            throw new BadRequestException(
                    "endpoint.branch_id", "moving an endpoint to another branch is not supported");
        }
        if (request.suspendTimeoutSeconds() != null) {
            endpoint.setSuspendTimeoutSeconds(Validation.range(
                    "endpoint.suspend_timeout_seconds", request.suspendTimeoutSeconds(), -1, MAX_SUSPEND_TIMEOUT));
        }
        if (request.disabled() != null) {
            endpoint.setDisabled(request.disabled());
        }
        endpoint.touch(clock.instant());
        return changedView(project, new Changed(endpoint, List.of()));
    }

    /** {@code start}, {@code suspend}, {@code restart} or {@code delete}. */
    @Transactional
    public ChangedView act(AuthenticatedUser caller, String projectId, String endpointId, String what) {
        Project project = projects.lock(caller, projectId);
        Endpoint endpoint = endpoint(projectId, endpointId);
        operations.requireIdle(endpoint.getBranchId());
        List<String> actions =
                switch (what) {
                    case "start" -> List.of(Actions.START_COMPUTE);
                    case "suspend" -> List.of(Actions.SUSPEND_COMPUTE);
                    case "restart" -> List.of(Actions.SUSPEND_COMPUTE, Actions.START_COMPUTE);
                    case "delete" -> List.of(Actions.DELETE_ENDPOINT);
                    default -> throw new IllegalArgumentException(what);
                };
        if ("start".equals(what) && endpoint.isDisabled()) {
            throw new ConflictException("ENDPOINT_DISABLED", null, "endpoint " + endpointId + " is disabled");
        }
        List<Operation> scheduled = new ArrayList<>();
        for (String action : actions) {
            scheduled.add(operations.schedule(projectId, endpoint.getBranchId(), endpoint.getId(), action, Map.of()));
        }
        return changedView(project, new Changed(endpoint, scheduled));
    }

    /** {@code {endpoint, operations}}. */
    public record ChangedView(EndpointView endpoint, List<dev.xenon.console.operation.OperationView> operations) {}

    private ChangedView changedView(Project project, Changed changed) {
        return new ChangedView(
                view(project, changed.endpoint()), dev.xenon.console.operation.OperationView.of(changed.operations()));
    }

    private Branch branch(String projectId, String branchId) {
        return branches.findByIdAndProjectId(branchId, projectId)
                .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
    }

    private Endpoint endpoint(String projectId, String endpointId) {
        return endpoints
                .findByIdAndProjectId(endpointId, projectId)
                .orElseThrow(() -> new NotFoundException("endpoint " + endpointId + " not found"));
    }
}
