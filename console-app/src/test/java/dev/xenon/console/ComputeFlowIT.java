package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.console.compute.ComputeDriver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Project creation to a working connection URI, with the real compute driver: operations finish,
 * pgjdbc connects to the returned URI, writes; suspend and start keep the rows; a role created
 * through the API can log in.
 */
class ComputeFlowIT extends ConsoleIntegrationTest {

    @Autowired
    ObjectProvider<ComputeDriver> driver;

    @Test
    void aNewProjectsConnectionUriWorksAndSurvivesSuspend() throws Exception {
        assertThat(driver.getIfAvailable()).as("the local compute driver").isNotNull();
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"e2e\"}}");
        String id = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        String uri = created.get("connection_uris").get(0).get("connection_uri").asString();
        List<JsonNode> ops = awaitOperations(ALICE_KEY, id);
        assertThat(ops)
                .allSatisfy(o ->
                        assertThat(o.get("status").asString()).as(o.toString()).isEqualTo("finished"));
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/endpoints/" + endpoint)
                        .body()
                        .get("endpoint")
                        .get("current_state")
                        .asString())
                .isEqualTo("active");

        try (Connection c = connect(uri)) {
            exec(c, "create table t (id int primary key, v text)");
            exec(c, "insert into t values (1, 'one'), (2, 'two')");
        }

        assertThat(api().post(ALICE_KEY, "/api/v2/projects/" + id + "/endpoints/" + endpoint + "/suspend", null)
                        .status())
                .isEqualTo(200);
        awaitOperations(ALICE_KEY, id);
        assertThat(api().post(ALICE_KEY, "/api/v2/projects/" + id + "/endpoints/" + endpoint + "/start", null)
                        .status())
                .isEqualTo(200);
        awaitOperations(ALICE_KEY, id);
        try (Connection c = connect(uri);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from t")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(2);
        }

        ApiClient.Response role = api().post(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches/" + main + "/roles",
                        "{\"role\":{\"name\":\"app\"}}");
        assertThat(role.status()).as(role.toString()).isEqualTo(201);
        List<JsonNode> roleOps = awaitOperations(ALICE_KEY, id);
        assertThat(statusOf(roleOps, "apply_config")).isEqualTo("finished");
        ApiClient.Response appUri =
                api().get(ALICE_KEY, "/api/v2/projects/" + id + "/connection_uri?database_name=neondb&role_name=app");
        try (Connection c = connect(appUri.body().get("uri").asString());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select current_user")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("app");
        }
    }
}
