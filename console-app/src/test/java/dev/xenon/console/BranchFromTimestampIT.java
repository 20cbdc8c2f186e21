package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /branches} with {@code parent_timestamp} and an endpoint, with real computes: the new
 * branch has every row committed before the timestamp and none committed after it.
 */
class BranchFromTimestampIT extends ConsoleIntegrationTest {

    @Test
    void aBranchFromATimestampHasTheRowsCommittedBeforeItAndNoneAfter() throws Exception {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"branch-from-timestamp\"}}");
        String project = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        String uri = created.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);

        String time;
        try (Connection c = connect(uri)) {
            exec(c, "create table t (id int primary key)");
            for (int i = 1; i <= 20; i++) {
                exec(c, "insert into t values (" + i + ")");
            }
            // the compute's clock: the one its commit records are stamped with
            time = value(
                    c, "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
            for (int i = 21; i <= 40; i++) {
                exec(c, "insert into t values (" + i + ")");
            }
            exec(c, "update t set id = -id where id <= 5");
        }

        JsonNode branch = created(
                ALICE_KEY,
                "/api/v2/projects/" + project + "/branches",
                "{\"branch\":{\"name\":\"as-of\",\"parent_id\":\"" + main + "\",\"parent_timestamp\":\"" + time
                        + "\"},\"endpoints\":[{\"type\":\"read_write\"}]}");
        assertThat(branch.get("branch").get("parent_id").asString()).isEqualTo(main);
        assertThat(branch.get("branch").get("parent_timestamp").asString()).isNotEmpty();
        String branchUri =
                branch.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);

        try (Connection c = connect(branchUri)) {
            assertThat(value(c, "select count(*) from t")).isEqualTo("20");
            assertThat(value(c, "select min(id) || '..' || max(id) from t")).isEqualTo("1..20");
        }
        try (Connection c = connect(uri)) {
            assertThat(value(c, "select count(*) from t")).isEqualTo("40");
            assertThat(value(c, "select min(id) from t")).isEqualTo("-5");
        }
    }
}
