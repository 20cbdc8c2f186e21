package dev.xenon.console.role;

import dev.xenon.common.postgres.ComputeConventions;
import dev.xenon.console.compute.RunningCompute;
import dev.xenon.console.endpoint.ComputeStartListener;
import dev.xenon.console.model.Database;
import dev.xenon.console.model.DatabaseRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.Role;
import dev.xenon.console.model.RoleRepository;
import dev.xenon.console.system.SecretCipher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Roles and databases applied to a running read-write compute as SQL, connected as the platform's
 * admin role {@code cloud_admin} over TCP. Every statement is idempotent (creates only what is
 * missing, drops only what exists). Passwords never appear in SQL text: pgjdbc computes the SCRAM
 * verifier on this side ({@code PGConnection.alterUserPassword}), so a logged statement holds no
 * secret.
 */
@Component
class ComputeSql implements ComputeStartListener {

    static final String ADMIN_ROLE = ComputeConventions.ADMIN_ROLE;

    private final RoleRepository roles;
    private final DatabaseRepository databases;
    private final SecretCipher secrets;
    private final TransactionTemplate tx;

    ComputeSql(RoleRepository roles, DatabaseRepository databases, SecretCipher secrets, TransactionTemplate tx) {
        this.roles = roles;
        this.databases = databases;
        this.secrets = secrets;
        this.tx = tx;
    }

    /** After a start: every role and database of the branch's metadata exists on the compute. */
    @Override
    public void started(Endpoint endpoint, RunningCompute compute, String adminPassword) throws SQLException {
        record Wanted(List<Role> roles, List<Database> databases) {}
        Wanted wanted = tx.execute(s -> new Wanted(
                roles.findByBranchIdOrderById(endpoint.getBranchId()),
                databases.findByBranchIdOrderById(endpoint.getBranchId())));
        try (Connection c = connect(compute, adminPassword)) {
            for (Role role : wanted.roles()) {
                ensureRole(c, role.getName(), secrets.decrypt(role.getPassword()), false);
            }
            for (Database database : wanted.databases()) {
                ensureDatabase(c, database.getName(), database.getOwnerName());
            }
        }
    }

    /** Creates the role if missing; sets its password (when not null) either way if {@code reset}. */
    void ensureRole(Connection c, String name, String password, boolean reset) throws SQLException {
        boolean exists = exists(c, "select 1 from pg_roles where rolname = ?", name);
        if (!exists) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + quote(name) + " WITH LOGIN CREATEDB CREATEROLE");
            }
        }
        if (password != null && (!exists || reset)) {
            c.unwrap(PGConnection.class).alterUserPassword(name, password.toCharArray(), "scram-sha-256");
        }
    }

    /**
     * Drops the role as Neon does: in every database it can log in to, what the role owns goes to the
     * database's owner and its privileges are revoked ({@code REASSIGN OWNED}, {@code DROP OWNED}),
     * otherwise {@code DROP ROLE} fails as soon as the role was granted anything or created a table.
     */
    void dropRole(Connection c, RunningCompute compute, String adminPassword, String name) throws SQLException {
        if (!exists(c, "select 1 from pg_roles where rolname = ?", name)) {
            return;
        }
        List<String[]> databases = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select datname, pg_get_userbyid(datdba) from pg_database"
                        + " where datallowconn and not datistemplate order by datname")) {
            while (r.next()) {
                databases.add(new String[] {r.getString(1), r.getString(2)});
            }
        }
        for (String[] database : databases) {
            String owner = database[1].equals(name) ? ADMIN_ROLE : database[1];
            try (Connection db = connect(compute, adminPassword, database[0]);
                    Statement s = db.createStatement()) {
                s.execute("REASSIGN OWNED BY " + quote(name) + " TO " + quote(owner));
                s.execute("DROP OWNED BY " + quote(name));
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + quote(name));
        }
    }

    void ensureDatabase(Connection c, String name, String owner) throws SQLException {
        if (!exists(c, "select 1 from pg_database where datname = ?", name)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + quote(name) + " OWNER " + quote(owner));
            }
        }
    }

    /** Renames {@code from} to {@code to} (when {@code from} still exists) and sets its owner. */
    void alterDatabase(Connection c, String from, String to, String owner) throws SQLException {
        String name = from;
        if (to != null && !to.equals(from) && exists(c, "select 1 from pg_database where datname = ?", from)) {
            terminate(c, from);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + quote(from) + " RENAME TO " + quote(to));
            }
            name = to;
        } else if (to != null) {
            name = to;
        }
        if (owner != null) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + quote(name) + " OWNER TO " + quote(owner));
            }
        }
    }

    void dropDatabase(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
        }
    }

    Connection connect(RunningCompute compute, String adminPassword) throws SQLException {
        return connect(compute, adminPassword, "postgres");
    }

    private Connection connect(RunningCompute compute, String adminPassword, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_ROLE);
        props.setProperty("password", adminPassword);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "xenon-console");
        Connection c = DriverManager.getConnection(
                "jdbc:postgresql://" + compute.host() + ":" + compute.port() + "/"
                        + URLEncoder.encode(database, StandardCharsets.UTF_8),
                props);
        c.setAutoCommit(true);
        return c;
    }

    private static void terminate(Connection c, String database) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            s.setString(1, database);
            s.execute();
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** A Postgres identifier, double-quoted. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
