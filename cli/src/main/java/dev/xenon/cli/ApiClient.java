package dev.xenon.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API v2 over {@code java.net.http}: a Bearer key, JSON both ways. A 423 (an operation on the branch is
 * still running) is retried for up to {@code lockWait}, as neonctl retries it.
 */
final class ApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> FAILED = Set.of("error", "skipped", "cancelled");

    private final String apiHost;
    private final String apiKey;
    private final Duration lockWait;
    private final HttpClient http;

    ApiClient(String apiHost, String apiKey, Duration lockWait) {
        this.apiHost = apiHost;
        this.apiKey = apiKey;
        this.lockWait = lockWait;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    String apiHost() {
        return apiHost;
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return call("POST", path, body);
    }

    JsonNode delete(String path) {
        return call("DELETE", path, null);
    }

    JsonNode call(String method, String path, JsonNode body) {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiHost + path))
                    .timeout(Duration.ofSeconds(120))
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + apiKey)
                    .header("User-Agent", "xenon-cli")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new ApiException(0, "UNREACHABLE", "cannot reach the API at " + apiHost + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(0, "INTERRUPTED", "interrupted");
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body().isBlank() ? JSON.nullNode() : parse(response.body(), status);
            }
            if (status == 423 && System.nanoTime() < deadline) {
                sleep(Duration.ofSeconds(1));
                continue;
            }
            String code = "HTTP_" + status;
            String message = response.body();
            try {
                JsonNode error = JSON.readTree(response.body());
                code = error.path("code").asString(code);
                message = error.path("message").asString(message);
            } catch (JacksonException notJson) {
                // keep the raw body
            }
            throw new ApiException(status, code, method + " " + path + ": " + status + " " + code + ": " + message);
        }
    }

    private static JsonNode parse(String body, int status) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(status, "BAD_ANSWER", "the API answered something that is not JSON: " + body);
        }
    }

    /**
     * Waits until each of {@code operations} (as an API answer lists them) is {@code finished}; one that ends in
     * {@code error}, {@code skipped} or {@code cancelled} fails the call. {@code failed} is retried by the control
     * plane, so it is waited on.
     */
    void awaitOperations(String projectId, JsonNode operations, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> ids = new ArrayList<>();
        operations.forEach(op -> ids.add(op.path("id").asString()));
        for (String id : ids) {
            while (true) {
                JsonNode op = get("/projects/" + enc(projectId) + "/operations/" + enc(id))
                        .path("operation");
                String status = op.path("status").asString();
                if (status.equals("finished")) {
                    break;
                }
                if (FAILED.contains(status)) {
                    throw new CliException(
                            CliException.FAILURE,
                            "operation " + op.path("action").asString() + " " + id + " ended " + status
                                    + (op.path("error").isMissingNode()
                                            ? ""
                                            : ": " + op.path("error").asString()));
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(
                            CliException.FAILURE,
                            "operation " + op.path("action").asString() + " " + id + " still " + status + " after "
                                    + timeout.toSeconds() + " s");
                }
                sleep(Duration.ofMillis(200));
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "INTERRUPTED", "interrupted");
        }
    }
}
