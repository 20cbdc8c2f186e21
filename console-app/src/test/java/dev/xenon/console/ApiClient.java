package dev.xenon.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to the console's API v2, as a Neon client makes them. */
final class ApiClient {

    record Response(int status, JsonNode body, HttpResponse<String> raw) {
        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    Response get(String key, String path) {
        return call(key, "GET", path, null);
    }

    Response post(String key, String path, String body) {
        return call(key, "POST", path, body);
    }

    Response call(String key, String method, String path, String body) {
        return call(key, method, path, body, body == null ? null : "application/json");
    }

    /** A call with any {@code Content-Type} (none when null). */
    Response call(String key, String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? null : readTree(response.body());
            return new Response(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body as JSON; null when it is not JSON (a server's HTML error page, say). */
    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (tools.jackson.core.JacksonException e) {
            return null;
        }
    }
}
