package dev.xenon.console.role;

import dev.xenon.console.endpoint.Computes;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Operation;
import dev.xenon.console.model.RoleRepository;
import dev.xenon.console.operation.Actions;
import dev.xenon.console.operation.OperationHandler;
import dev.xenon.console.system.SecretCipher;
import java.sql.Connection;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code apply_config}: one role or database change, applied as SQL on the branch's read-write
 * compute, which is started for it when suspended. A branch without a read-write endpoint has
 * nothing to apply to: its roles and databases are created when a compute first starts (drops are
 * then lost — see docs/control-plane.md).
 *
 * <p>Parameters: {@code kind} ({@code create_role}, {@code reset_password}, {@code drop_role},
 * {@code create_database}, {@code alter_database}, {@code drop_database}), {@code role}, {@code
 * database}, {@code new_name}, {@code owner}. Passwords are read from the role's row at execution,
 * never stored in the operation.
 */
@Component
class ApplyConfig implements OperationHandler {

    static final String KIND = "kind";

    private final Computes computes;
    private final EndpointRepository endpoints;
    private final RoleRepository roles;
    private final ComputeSql sql;
    private final SecretCipher secrets;
    private final TransactionTemplate tx;

    ApplyConfig(
            Computes computes,
            EndpointRepository endpoints,
            RoleRepository roles,
            ComputeSql sql,
            SecretCipher secrets,
            TransactionTemplate tx) {
        this.computes = computes;
        this.endpoints = endpoints;
        this.roles = roles;
        this.sql = sql;
        this.secrets = secrets;
        this.tx = tx;
    }

    @Override
    public Set<String> actions() {
        return Set.of(Actions.APPLY_CONFIG);
    }

    @Override
    public void execute(Operation operation) throws Exception {
        Optional<Endpoint> endpoint =
                tx.execute(s -> endpoints.findByBranchIdAndType(operation.getBranchId(), Endpoint.READ_WRITE));
        if (endpoint.isEmpty()) {
            return;
        }
        // The change first, then everything else the metadata has (ComputeSql.started, as after any
        // start). Not the other way round: the metadata already holds the change, so bringing the
        // compute up to date first would create a renamed database under its new name, empty, and
        // the rename would then fail.
        Computes.Started started = computes.ensureRunning(endpoint.get().getId());
        try (Connection c = sql.connect(started.compute(), started.adminPassword())) {
            String role = operation.param("role");
            String database = operation.param("database");
            switch (operation.param(KIND)) {
                case "create_role", "reset_password" -> {
                    String password = tx.execute(s -> roles.findByBranchIdAndName(operation.getBranchId(), role)
                            .map(r -> secrets.decrypt(r.getPassword()))
                            .orElse(null));
                    if (password != null) {
                        sql.ensureRole(c, role, password, true);
                    }
                }
                case "drop_role" -> sql.dropRole(c, started.compute(), started.adminPassword(), role);
                case "create_database" -> sql.ensureDatabase(c, database, operation.param("owner"));
                case "alter_database" ->
                    sql.alterDatabase(c, database, operation.param("new_name"), operation.param("owner"));
                case "drop_database" -> sql.dropDatabase(c, database);
                default -> throw new IllegalArgumentException("unknown apply_config kind " + operation.param(KIND));
            }
        }
        sql.started(started.endpoint(), started.compute(), started.adminPassword());
    }
}
