package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Roles and databases through the API, checked by logging in to the real compute: a created role
 * logs in with the password the API returned, {@code reset_password} replaces it, a dropped role
 * cannot log in; a created database is the owner's, a rename and a drop happen on the compute. On a
 * suspended endpoint the change starts the compute first.
 */
class RolesAndDatabasesIT extends ConsoleIntegrationTest {

    /** SQLSTATE {@code invalid_password}: also what SCRAM answers for an unknown role. */
    private static final String INVALID_PASSWORD = "28P01";

    /** SQLSTATE {@code invalid_catalog_name}: the database does not exist. */
    private static final String NO_SUCH_DATABASE = "3D000";

    @Test
    void rolesAndDatabasesChangeOnTheRunningCompute() throws Exception {
        Project p = project("roles-running");

        // create a role: it logs in with the password of the answer
        JsonNode role = created(ALICE_KEY, p.branchPath() + "/roles", "{\"role\":{\"name\":\"reporter\"}}");
        String password = role.get("role").get("password").asString();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        assertThat(role.get("operations").get(0).get("action").asString()).isEqualTo("apply_config");
        awaitFinished(ALICE_KEY, p.id());
        try (Connection c = connect(p.uri(), "reporter", password, "neondb")) {
            assertThat(value(c, "select current_user")).isEqualTo("reporter");
        }
        assertThat(ok(ALICE_KEY, "GET", p.branchPath() + "/roles/reporter/reveal_password", null)
                        .get("password")
                        .asString())
                .isEqualTo(password);

        // reset_password: the old one fails, the new one (also revealed) works
        JsonNode reset = ok(ALICE_KEY, "POST", p.branchPath() + "/roles/reporter/reset_password", null);
        String newPassword = reset.get("role").get("password").asString();
        assertThat(newPassword).isNotEqualTo(password);
        awaitFinished(ALICE_KEY, p.id());
        assertLoginFails(p.uri(), "reporter", password, "neondb", INVALID_PASSWORD);
        try (Connection c = connect(p.uri(), "reporter", newPassword, "neondb")) {
            assertThat(value(c, "select current_user")).isEqualTo("reporter");
        }
        assertThat(ok(ALICE_KEY, "POST", p.branchPath() + "/roles/reporter/reveal_password", null)
                        .get("password")
                        .asString())
                .isEqualTo(newPassword);

        // a database owned by the role: the owner connects and writes
        JsonNode database = created(
                ALICE_KEY,
                p.branchPath() + "/databases",
                "{\"database\":{\"name\":\"reports\",\"owner_name\":\"reporter\"}}");
        assertThat(database.get("database").get("owner_name").asString()).isEqualTo("reporter");
        awaitFinished(ALICE_KEY, p.id());
        try (Connection c = connect(p.uri(), "reporter", newPassword, "reports")) {
            assertThat(value(c, "select pg_get_userbyid(datdba) from pg_database where datname = 'reports'"))
                    .isEqualTo("reporter");
            exec(c, "create table r (id int)");
            exec(c, "insert into r values (1), (2)");
        }

        // rename: the data moves with it, the old name is gone
        JsonNode renamed = ok(
                ALICE_KEY,
                "PATCH",
                p.branchPath() + "/databases/reports",
                "{\"database\":{\"name\":\"reports_2025\"}}");
        assertThat(renamed.get("database").get("name").asString()).isEqualTo("reports_2025");
        awaitFinished(ALICE_KEY, p.id());
        try (Connection c = connect(p.uri(), "reporter", newPassword, "reports_2025")) {
            assertThat(value(c, "select count(*) from r")).isEqualTo("2");
        }
        assertLoginFails(p.uri(), "reporter", newPassword, "reports", NO_SUCH_DATABASE);
        assertThat(databaseNames(p)).contains("reports_2025").doesNotContain("reports");

        // drop the database
        ok(ALICE_KEY, "DELETE", p.branchPath() + "/databases/reports_2025", null);
        awaitFinished(ALICE_KEY, p.id());
        assertLoginFails(p.uri(), "reporter", newPassword, "reports_2025", NO_SUCH_DATABASE);

        // the role holds privileges and owns a table in the owner's database: dropped all the same,
        // its objects going to the database's owner (as Neon does)
        try (Connection owner = connect(p.uri())) {
            exec(owner, "create table shared (id int)");
            exec(owner, "grant select on shared to reporter");
            exec(owner, "grant create on schema public to reporter");
        }
        try (Connection c = connect(p.uri(), "reporter", newPassword, "neondb")) {
            exec(c, "create table reporter_notes (note text)");
            exec(c, "insert into reporter_notes values ('kept')");
        }
        ok(ALICE_KEY, "DELETE", p.branchPath() + "/roles/reporter", null);
        awaitFinished(ALICE_KEY, p.id());
        assertLoginFails(p.uri(), "reporter", newPassword, "neondb", INVALID_PASSWORD);
        try (Connection c = connect(p.uri())) {
            assertThat(column(c, "select rolname from pg_roles where rolname = 'reporter'"))
                    .isEmpty();
            assertThat(column(c, "select datname from pg_database where datname like 'reports%'"))
                    .isEmpty();
            assertThat(value(c, "select tableowner from pg_tables where tablename = 'reporter_notes'"))
                    .isEqualTo("neondb_owner");
            assertThat(value(c, "select note from reporter_notes")).isEqualTo("kept");
        }
        assertThat(api().get(ALICE_KEY, p.branchPath() + "/roles/reporter").status())
                .isEqualTo(404);
    }

    @Test
    void aChangeOnASuspendedEndpointStartsItsComputeFirst() throws Exception {
        Project p = project("roles-suspended");

        suspend(p);
        JsonNode role = created(ALICE_KEY, p.branchPath() + "/roles", "{\"role\":{\"name\":\"late\"}}");
        String password = role.get("role").get("password").asString();
        List<JsonNode> operations = awaitFinished(ALICE_KEY, p.id());
        assertThat(operations.getFirst().get("action").asString()).isEqualTo("apply_config");
        assertThat(endpoint(ALICE_KEY, p.id(), p.endpoint())
                        .get("current_state")
                        .asString())
                .isEqualTo("active");
        try (Connection c = connect(p.uri(), "late", password, "neondb")) {
            assertThat(value(c, "select current_user")).isEqualTo("late");
        }

        suspend(p);
        created(
                ALICE_KEY,
                p.branchPath() + "/databases",
                "{\"database\":{\"name\":\"late_db\",\"owner_name\":\"late\"}}");
        awaitFinished(ALICE_KEY, p.id());
        try (Connection c = connect(p.uri(), "late", password, "late_db")) {
            exec(c, "create table x (id int)");
        }

        suspend(p);
        ok(ALICE_KEY, "PATCH", p.branchPath() + "/databases/late_db", "{\"database\":{\"name\":\"later_db\"}}");
        awaitFinished(ALICE_KEY, p.id());
        try (Connection c = connect(p.uri(), "late", password, "later_db")) {
            assertThat(value(c, "select count(*) from x")).isEqualTo("0");
        }
        assertLoginFails(p.uri(), "late", password, "late_db", NO_SUCH_DATABASE);
    }

    record Project(String id, String branch, String endpoint, String uri) {
        String branchPath() {
            return "/api/v2/projects/" + id + "/branches/" + branch;
        }
    }

    private Project project(String name) {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"" + name + "\"}}");
        Project p = new Project(
                created.get("project").get("id").asString(),
                created.get("branch").get("id").asString(),
                created.get("endpoints").get(0).get("id").asString(),
                created.get("connection_uris").get(0).get("connection_uri").asString());
        awaitFinished(ALICE_KEY, p.id());
        return p;
    }

    private void suspend(Project p) {
        ok(ALICE_KEY, "POST", "/api/v2/projects/" + p.id() + "/endpoints/" + p.endpoint() + "/suspend", null);
        awaitFinished(ALICE_KEY, p.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoint(ALICE_KEY, p.id(), p.endpoint())
                .get("current_state")
                .asString()
                .equals("idle"));
    }

    private List<String> databaseNames(Project p) {
        return ok(ALICE_KEY, "GET", p.branchPath() + "/databases", null)
                .get("databases")
                .valueStream()
                .map(d -> d.get("name").asString())
                .toList();
    }

    private static void assertLoginFails(String uri, String role, String password, String database, String sqlState) {
        assertThatThrownBy(() -> {
                    try (Connection c = connect(uri, role, password, database)) {
                        value(c, "select 1");
                    }
                })
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as(e.getMessage())
                        .isEqualTo(sqlState));
    }
}
