package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The API v2 against the real storage node: shapes, validation, 404, 423, API keys, branches. */
class ApiIT extends ConsoleIntegrationTest {

    @Test
    void projectCreationAnswersLikeNeon() {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"shapes\"}}");
        JsonNode project = created.get("project");
        assertThat(project.get("id").asString()).matches("[a-z]+-[a-z]+-[0-9]{8}");
        assertThat(project.get("name").asString()).isEqualTo("shapes");
        assertThat(project.get("pg_version").asInt()).isPositive();
        JsonNode branch = created.get("branch");
        assertThat(branch.get("id").asString()).startsWith("br-");
        assertThat(branch.get("name").asString()).isEqualTo("main");
        assertThat(branch.get("default").asBoolean()).isTrue();
        assertThat(branch.get("primary").asBoolean()).isTrue();
        JsonNode endpoint = created.get("endpoints").get(0);
        assertThat(endpoint.get("id").asString()).startsWith("ep-");
        assertThat(endpoint.get("type").asString()).isEqualTo("read_write");
        assertThat(endpoint.get("current_state").asString()).isEqualTo("init");
        assertThat(endpoint.has("admin_password")).isFalse();
        assertThat(created.get("roles").get(0).get("name").asString()).isEqualTo("neondb_owner");
        String password = created.get("roles").get(0).get("password").asString();
        assertThat(password).hasSizeGreaterThanOrEqualTo(24).matches("[A-Za-z0-9]+");
        assertThat(created.get("databases").get(0).get("name").asString()).isEqualTo("neondb");
        assertThat(created.get("databases").get(0).get("owner_name").asString()).isEqualTo("neondb_owner");
        JsonNode uri = created.get("connection_uris").get(0);
        assertThat(uri.get("connection_uri").asString())
                .startsWith("postgresql://neondb_owner:" + password + "@127.0.0.1:")
                .endsWith("/neondb");
        assertThat(uri.get("connection_parameters").get("role").asString()).isEqualTo("neondb_owner");
        assertThat(created.get("operations"))
                .extracting(o -> o.get("action").asString())
                .containsExactly("create_timeline", "start_compute");
        assertThat(created.get("operations").get(0).get("status").asString()).isEqualTo("scheduling");

        String id = project.get("id").asString();
        String branchId = branch.get("id").asString();
        List<JsonNode> ops = awaitOperations(ALICE_KEY, id);
        assertThat(statusOf(ops, "create_timeline")).isEqualTo("finished");
        ApiClient.Response got = api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches/" + branchId);
        assertThat(got.body().get("branch").get("current_state").asString()).isEqualTo("ready");

        ApiClient.Response reveal = api().get(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches/" + branchId + "/roles/neondb_owner/reveal_password");
        assertThat(reveal.body().get("password").asString()).isEqualTo(password);
        ApiClient.Response connectionUri = api().get(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/connection_uri?database_name=neondb&role_name=neondb_owner");
        assertThat(connectionUri.body().get("uri").asString())
                .isEqualTo(uri.get("connection_uri").asString());
    }

    @Test
    void aMutationOverlappingAnUnfinishedOperationOnTheBranchIsLocked() {
        JsonNode created = createProject(ALICE_KEY, "{}");
        String id = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        // create_timeline runs initdb on the storage node: the default branch is busy right now
        ApiClient.Response branch = api().post(ALICE_KEY, "/api/v2/projects/" + id + "/branches", "{}");
        assertThat(branch.status()).as(branch.toString()).isEqualTo(423);
        assertThat(branch.body().get("code").asString()).isEqualTo("LOCKED");
        assertThat(branch.body().get("message").asString()).contains(main);
        ApiClient.Response role = api().post(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches/" + main + "/roles",
                        "{\"role\":{\"name\":\"r\"}}");
        assertThat(role.status()).isEqualTo(423);
        // reads are never locked
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches").status())
                .isEqualTo(200);
        awaitOperations(ALICE_KEY, id);
        ApiClient.Response later = api().post(ALICE_KEY, "/api/v2/projects/" + id + "/branches", "{}");
        assertThat(later.status()).as(later.toString()).isEqualTo(201);
    }

    @Test
    void branchesFromHeadAndFromAnLsnGetTheirTimelinesOnTheStorageNode() {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"branching\"}}");
        String id = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        awaitOperations(ALICE_KEY, id);

        ApiClient.Response head = api().post(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches",
                        "{\"branch\":{\"name\":\"dev\"},\"endpoints\":[]}");
        assertThat(head.status()).as(head.toString()).isEqualTo(201);
        JsonNode dev = head.body().get("branch");
        assertThat(dev.get("parent_id").asString()).isEqualTo(main);
        assertThat(head.body().get("operations").get(0).get("action").asString())
                .isEqualTo("create_branch");
        assertThat(head.body().get("roles").get(0).get("name").asString()).isEqualTo("neondb_owner");
        awaitOperations(ALICE_KEY, id);
        JsonNode devNow = api().get(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches/" + dev.get("id").asString())
                .body()
                .get("branch");
        assertThat(devNow.get("current_state").asString()).isEqualTo("ready");
        String parentLsn = devNow.get("parent_lsn").asString();
        assertThat(parentLsn).matches("[0-9A-F]+/[0-9A-F]+");

        ApiClient.Response atLsn = api().post(
                        ALICE_KEY,
                        "/api/v2/projects/" + id + "/branches",
                        "{\"branch\":{\"name\":\"at-lsn\",\"parent_id\":\"" + main + "\",\"parent_lsn\":\"" + parentLsn
                                + "\"}}");
        assertThat(atLsn.status()).as(atLsn.toString()).isEqualTo(201);
        assertThat(atLsn.body().get("branch").get("parent_lsn").asString()).isEqualTo(parentLsn);
        List<JsonNode> ops = awaitOperations(ALICE_KEY, id);
        assertThat(statusOf(ops, "create_branch")).isEqualTo("finished");

        ApiClient.Response list = api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches");
        assertThat(list.body().get("branches"))
                .extracting(b -> b.get("name").asString())
                .containsExactlyInAnyOrder("main", "dev", "at-lsn");
        // search: a part of the name or id, case-insensitive (Neon's create-branch-action finds a branch with it)
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches?search=AT-LSN&limit=10000")
                        .body()
                        .get("branches"))
                .extracting(b -> b.get("name").asString())
                .containsExactly("at-lsn");
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches?search=" + main)
                        .body()
                        .get("branches"))
                .extracting(b -> b.get("id").asString())
                .containsExactly(main);
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches?search=nothing-like-this")
                        .body()
                        .get("branches"))
                .isEmpty();

        // a branch with children cannot go; a leaf can
        assertThat(api().call(ALICE_KEY, "DELETE", "/api/v2/projects/" + id + "/branches/" + main, null)
                        .status())
                .isEqualTo(409);
        ApiClient.Response deleted = api().call(
                        ALICE_KEY,
                        "DELETE",
                        "/api/v2/projects/" + id + "/branches/" + dev.get("id").asString(),
                        null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.body().get("operations").get(0).get("action").asString())
                .isEqualTo("delete_timeline");
        awaitOperations(ALICE_KEY, id);
        assertThat(api().get(
                                ALICE_KEY,
                                "/api/v2/projects/" + id + "/branches/"
                                        + dev.get("id").asString())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void invalidRequestsAreBadRequestsNamingTheField() {
        assertBadRequest(
                api().post(ALICE_KEY, "/api/v2/projects", "{\"project\":{\"pg_version\":9}}"), "project.pg_version");
        assertBadRequest(
                api().post(
                                ALICE_KEY,
                                "/api/v2/projects",
                                "{\"project\":{\"default_endpoint_settings\":" + "{\"suspend_timeout_seconds\":-5}}}"),
                "project.default_endpoint_settings.suspend_timeout_seconds");
        assertBadRequest(
                api().post(ALICE_KEY, "/api/v2/projects", "{\"project\":{\"branch\":{\"role_name\":\"pg_monitor\"}}}"),
                "project.branch.role_name");
        assertBadRequest(
                api().post(ALICE_KEY, "/api/v2/projects", "{\"project\":{\"pg_version\":\"x\"}}"),
                "project.pg_version");

        JsonNode created = createProject(ALICE_KEY, "{}");
        String id = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        awaitOperations(ALICE_KEY, id);
        assertBadRequest(
                api().post(ALICE_KEY, "/api/v2/projects/" + id + "/branches", "{\"branch\":{\"parent_lsn\":\"zz\"}}"),
                "branch.parent_lsn");
        assertBadRequest(
                api().post(
                                ALICE_KEY,
                                "/api/v2/projects/" + id + "/branches",
                                "{\"branch\":{\"parent_timestamp\":\"yesterday\"}}"),
                "branch.parent_timestamp");
        assertBadRequest(
                api().post(ALICE_KEY, "/api/v2/projects/" + id + "/branches", "{\"branch\":{\"parent_lsn\":\"FF/0\"}}"),
                "branch.parent_lsn");
        // before the oldest history of main (it starts at its initdb image): refused now, not a
        // create_branch or a restore that fails later and leaves the branch broken
        for (String before : new String[] {"0/0", "0/1000000"}) {
            assertBadRequest(
                    api().post(
                                    ALICE_KEY,
                                    "/api/v2/projects/" + id + "/branches",
                                    "{\"branch\":{\"parent_lsn\":\"" + before + "\"}}"),
                    "branch.parent_lsn");
            assertBadRequest(
                    api().post(
                                    ALICE_KEY,
                                    "/api/v2/projects/" + id + "/branches/" + main + "/restore",
                                    "{\"source_branch_id\":\"" + main + "\",\"source_lsn\":\"" + before + "\"}"),
                    "source_lsn");
        }
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id + "/branches")
                        .body()
                        .get("branches"))
                .hasSize(1);
        assertBadRequest(
                api().call(
                                ALICE_KEY,
                                "PATCH",
                                "/api/v2/projects/" + id + "/endpoints/" + endpoint,
                                "{\"endpoint\":{\"suspend_timeout_seconds\":9999999}}"),
                "endpoint.suspend_timeout_seconds");
        assertBadRequest(
                api().post(
                                ALICE_KEY,
                                "/api/v2/projects/" + id + "/branches/" + main + "/roles",
                                "{\"role\":{\"name\":\"cloud_admin\"}}"),
                "role.name");
        assertBadRequest(
                api().post(
                                ALICE_KEY,
                                "/api/v2/projects/" + id + "/branches/" + main + "/databases",
                                "{\"database\":{\"name\":\"db2\",\"owner_name\":\"nobody\"}}"),
                "database.owner_name");
        assertBadRequest(
                api().get(ALICE_KEY, "/api/v2/projects/" + id + "/connection_uri?role_name=neondb_owner"),
                "database_name");
    }

    @Test
    void unknownIdsAreNotFound() {
        JsonNode created = createProject(ALICE_KEY, "{}");
        String id = created.get("project").get("id").asString();
        String main = created.get("branch").get("id").asString();
        for (String path : List.of(
                "/api/v2/projects/no-such-12345678",
                "/api/v2/projects/" + id + "/branches/br-no-such-12345678",
                "/api/v2/projects/" + id + "/endpoints/ep-no-such-12345678",
                "/api/v2/projects/" + id + "/branches/" + main + "/roles/nobody",
                "/api/v2/projects/" + id + "/branches/" + main + "/databases/nothing",
                "/api/v2/projects/" + id + "/operations/00000000-0000-0000-0000-000000000000",
                "/api/v2/projects/" + id + "/operations/not-a-uuid")) {
            ApiClient.Response r = api().get(ALICE_KEY, path);
            assertThat(r.status()).as(path + " " + r).isEqualTo(404);
            assertThat(r.body().get("code").asString()).isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void apiKeysAreShownOnceAndRevocable() {
        ApiClient.Response created = api().post(ALICE_KEY, "/api/v2/api_keys", "{\"key_name\":\"ci\"}");
        assertThat(created.status()).isEqualTo(200);
        String key = created.body().get("key").asString();
        long keyId = created.body().get("id").asLong();
        assertThat(key).startsWith("xenon_").hasSizeGreaterThan(40);
        assertThat(api().get(key, "/api/v2/users/me").body().get("email").asString())
                .isEqualTo("alice@example.com");
        ApiClient.Response list = api().get(ALICE_KEY, "/api/v2/api_keys");
        assertThat(list.body()).extracting(k -> k.get("name").asString()).contains("ci", "bootstrap");
        assertThat(list.raw().body()).doesNotContain(key);
        ApiClient.Response revoked = api().call(ALICE_KEY, "DELETE", "/api/v2/api_keys/" + keyId, null);
        assertThat(revoked.body().get("revoked").asBoolean()).isTrue();
        assertThat(api().get(key, "/api/v2/users/me").status()).isEqualTo(401);
        assertBadRequest(api().post(ALICE_KEY, "/api/v2/api_keys", "{}"), "key_name");
    }

    @Test
    void deletedProjectsDisappearAndTheirTimelinesGo() {
        JsonNode created = createProject(ALICE_KEY, "{}");
        String id = created.get("project").get("id").asString();
        awaitOperations(ALICE_KEY, id);
        ApiClient.Response deleted = api().call(ALICE_KEY, "DELETE", "/api/v2/projects/" + id, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.body().get("project").get("id").asString()).isEqualTo(id);
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + id).status()).isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentNeedsNoKey() {
        ApiClient.Response doc = api().get(null, "/api/v2/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body().get("paths").has("/api/v2/projects/{project_id}/branches"))
                .isTrue();
    }

    private static void assertBadRequest(ApiClient.Response r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.body().get("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(r.body().get("field").asString()).as(r.toString()).isEqualTo(field);
        assertThat(r.body().get("message").asString()).isNotBlank();
    }
}
