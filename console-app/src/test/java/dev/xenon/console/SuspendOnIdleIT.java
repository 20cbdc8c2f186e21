package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Suspend on idle with real computes (the test context polls every second): an endpoint with a
 * short {@code suspend_timeout_seconds} stays active while a client is connected, is suspended by a
 * {@code suspend_compute} operation once the client is gone, and starts again with every committed
 * row; {@code -1} never suspends.
 */
class SuspendOnIdleIT extends ConsoleIntegrationTest {

    /** Two seconds of timeout, polled every second: idle endpoints go within a few seconds. */
    private static final Duration LONGER_THAN_THE_TIMEOUT = Duration.ofSeconds(6);

    @Test
    void anIdleEndpointIsSuspendedOnlyWithoutClientsAndStartsWithEveryCommittedRow() throws Exception {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"suspend-on-idle\"}}");
        String project = created.get("project").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        String uri = created.get("connection_uris").get(0).get("connection_uri").asString();
        awaitFinished(ALICE_KEY, project);
        String endpointPath = "/api/v2/projects/" + project + "/endpoints/" + endpoint;

        try (Connection client = connect(uri)) {
            exec(client, "create table t (id int primary key)");
            // connected before the timeout is shortened, so no poll sees the endpoint without a client
            JsonNode patched = ok(ALICE_KEY, "PATCH", endpointPath, "{\"endpoint\":{\"suspend_timeout_seconds\":2}}");
            assertThat(patched.get("endpoint").get("suspend_timeout_seconds").asInt())
                    .isEqualTo(2);

            await().during(LONGER_THAN_THE_TIMEOUT)
                    .atMost(LONGER_THAN_THE_TIMEOUT.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> endpoint(ALICE_KEY, project, endpoint)
                            .get("current_state")
                            .asString()
                            .equals("active"));
            assertThat(actions(project)).doesNotContain("suspend_compute");
            // every row commits, the last one just before the client goes
            for (int i = 1; i <= 100; i++) {
                exec(client, "insert into t values (" + i + ")");
            }
        }

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> endpoint(ALICE_KEY, project, endpoint)
                        .get("current_state")
                        .asString()
                        .equals("idle"));
        List<JsonNode> operations = awaitFinished(ALICE_KEY, project);
        assertThat(statusOf(operations, "suspend_compute")).isEqualTo("finished");
        assertThat(operations.getFirst().get("action").asString())
                .as("the newest operation")
                .isEqualTo("suspend_compute");

        // -1: never suspended, even without any client
        ok(ALICE_KEY, "PATCH", endpointPath, "{\"endpoint\":{\"suspend_timeout_seconds\":-1}}");
        ok(ALICE_KEY, "POST", endpointPath + "/start", null);
        awaitFinished(ALICE_KEY, project);
        try (Connection client = connect(uri)) {
            assertThat(value(client, "select count(*) from t")).isEqualTo("100");
            assertThat(value(client, "select max(id) from t")).isEqualTo("100");
        }
        await().during(LONGER_THAN_THE_TIMEOUT)
                .atMost(LONGER_THAN_THE_TIMEOUT.plusSeconds(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> endpoint(ALICE_KEY, project, endpoint)
                        .get("current_state")
                        .asString()
                        .equals("active"));
        assertThat(actions(project).stream().filter("suspend_compute"::equals).count())
                .as("suspend_compute operations")
                .isEqualTo(1);
    }

    /**
     * The idle poll counts connections on the endpoints it loaded when it began: a compute suspended
     * by a call meanwhile looked "gone" and got a second {@code suspend_compute}, which locked the
     * branch (423) for the caller's next change. A race, so several rounds.
     */
    @Test
    void suspendCallsAreNotFollowedByASuspendOfTheIdlePoll() {
        JsonNode created = createProject(ALICE_KEY, "{\"project\":{\"name\":\"suspend-calls\"}}");
        String project = created.get("project").get("id").asString();
        String endpoint = created.get("endpoints").get(0).get("id").asString();
        awaitFinished(ALICE_KEY, project);
        String endpointPath = "/api/v2/projects/" + project + "/endpoints/" + endpoint;

        int rounds = 4;
        for (int i = 0; i < rounds; i++) {
            ok(ALICE_KEY, "POST", endpointPath + "/suspend", null);
            awaitFinished(ALICE_KEY, project);
            ok(ALICE_KEY, "POST", endpointPath + "/start", null);
            awaitFinished(ALICE_KEY, project);
        }
        assertThat(actions(project).stream().filter("suspend_compute"::equals).count())
                .as("suspend_compute operations")
                .isEqualTo(rounds);
    }

    /** The actions of the project's operations, newest first. */
    private List<String> actions(String project) {
        return ok(ALICE_KEY, "GET", "/api/v2/projects/" + project + "/operations", null)
                .get("operations")
                .valueStream()
                .map(o -> o.get("action").asString())
                .toList();
    }
}
