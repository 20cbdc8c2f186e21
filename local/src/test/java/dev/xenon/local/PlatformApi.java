package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to the local platform's REST API v2, with an API key, as the ITs here make them. */
final class PlatformApi {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PlatformApi() {}

    /** {@code method apiUrl+path} with a JSON body (null: none); asserts the status; the answer parsed. */
    static JsonNode call(String apiUrl, String apiKey, String method, String path, String body, int expectedStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode())
                    .as("%s %s → %s", method, path, response.body())
                    .isEqualTo(expectedStatus);
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * pgjdbc to a {@code postgresql://role:password@host:port/db?options=…} URI as the API hands it
     * out (the query too: through the proxy it names the endpoint), with pgjdbc's connect and socket
     * timeouts in seconds (0: none).
     */
    static Connection connect(String uri, int connectTimeoutSeconds, int socketTimeoutSeconds) throws SQLException {
        URI u = URI.create(uri);
        String[] userInfo = u.getRawUserInfo().split(":", 2);
        Properties props = new Properties();
        props.setProperty("user", URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        props.setProperty("password", URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getRawPath()
                        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()),
                props);
    }

    /** Waits until every operation of the project has finished; fails on one that failed, or after 3 minutes. */
    static void awaitIdle(String apiUrl, String apiKey, String project) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            List<JsonNode> unfinished = call(apiUrl, apiKey, "GET", "/projects/" + project + "/operations", null, 200)
                    .path("operations")
                    .valueStream()
                    .filter(o -> !o.path("status").asString().equals("finished"))
                    .toList();
            if (unfinished.isEmpty()) {
                return;
            }
            assertThat(unfinished).allSatisfy(o -> assertThat(o.path("status").asString())
                    .as(o.toString())
                    .isIn("scheduling", "running"));
            assertThat(System.nanoTime()).as("operations finish in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * Waits until every operation listed (an answer's {@code operations}) has finished; fails on one
     * that failed, was skipped or cancelled, or after 3 minutes.
     */
    static void awaitOperations(String apiUrl, String apiKey, String project, JsonNode operations)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (JsonNode op : operations) {
            String id = op.path("id").asString();
            while (true) {
                JsonNode now = call(apiUrl, apiKey, "GET", "/projects/" + project + "/operations/" + id, null, 200)
                        .path("operation");
                String status = now.path("status").asString();
                if (status.equals("finished")) {
                    break;
                }
                assertThat(status).as("operation %s", now).isNotIn("failed", "error", "skipped", "cancelled");
                assertThat(System.nanoTime()).as("operation %s in time", now).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
