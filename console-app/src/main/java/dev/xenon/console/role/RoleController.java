package dev.xenon.console.role;

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

/** Roles and databases of a branch, as Neon's API v2. */
@RestController
@RequestMapping("/api/v2/projects/{project_id}/branches/{branch_id}")
@Tag(name = "Roles and databases")
class RoleController {

    record RolesView(List<RoleView> roles) {}

    record OneRoleView(RoleView role) {}

    record RoleBody(RoleService.RoleRequest role) {}

    record PasswordView(String password) {}

    record DatabasesView(List<DatabaseView> databases) {}

    record OneDatabaseView(DatabaseView database) {}

    record DatabaseBody(RoleService.DatabaseRequest database) {}

    private final RoleService service;

    RoleController(RoleService service) {
        this.service = service;
    }

    @GetMapping("/roles")
    RolesView roles(
            AuthenticatedUser caller, @PathVariable("project_id") String p, @PathVariable("branch_id") String b) {
        return new RolesView(service.listRoles(caller, p, b));
    }

    @PostMapping("/roles")
    @ResponseStatus(HttpStatus.CREATED)
    RoleService.RoleChange createRole(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @RequestBody(required = false) RoleBody body) {
        return service.createRole(caller, p, b, body == null ? null : body.role());
    }

    @GetMapping("/roles/{role_name}")
    OneRoleView role(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("role_name") String role) {
        return new OneRoleView(service.getRole(caller, p, b, role));
    }

    @DeleteMapping("/roles/{role_name}")
    RoleService.RoleChange deleteRole(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("role_name") String role) {
        return service.deleteRole(caller, p, b, role);
    }

    @GetMapping("/roles/{role_name}/reveal_password")
    PasswordView revealPassword(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("role_name") String role) {
        return new PasswordView(service.revealPassword(caller, p, b, role));
    }

    @PostMapping("/roles/{role_name}/reveal_password")
    PasswordView revealPasswordPost(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("role_name") String role) {
        return revealPassword(caller, p, b, role);
    }

    @PostMapping("/roles/{role_name}/reset_password")
    RoleService.RoleChange resetPassword(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("role_name") String role) {
        return service.resetPassword(caller, p, b, role);
    }

    @GetMapping("/databases")
    DatabasesView databases(
            AuthenticatedUser caller, @PathVariable("project_id") String p, @PathVariable("branch_id") String b) {
        return new DatabasesView(service.listDatabases(caller, p, b));
    }

    @PostMapping("/databases")
    @ResponseStatus(HttpStatus.CREATED)
    RoleService.DatabaseChange createDatabase(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @RequestBody(required = false) DatabaseBody body) {
        return service.createDatabase(caller, p, b, body == null ? null : body.database());
    }

    @GetMapping("/databases/{database_name}")
    OneDatabaseView database(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("database_name") String database) {
        return new OneDatabaseView(service.getDatabase(caller, p, b, database));
    }

    @PatchMapping("/databases/{database_name}")
    RoleService.DatabaseChange updateDatabase(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("database_name") String database,
            @RequestBody(required = false) DatabaseBody body) {
        return service.updateDatabase(caller, p, b, database, body == null ? null : body.database());
    }

    @DeleteMapping("/databases/{database_name}")
    RoleService.DatabaseChange deleteDatabase(
            AuthenticatedUser caller,
            @PathVariable("project_id") String p,
            @PathVariable("branch_id") String b,
            @PathVariable("database_name") String database) {
        return service.deleteDatabase(caller, p, b, database);
    }
}
