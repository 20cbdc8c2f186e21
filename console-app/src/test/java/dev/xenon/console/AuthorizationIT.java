package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Must-show 3: a second user's API key gets 404 on every project route of the first user's project
 * — exactly what an unknown project gets — and a call without a key gets 401. Table-driven over
 * every project route and method of the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationIT extends ConsoleIntegrationTest {

    @Autowired
    dev.xenon.console.account.ApiKeyService keys;

    String bobKey;
    String projectId;
    String branchId;
    String endpointId;
    String operationId;

    record Route(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeAll
    void aliceHasAProjectAndBobHasAKey() {
        var bob = keys.userByEmail("bob@example.com");
        bobKey = keys.create(bob.getId(), "bob's key").key();
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"alice's\"}}");
        projectId = created.get("project").get("id").asString();
        branchId = created.get("branch").get("id").asString();
        endpointId = created.get("endpoints").get(0).get("id").asString();
        operationId = created.get("operations").get(0).get("id").asString();
    }

    List<Route> projectRoutes() {
        String p = "/api/v2/projects/" + projectId;
        String b = p + "/branches/" + branchId;
        String e = p + "/endpoints/" + endpointId;
        List<Route> routes = new ArrayList<>(List.of(
                new Route("GET", p, null),
                new Route("PATCH", p, "{\"project\":{\"name\":\"mine now\"}}"),
                new Route("DELETE", p, null),
                new Route("GET", p + "/connection_uri?database_name=neondb&role_name=neondb_owner", null),
                new Route("GET", p + "/branches", null),
                new Route("POST", p + "/branches", "{\"branch\":{\"name\":\"x\"}}"),
                new Route("GET", b, null),
                new Route("PATCH", b, "{\"branch\":{\"name\":\"y\"}}"),
                new Route("DELETE", b, null),
                new Route("POST", b + "/restore", "{\"source_branch_id\":\"" + branchId + "\",\"source_lsn\":\"0/0\"}"),
                new Route("POST", b + "/set_as_default", null),
                new Route("GET", b + "/endpoints", null),
                new Route("GET", p + "/endpoints", null),
                new Route(
                        "POST",
                        p + "/endpoints",
                        "{\"endpoint\":{\"branch_id\":\"" + branchId + "\",\"type\":\"read_write\"}}"),
                new Route("GET", e, null),
                new Route("PATCH", e, "{\"endpoint\":{\"suspend_timeout_seconds\":60}}"),
                new Route("DELETE", e, null),
                new Route("POST", e + "/start", null),
                new Route("POST", e + "/suspend", null),
                new Route("POST", e + "/restart", null),
                new Route("GET", b + "/roles", null),
                new Route("POST", b + "/roles", "{\"role\":{\"name\":\"bob\"}}"),
                new Route("GET", b + "/roles/neondb_owner", null),
                new Route("DELETE", b + "/roles/neondb_owner", null),
                new Route("GET", b + "/roles/neondb_owner/reveal_password", null),
                new Route("POST", b + "/roles/neondb_owner/reset_password", null),
                new Route("GET", b + "/databases", null),
                new Route(
                        "POST",
                        b + "/databases",
                        "{\"database\":{\"name\":\"bobdb\",\"owner_name\":\"neondb_owner\"}}"),
                new Route("GET", b + "/databases/neondb", null),
                new Route("PATCH", b + "/databases/neondb", "{\"database\":{\"name\":\"bobdb\"}}"),
                new Route("DELETE", b + "/databases/neondb", null),
                new Route("GET", p + "/operations", null),
                new Route("GET", p + "/operations/" + operationId, null)));
        return routes;
    }

    @Test
    void anotherUsersKeyGetsNotFoundOnEveryProjectRoute() {
        List<String> failures = new ArrayList<>();
        for (Route route : projectRoutes()) {
            ApiClient.Response r = api().call(bobKey, route.method(), route.path(), route.body());
            if (r.status() != 404 || !r.body().has("code") || !r.body().has("message")) {
                failures.add(route + " -> " + r);
            }
        }
        assertThat(failures)
                .as("routes that did not answer 404 {code, message}")
                .isEmpty();
        // and nothing of Alice's changed
        ApiClient.Response project = api().get(ALICE_KEY, "/api/v2/projects/" + projectId);
        assertThat(project.status()).isEqualTo(200);
        assertThat(project.body().get("project").get("name").asString()).isEqualTo("alice's");
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + projectId + "/branches")
                        .body()
                        .get("branches"))
                .hasSize(1);
    }

    @Test
    void withoutAKeyEveryRouteIsUnauthorized() {
        List<Route> routes = new ArrayList<>(projectRoutes());
        routes.add(new Route("GET", "/api/v2/projects", null));
        routes.add(new Route("POST", "/api/v2/projects", "{}"));
        routes.add(new Route("GET", "/api/v2/api_keys", null));
        routes.add(new Route("GET", "/api/v2/users/me", null));
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            for (String key : new String[] {null, "xenon_not_a_key_of_anyone_at_all"}) {
                ApiClient.Response r = api().call(key, route.method(), route.path(), route.body());
                if (r.status() != 401
                        || !"UNAUTHORIZED".equals(r.body().get("code").asString())) {
                    failures.add(route + (key == null ? " without key" : " with unknown key") + " -> " + r);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void anotherUsersProjectIsNotListed() {
        ApiClient.Response bobs = api().get(bobKey, "/api/v2/projects");
        assertThat(bobs.status()).isEqualTo(200);
        assertThat(java.util.stream.StreamSupport.stream(
                                bobs.body().get("projects").spliterator(), false)
                        .map(p -> p.get("id").asString()))
                .doesNotContain(projectId);
    }
}
