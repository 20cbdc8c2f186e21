package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.testsupport.TestDirectories;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP API's answers to bad input, term rules and metrics, against the real application. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + WalNodeApplication.CONFIG_NAME)
class TimelineApiIT {

    static final Path DATA = TestDirectories.create("wal-api");
    static final String KNOWN = "0123456789abcdef0123456789abcdef";
    static final String UNKNOWN = "fedcba9876543210fedcba9876543210";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("xenon.wal-node.data-dir", DATA::toString);
        registry.add("xenon.wal-node.name", () -> "wal-api");
    }

    @AfterAll
    static void cleanUp() {
        TestDirectories.deleteRecursively(DATA);
    }

    @Value("${local.server.port}")
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    record Answer(int status, JsonNode body, String raw) {}

    Answer call(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode node = null;
        if (r.headers().firstValue("Content-Type").orElse("").contains("json")) {
            node = json.readTree(r.body());
        }
        return new Answer(r.statusCode(), node, r.body());
    }

    static Stream<Arguments> badRequests() {
        String tl = "/v1/timeline/" + KNOWN;
        return Stream.of(
                Arguments.of("GET", "/v1/timeline/not-an-id", null, "timelineId"),
                Arguments.of("PUT", "/v1/timeline/xyz/term", "{\"term\": 1}", "timelineId"),
                Arguments.of("PUT", tl + "/term", "{\"term\": \"abc\"}", "term"),
                Arguments.of("PUT", tl + "/term", "{\"term\": -4}", "term"),
                Arguments.of("PUT", tl + "/term", "{}", "term"),
                Arguments.of("PUT", tl + "/term", "{not json", null),
                Arguments.of("GET", tl + "/wal?from=zz&to=0/100", null, "from"),
                Arguments.of("GET", tl + "/wal?to=0/100", null, "from"),
                Arguments.of("GET", tl + "/wal?from=0/200&to=0/100", null, "to"),
                Arguments.of("POST", tl + "/remove-before", "{\"lsn\": \"12\"}", "lsn"),
                Arguments.of("POST", tl + "/remove-before", "{}", "lsn"),
                Arguments.of(
                        "POST",
                        tl + "/follow",
                        "{\"term\": 1, \"compute\": {\"host\": \"h\", \"port\": 5432, \"user\": \"u\"}}",
                        "startLsn"),
                Arguments.of("POST", tl + "/follow", "{\"term\": 1, \"startLsn\": \"0/1000000\"}", "compute"));
    }

    @ParameterizedTest(name = "{0} {1} -> 400 naming {3}")
    @MethodSource("badRequests")
    void malformedInputIs400NamingTheField(String method, String path, String body, String field) throws Exception {
        call("PUT", "/v1/timeline/" + KNOWN + "/term", "{\"term\": 1}");
        Answer a = call(method, path, body);
        assertThat(a.status()).as(a.raw()).isEqualTo(400);
        assertThat(a.body().get("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(a.body().get("message").asString()).isNotBlank();
        if (field != null) {
            assertThat(a.body().get("field").asString()).isEqualTo(field);
        }
    }

    @Test
    void unknownTimelineIs404() throws Exception {
        for (String path :
                new String[] {"/v1/timeline/" + UNKNOWN, "/v1/timeline/" + UNKNOWN + "/wal?from=0/0&to=0/0"}) {
            Answer a = call("GET", path, null);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.body().get("code").asString()).isEqualTo("NOT_FOUND");
            assertThat(a.body().get("message").asString()).contains(UNKNOWN);
        }
        assertThat(call("POST", "/v1/timeline/" + UNKNOWN + "/remove-before", "{\"lsn\": \"0/0\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aWrongMethodKeepsItsStatusInTheSameJsonShape() throws Exception {
        Answer a = call("POST", "/v1/timeline/" + KNOWN, "{}");
        assertThat(a.status()).isEqualTo(405);
        assertThat(a.body().get("code").asString()).isEqualTo("HTTP_405");
        assertThat(a.body().get("message").asString()).isNotBlank();
    }

    @Test
    void aTermMustGrowAndAConflictNamesTheCurrentTerm() throws Exception {
        String tl = "/v1/timeline/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        Answer first = call("PUT", tl + "/term", "{\"term\": 5}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("term").asLong()).isEqualTo(5);
        assertThat(first.body().get("flushLsn").asString()).isEqualTo("0/0");
        for (int stale : new int[] {5, 3}) {
            Answer again = call("PUT", tl + "/term", "{\"term\": " + stale + "}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("code").asString()).isEqualTo("TERM_CONFLICT");
            assertThat(again.body().get("currentTerm").asLong()).isEqualTo(5);
        }
        Answer follow = call(
                "POST",
                tl + "/follow",
                "{\"term\": 4, \"startLsn\": \"0/1000000\", \"compute\": {\"host\": \"127.0.0.1\", \"port\": 1, \"user\": \"u\"}}");
        assertThat(follow.status()).isEqualTo(409);
        assertThat(follow.body().get("currentTerm").asLong()).isEqualTo(5);
        assertThat(call("PUT", tl + "/term", "{\"term\": 6}").status()).isEqualTo(200);
    }

    @Test
    void walOutsideWhatTheNodeHoldsIs416() throws Exception {
        String tl = "/v1/timeline/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        call("PUT", tl + "/term", "{\"term\": 1}");
        Answer a = call("GET", tl + "/wal?from=0/1000000&to=0/1000100", null);
        assertThat(a.status()).isEqualTo(416);
        assertThat(a.body().get("code").asString()).isEqualTo("WAL_NOT_AVAILABLE");
    }

    @Test
    void metricsArePublishedPerTimeline() throws Exception {
        call("PUT", "/v1/timeline/cccccccccccccccccccccccccccccccc/term", "{\"term\": 1}");
        Answer a = call("GET", "/actuator/prometheus", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.raw())
                .contains("xenon_walnode_flush_lsn{timeline_id=\"cccccccccccccccccccccccccccccccc\"}")
                .contains("xenon_walnode_lag_bytes")
                .contains("xenon_walnode_received_bytes_total")
                .contains("xenon_walnode_fsync_seconds_bucket");
    }
}
