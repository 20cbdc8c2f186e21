package dev.xenon.common.http;

import dev.xenon.common.walnode.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON over HTTP/1.1 to one Xenon node: requests with a JSON body, answers parsed with the node's
 * JSON conventions, error answers turned into the caller's exception type from their {@link
 * ApiError} body, unreachable nodes into {@link UncheckedIOException}. Every request carries the
 * {@link NodeToken} when one is configured. Thread-safe.
 */
public final class NodeHttpClient {

    /** Makes the exception for an error answer. */
    @FunctionalInterface
    public interface Errors {
        RuntimeException of(String node, int status, ApiError error);
    }

    private final String what;
    private final URI baseUrl;
    private final Duration timeout;
    private final JsonMapper json;
    private final Errors errors;
    private final HttpClient http;

    /** @param what the kind of node, for messages ("WAL node") */
    public NodeHttpClient(String what, String baseUrl, Duration timeout, JsonMapper json, Errors errors) {
        this.what = what;
        this.baseUrl = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.timeout = timeout;
        this.json = json;
        this.errors = errors;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public String baseUrl() {
        return baseUrl.toString();
    }

    /** Sends {@code body} (null: none) and parses the answer as {@code type} (Void: ignored). */
    public <T> T send(String method, String path, Object body, Class<T> type) {
        String text = send(method, path, body);
        return type == Void.class || text.isEmpty() ? null : json.readValue(text, type);
    }

    public <T> T send(String method, String path, Object body, TypeReference<T> type) {
        return json.readValue(send(method, path, body), type);
    }

    /**
     * {@code GET path} as a stream of bytes; the caller closes it. Bulk bodies (basebackup tars, WAL)
     * are read with {@link HttpURLConnection}: blocking reads straight from the socket, where the
     * JDK's asynchronous client costs 1.7–2.4 × curl on a basebackup (see {@code bench/README.md}).
     * {@code timeout} bounds the wait for the answer's head and each read after it.
     */
    public InputStream stream(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri(path).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            connection.setRequestProperty("Accept", "*/*");
            NodeToken.authorization().ifPresent(a -> connection.setRequestProperty("Authorization", a));
            int status = connection.getResponseCode();
            if (status != 200) {
                try (InputStream body = connection.getErrorStream()) {
                    String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
                    throw error(status, text);
                } finally {
                    connection.disconnect();
                }
            }
            return connection.getInputStream();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private String send(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, publisher);
        NodeToken.authorization().ifPresent(a -> builder.header("Authorization", a));
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw error(response.statusCode(), response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }

    private UncheckedIOException unreachable(IOException e) {
        return new UncheckedIOException(what + " " + baseUrl + " unreachable: " + e.getMessage(), e);
    }

    private RuntimeException error(int status, String body) {
        ApiError error;
        try {
            error = json.readValue(body, ApiError.class);
        } catch (RuntimeException e) {
            error = ApiError.of("HTTP_" + status, body);
        }
        return errors.of(baseUrl.toString(), status, error);
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    @Override
    public String toString() {
        return what + " " + baseUrl;
    }
}
