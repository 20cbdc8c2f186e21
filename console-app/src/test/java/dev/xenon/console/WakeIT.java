package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The proxy's internal API with real computes: {@code wake} answers a running compute's address at
 * once and starts a suspended one through one {@code start_compute} operation however many wakes
 * arrive together; {@code connections} marks the endpoint active; both need the internal token.
 */
class WakeIT extends ConsoleIntegrationTest {

    @Test
    void theInternalApiNeedsTheInternalTokenAndNoApiKey() {
        String path = "/internal/v1/endpoints/ep-unknown-name-00000000/wake";
        assertThat(api().post(null, path, null).status()).isEqualTo(401);
        assertThat(api().post(ALICE_KEY, path, null).status()).isEqualTo(401);
        assertThat(api().post(INTERNAL_TOKEN + "x", path, null).status()).isEqualTo(401);
        ApiClient.Response unknown = api().post(INTERNAL_TOKEN, path, null);
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.body().get("code").asString()).isEqualTo("NOT_FOUND");
        // and the token is no API key
        assertThat(api().get(INTERNAL_TOKEN, "/api/v2/projects").status()).isEqualTo(401);
    }

    @Test
    void twentyConcurrentWakesOfASuspendedEndpointStartOneComputeWithEveryRow() throws Exception {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"wake\"}}");
        String project = created.get("project").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        String uri = created.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);
        String endpointPath = "/api/v2/projects/" + project + "/endpoints/" + endpoint;
        String wakePath = "/internal/v1/endpoints/" + endpoint + "/wake";

        // running: the compute's address, no operation
        JsonNode running = wake(wakePath);
        assertThat(running.get("endpoint_id").asString()).isEqualTo(endpoint);
        try (Connection c = direct(running, uri)) {
            exec(c, "create table t (id int)");
            exec(c, "insert into t select generate_series(1, 500)");
        }
        assertThat(startComputes(project)).isEqualTo(1);

        ok(ALICE_KEY, "POST", endpointPath + "/suspend", null);
        awaitFinished(ALICE_KEY, project);
        assertThat(endpoint(ALICE_KEY, project, endpoint).get("current_state").asString())
                .isEqualTo("idle");

        List<JsonNode> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> wakes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                wakes.add(pool.submit(() -> wake(wakePath)));
            }
            for (Future<JsonNode> f : wakes) {
                answers.add(f.get());
            }
        }
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.get("host").asString())
                    .isEqualTo(answers.getFirst().get("host").asString());
            assertThat(a.get("port").asInt())
                    .isEqualTo(answers.getFirst().get("port").asInt());
        });
        List<JsonNode> operations = awaitFinished(ALICE_KEY, project);
        assertThat(startComputes(project)).as("start_compute operations").isEqualTo(2);
        assertThat(operations.getFirst().get("action").asString()).isEqualTo("start_compute");
        assertThat(endpoint(ALICE_KEY, project, endpoint).get("current_state").asString())
                .isEqualTo("active");
        try (Connection c = direct(answers.getFirst(), uri)) {
            assertThat(value(c, "select count(*) from t")).isEqualTo("500");
        }
    }

    @Test
    void aDisabledEndpointIsNotWokenAndConnectionReportsMarkItActive() {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"wake-disabled\"}}");
        String project = created.get("project").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        awaitFinished(ALICE_KEY, project);
        String endpointPath = "/api/v2/projects/" + project + "/endpoints/" + endpoint;

        Instant before = Instant.parse(
                endpoint(ALICE_KEY, project, endpoint).get("last_active").asString());
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(before.plusMillis(10)));
        ApiClient.Response reported =
                api().post(INTERNAL_TOKEN, "/internal/v1/endpoints/" + endpoint + "/connections", "{\"count\":3}");
        assertThat(reported.status()).as(reported.toString()).isEqualTo(204);
        assertThat(Instant.parse(endpoint(ALICE_KEY, project, endpoint)
                        .get("last_active")
                        .asString()))
                .isAfter(before);
        assertThat(api().post(
                                INTERNAL_TOKEN,
                                "/internal/v1/endpoints/ep-unknown-name-00000000/connections",
                                "{\"count\":1}")
                        .status())
                .isEqualTo(404);

        ok(ALICE_KEY, "POST", endpointPath + "/suspend", null);
        awaitFinished(ALICE_KEY, project);
        ok(ALICE_KEY, "PATCH", endpointPath, "{\"endpoint\":{\"disabled\":true}}");
        ApiClient.Response refused = api().post(INTERNAL_TOKEN, "/internal/v1/endpoints/" + endpoint + "/wake", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.body().get("code").asString()).isEqualTo("ENDPOINT_DISABLED");
        assertThat(startComputes(project)).isEqualTo(1);
    }

    private JsonNode wake(String path) {
        ApiClient.Response r = api().post(INTERNAL_TOKEN, path, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body();
    }

    private long startComputes(String project) {
        return ok(ALICE_KEY, "GET", "/api/v2/projects/" + project + "/operations", null)
                .get("operations")
                .valueStream()
                .filter(o -> o.get("action").asString().equals("start_compute"))
                .count();
    }

    /** The role, password and database of {@code uri} at the address a wake answered. */
    private static Connection direct(JsonNode address, String uri) throws Exception {
        java.net.URI u = java.net.URI.create(uri);
        String[] userInfo = u.getRawUserInfo().split(":", 2);
        Properties props = new Properties();
        props.setProperty("user", java.net.URLDecoder.decode(userInfo[0], java.nio.charset.StandardCharsets.UTF_8));
        props.setProperty("password", java.net.URLDecoder.decode(userInfo[1], java.nio.charset.StandardCharsets.UTF_8));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + address.get("host").asString() + ":"
                        + address.get("port").asInt() + u.getPath(),
                props);
    }
}
