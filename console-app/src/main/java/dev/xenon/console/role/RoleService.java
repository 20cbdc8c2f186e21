package dev.xenon.console.role;

import dev.xenon.console.account.AuthenticatedUser;
import dev.xenon.console.account.OwnedProjects;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.BranchRepository;
import dev.xenon.console.model.Database;
import dev.xenon.console.model.DatabaseRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.Project;
import dev.xenon.console.model.Role;
import dev.xenon.console.model.RoleRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationView;
import dev.xenon.console.operation.Operations;
import dev.xenon.console.system.ConsoleErrors;
import dev.xenon.console.system.Passwords;
import dev.xenon.console.system.SecretCipher;
import dev.xenon.console.system.Validation;
import dev.xenon.web.ConflictException;
import dev.xenon.web.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Roles and databases of a branch. The metadata changes at once; an {@code apply_config} operation
 * carries the change to the compute. Passwords are generated here (32 letters and digits from
 * SecureRandom) and stored encrypted, so {@code reveal_password} can show them.
 */
@Service
public class RoleService {

    /** {@code {role, operations}}. */
    public record RoleChange(RoleView role, List<OperationView> operations) {}

    /** {@code {database, operations}}. */
    public record DatabaseChange(DatabaseView database, List<OperationView> operations) {}

    /** Fields of {@code role} in a create request. */
    public record RoleRequest(String name, Boolean noLogin) {}

    /** Fields of {@code database} in a create or update request. */
    public record DatabaseRequest(String name, String ownerName) {}

    /** A created role with its password in plain text (shown once by the create call). */
    public record CreatedRole(Role role, String password) {}

    private final OwnedProjects projects;
    private final BranchRepository branches;
    private final RoleRepository roles;
    private final DatabaseRepository databases;
    private final Operations operations;
    private final SecretCipher secrets;
    private final Clock clock;

    RoleService(
            OwnedProjects projects,
            BranchRepository branches,
            RoleRepository roles,
            DatabaseRepository databases,
            Operations operations,
            SecretCipher secrets,
            Clock clock) {
        this.projects = projects;
        this.branches = branches;
        this.roles = roles;
        this.databases = databases;
        this.operations = operations;
        this.secrets = secrets;
        this.clock = clock;
    }

    // ---- used by project and branch creation (caller's transaction) ----

    /** A role with a new password, in metadata only (the compute gets it when it starts). */
    @Transactional(propagation = Propagation.MANDATORY)
    public CreatedRole createRole(Branch branch, String name, String field) {
        Validation.identifier(field, name, Validation.RESERVED_ROLES);
        String password = Passwords.password();
        Role role = roles.save(new Role(branch.getId(), name, secrets.encrypt(password), clock.instant()));
        return new CreatedRole(role, password);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Database createDatabase(Branch branch, String name, String owner, String field) {
        Validation.identifier(field, name, Validation.RESERVED_DATABASES);
        return databases.save(new Database(branch.getId(), name, owner, clock.instant()));
    }

    /** A child branch has its parent's roles and databases (they are in its data). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void copy(String fromBranchId, String toBranchId) {
        Instant now = clock.instant();
        for (Role r : roles.findByBranchIdOrderById(fromBranchId)) {
            roles.save(new Role(toBranchId, r.getName(), r.getPassword(), now));
        }
        for (Database d : databases.findByBranchIdOrderById(fromBranchId)) {
            databases.save(new Database(toBranchId, d.getName(), d.getOwnerName(), now));
        }
    }

    /** Drops a branch's role and database rows (before a restore replaces them). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void clear(String branchId) {
        databases.deleteAll(databases.findByBranchIdOrderById(branchId));
        roles.deleteAll(roles.findByBranchIdOrderById(branchId));
        roles.flush();
    }

    @Transactional(readOnly = true)
    public List<RoleView> roleViews(String branchId) {
        return roles.findByBranchIdOrderById(branchId).stream()
                .map(r -> RoleView.of(r, null))
                .toList();
    }

    @Transactional(readOnly = true)
    public List<DatabaseView> databaseViews(String branchId) {
        return databases.findByBranchIdOrderById(branchId).stream()
                .map(DatabaseView::of)
                .toList();
    }

    // ---- roles API ----

    @Transactional(readOnly = true)
    public List<RoleView> listRoles(AuthenticatedUser caller, String projectId, String branchId) {
        return roleViews(branch(caller, projectId, branchId, false).getId());
    }

    @Transactional(readOnly = true)
    public RoleView getRole(AuthenticatedUser caller, String projectId, String branchId, String name) {
        return RoleView.of(role(branch(caller, projectId, branchId, false), name), null);
    }

    @Transactional
    public RoleChange createRole(AuthenticatedUser caller, String projectId, String branchId, RoleRequest request) {
        Branch branch = branch(caller, projectId, branchId, true);
        Validation.required("role", request);
        String name = Validation.identifier("role.name", request.name(), Validation.RESERVED_ROLES);
        if (roles.findByBranchIdAndName(branch.getId(), name).isPresent()) {
            throw new ConflictException("ROLE_EXISTS", "role.name", "role " + name + " already exists");
        }
        boolean noLogin = Boolean.TRUE.equals(request.noLogin());
        String password = noLogin ? null : Passwords.password();
        Role role = roles.save(new Role(branch.getId(), name, secrets.encrypt(password), clock.instant()));
        Operation op = apply(branch, Map.of(ApplyConfig.KIND, "create_role", "role", name));
        return new RoleChange(RoleView.of(role, password), OperationView.of(List.of(op)));
    }

    @Transactional
    public RoleChange deleteRole(AuthenticatedUser caller, String projectId, String branchId, String name) {
        Branch branch = branch(caller, projectId, branchId, true);
        Role role = role(branch, name);
        if (role.isProtected()) {
            throw new ConsoleErrors.Forbidden("role " + name + " is protected");
        }
        if (databases.existsByBranchIdAndOwnerName(branch.getId(), name)) {
            throw new ConflictException(
                    "ROLE_OWNS_DATABASE", null, "role " + name + " owns a database: delete or reassign it first");
        }
        roles.delete(role);
        Operation op = apply(branch, Map.of(ApplyConfig.KIND, "drop_role", "role", name));
        return new RoleChange(RoleView.of(role, null), OperationView.of(List.of(op)));
    }

    @Transactional(readOnly = true)
    public String revealPassword(AuthenticatedUser caller, String projectId, String branchId, String name) {
        Role role = role(branch(caller, projectId, branchId, false), name);
        if (role.getPassword() == null) {
            throw new NotFoundException("role " + name + " has no password");
        }
        return secrets.decrypt(role.getPassword());
    }

    @Transactional
    public RoleChange resetPassword(AuthenticatedUser caller, String projectId, String branchId, String name) {
        Branch branch = branch(caller, projectId, branchId, true);
        Role role = role(branch, name);
        String password = Passwords.password();
        role.setPassword(secrets.encrypt(password), clock.instant());
        Operation op = apply(branch, Map.of(ApplyConfig.KIND, "reset_password", "role", name));
        return new RoleChange(RoleView.of(role, password), OperationView.of(List.of(op)));
    }

    // ---- databases API ----

    @Transactional(readOnly = true)
    public List<DatabaseView> listDatabases(AuthenticatedUser caller, String projectId, String branchId) {
        return databaseViews(branch(caller, projectId, branchId, false).getId());
    }

    @Transactional(readOnly = true)
    public DatabaseView getDatabase(AuthenticatedUser caller, String projectId, String branchId, String name) {
        return DatabaseView.of(database(branch(caller, projectId, branchId, false), name));
    }

    @Transactional
    public DatabaseChange createDatabase(
            AuthenticatedUser caller, String projectId, String branchId, DatabaseRequest request) {
        Branch branch = branch(caller, projectId, branchId, true);
        Validation.required("database", request);
        String name = Validation.identifier("database.name", request.name(), Validation.RESERVED_DATABASES);
        String owner = Validation.required("database.owner_name", request.ownerName());
        requireRole(branch, owner, "database.owner_name");
        if (databases.findByBranchIdAndName(branch.getId(), name).isPresent()) {
            throw new ConflictException("DATABASE_EXISTS", "database.name", "database " + name + " already exists");
        }
        Database database = createDatabase(branch, name, owner, "database.name");
        Operation op = apply(branch, Map.of(ApplyConfig.KIND, "create_database", "database", name, "owner", owner));
        return new DatabaseChange(DatabaseView.of(database), OperationView.of(List.of(op)));
    }

    @Transactional
    public DatabaseChange updateDatabase(
            AuthenticatedUser caller, String projectId, String branchId, String name, DatabaseRequest request) {
        Branch branch = branch(caller, projectId, branchId, true);
        Database database = database(branch, name);
        Validation.required("database", request);
        Instant now = clock.instant();
        String newName = null;
        if (request.name() != null && !request.name().equals(name)) {
            newName = Validation.identifier("database.name", request.name(), Validation.RESERVED_DATABASES);
            if (databases.findByBranchIdAndName(branch.getId(), newName).isPresent()) {
                throw new ConflictException(
                        "DATABASE_EXISTS", "database.name", "database " + newName + " already exists");
            }
            database.setName(newName, now);
        }
        String owner = null;
        if (request.ownerName() != null) {
            owner = requireRole(branch, request.ownerName(), "database.owner_name");
            database.setOwnerName(owner, now);
        }
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put(ApplyConfig.KIND, "alter_database");
        params.put("database", name);
        if (newName != null) {
            params.put("new_name", newName);
        }
        if (owner != null) {
            params.put("owner", owner);
        }
        Operation op = apply(branch, params);
        return new DatabaseChange(DatabaseView.of(database), OperationView.of(List.of(op)));
    }

    @Transactional
    public DatabaseChange deleteDatabase(AuthenticatedUser caller, String projectId, String branchId, String name) {
        Branch branch = branch(caller, projectId, branchId, true);
        Database database = database(branch, name);
        databases.delete(database);
        Operation op = apply(branch, Map.of(ApplyConfig.KIND, "drop_database", "database", name));
        return new DatabaseChange(DatabaseView.of(database), OperationView.of(List.of(op)));
    }

    // ---- helpers ----

    private Operation apply(Branch branch, Map<String, String> params) {
        return operations.schedule(branch.getProjectId(), branch.getId(), null, Actions.APPLY_CONFIG, params);
    }

    /** The branch of the caller's project; {@code mutate}: locks the project and applies the 423 rule. */
    private Branch branch(AuthenticatedUser caller, String projectId, String branchId, boolean mutate) {
        Project project = mutate ? projects.lock(caller, projectId) : projects.find(caller, projectId);
        Branch branch = branches.findByIdAndProjectId(branchId, project.getId())
                .orElseThrow(() -> new NotFoundException("branch " + branchId + " not found"));
        if (mutate) {
            operations.requireIdle(branch.getId());
        }
        return branch;
    }

    private Role role(Branch branch, String name) {
        return roles.findByBranchIdAndName(branch.getId(), name)
                .orElseThrow(() -> new NotFoundException("role " + name + " not found"));
    }

    private Database database(Branch branch, String name) {
        return databases
                .findByBranchIdAndName(branch.getId(), name)
                .orElseThrow(() -> new NotFoundException("database " + name + " not found"));
    }

    private String requireRole(Branch branch, String name, String field) {
        if (roles.findByBranchIdAndName(branch.getId(), name).isEmpty()) {
            throw new dev.xenon.web.BadRequestException(field, "role " + name + " does not exist on the branch");
        }
        return name;
    }
}
