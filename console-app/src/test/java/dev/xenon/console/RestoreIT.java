package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST .../branches/{id}/restore} with real computes, Neon's semantics: the branch keeps its
 * id, its endpoint and the endpoint's connection URI, and afterwards sees exactly the rows of the
 * source at the chosen point; its previous state stays readable as a backup branch named {@code
 * preserve_under_name}, which also takes over the branch's children.
 */
class RestoreIT extends ConsoleIntegrationTest {

    @Test
    void aBranchRestoredToAnLsnOfItsOwnHistoryKeepsItsOldStateAsItsParent() throws Exception {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"restore-own-history\"}}");
        String project = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        String uri = created.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);
        String hostBefore = endpoint(ALICE_KEY, project, endpoint).get("host").asString();

        String lsn;
        try (Connection c = connect(uri)) {
            exec(c, "create table t (id int primary key)");
            exec(c, "insert into t values (1), (2), (3)");
            lsn = value(c, "select pg_current_wal_lsn()");
            // the accident the restore undoes
            exec(c, "delete from t where id = 1");
            exec(c, "insert into t values (4)");
        }

        // a child of the old state: it stays with the old state
        String feature = created(
                        ALICE_KEY, "/api/v2/projects/" + project + "/branches", "{\"branch\":{\"name\":\"feature\"}}")
                .get("branch")
                .get("id")
                .asString();
        awaitFinished(ALICE_KEY, project);

        JsonNode restored = ok(
                ALICE_KEY,
                "POST",
                "/api/v2/projects/" + project + "/branches/" + main + "/restore",
                "{\"source_branch_id\":\"" + main + "\",\"source_lsn\":\"" + lsn
                        + "\",\"preserve_under_name\":\"main_before_restore\"}");
        assertThat(restored.get("branch").get("id").asString()).isEqualTo(main);
        assertThat(restored.get("operations").valueStream().map(o -> o.get("action")
                        .asString()))
                .containsExactly("suspend_compute", "create_branch", "start_compute");
        awaitFinished(ALICE_KEY, project);

        // the same URI reaches the restored branch, which has the rows at the LSN and takes writes
        try (Connection c = connect(uri)) {
            assertThat(column(c, "select id from t order by id")).containsExactly("1", "2", "3");
            exec(c, "insert into t values (5)");
        }
        JsonNode endpointAfter = endpoint(ALICE_KEY, project, endpoint);
        assertThat(endpointAfter.get("branch_id").asString()).isEqualTo(main);
        assertThat(endpointAfter.get("host").asString()).isEqualTo(hostBefore);
        assertThat(endpointAfter.get("current_state").asString()).isEqualTo("active");
        assertThat(connectionUri(project, main)).isEqualTo(uri);

        // the backup: the old timeline, now the parent of the restored branch (Neon: "reset from parent" undoes)
        Map<String, JsonNode> branches = branchesByName(project);
        assertThat(branches).containsOnlyKeys("main", "main_before_restore", "feature");
        JsonNode backup = branches.get("main_before_restore");
        JsonNode restoredMain = branches.get("main");
        assertThat(restoredMain.get("id").asString()).isEqualTo(main);
        assertThat(restoredMain.get("default").asBoolean()).isTrue();
        assertThat(restoredMain.get("parent_id").asString())
                .isEqualTo(backup.get("id").asString());
        assertThat(restoredMain.get("parent_lsn").asString()).isEqualTo(lsn);
        assertThat(restoredMain.get("last_reset_at")).isNotNull();
        assertThat(backup.get("default").asBoolean()).isFalse();
        assertThat(backup.get("current_state").asString()).isEqualTo("ready");
        assertThat(branches.get("feature").get("id").asString()).isEqualTo(feature);
        assertThat(branches.get("feature").get("parent_id").asString())
                .isEqualTo(backup.get("id").asString());

        created(
                ALICE_KEY,
                "/api/v2/projects/" + project + "/endpoints",
                "{\"endpoint\":{\"branch_id\":\"" + backup.get("id").asString() + "\",\"type\":\"read_write\"}}");
        awaitFinished(ALICE_KEY, project);
        try (Connection c = connect(connectionUri(project, backup.get("id").asString()))) {
            assertThat(column(c, "select id from t order by id")).containsExactly("2", "3", "4");
        }
    }

    @Test
    void aChildRestoredToATimeOfItsParentSeesExactlyTheParentsRowsOfThatTime() throws Exception {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"restore-from-parent\"}}");
        String project = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        String mainUri =
                created.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);

        String time;
        try (Connection c = connect(mainUri)) {
            exec(c, "create table t (id int primary key, source text)");
            exec(c, "insert into t values (1, 'main before')");
            time = value(
                    c, "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
            exec(c, "insert into t values (2, 'main after')");
        }

        JsonNode dev = created(
                ALICE_KEY,
                "/api/v2/projects/" + project + "/branches",
                "{\"branch\":{\"name\":\"dev\"},\"endpoints\":[{\"type\":\"read_write\"}]}");
        String devId = dev.get("branch").get("id").asString();
        String devEndpoint = dev.get("endpoints").get(0).get("id").asString();
        String devUri = dev.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);
        try (Connection c = connect(devUri)) {
            exec(c, "insert into t values (100, 'dev')");
            assertThat(column(c, "select id from t order by id")).containsExactly("1", "2", "100");
        }

        JsonNode restored = ok(
                ALICE_KEY,
                "POST",
                "/api/v2/projects/" + project + "/branches/" + devId + "/restore",
                "{\"source_branch_id\":\"" + main + "\",\"source_timestamp\":\"" + time
                        + "\",\"preserve_under_name\":\"dev_before_restore\"}");
        assertThat(restored.get("branch").get("id").asString()).isEqualTo(devId);
        awaitFinished(ALICE_KEY, project);

        try (Connection c = connect(devUri)) {
            assertThat(column(c, "select id || ' ' || source from t order by id"))
                    .containsExactly("1 main before");
        }
        assertThat(endpoint(ALICE_KEY, project, devEndpoint).get("branch_id").asString())
                .isEqualTo(devId);
        assertThat(connectionUri(project, devId)).isEqualTo(devUri);
        try (Connection c = connect(mainUri)) {
            assertThat(column(c, "select id from t order by id")).containsExactly("1", "2");
        }

        Map<String, JsonNode> branches = branchesByName(project);
        assertThat(branches).containsOnlyKeys("main", "dev", "dev_before_restore");
        assertThat(branches.get("dev").get("parent_id").asString()).isEqualTo(main);
        assertThat(branches.get("dev").get("parent_timestamp").asString()).isNotEmpty();
        assertThat(branches.get("dev_before_restore").get("parent_id").asString())
                .isEqualTo(main);
    }

    private String connectionUri(String project, String branch) {
        return ok(
                        ALICE_KEY,
                        "GET",
                        "/api/v2/projects/" + project + "/connection_uri?branch_id=" + branch
                                + "&database_name=neondb&role_name=neondb_owner",
                        null)
                .get("uri")
                .asString();
    }

    private Map<String, JsonNode> branchesByName(String project) {
        List<JsonNode> list = ok(ALICE_KEY, "GET", "/api/v2/projects/" + project + "/branches", null)
                .get("branches")
                .valueStream()
                .toList();
        return list.stream().collect(Collectors.toMap(b -> b.get("name").asString(), Function.identity()));
    }
}
