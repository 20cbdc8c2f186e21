package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/** HTTP client of one WAL node's API. Thread-safe. */
public final class WalNodeClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI baseUrl;
    private final HttpClient http;
    private final Duration timeout;

    public WalNodeClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30));
    }

    public WalNodeClient(String baseUrl, Duration timeout) {
        this.baseUrl = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public String baseUrl() {
        return baseUrl.toString();
    }

    /**
     * Asks the node to accept {@code term}.
     *
     * @throws WalNodeException with status 409 and {@link ApiError#currentTerm()} when the node
     *     already has this term or a higher one
     */
    public TermResponse putTerm(TimelineId timeline, Term term) {
        return send("PUT", "/v1/timeline/" + timeline + "/term", new TermRequest(term), TermResponse.class);
    }

    public TimelineStatus status(TimelineId timeline) {
        return send("GET", "/v1/timeline/" + timeline, null, TimelineStatus.class);
    }

    public TimelineStatus follow(TimelineId timeline, FollowRequest request) {
        return send("POST", "/v1/timeline/" + timeline + "/follow", request, TimelineStatus.class);
    }

    public TimelineStatus stopFollowing(TimelineId timeline) {
        return send("DELETE", "/v1/timeline/" + timeline + "/follow", null, TimelineStatus.class);
    }

    public RemoveBeforeResponse removeBefore(TimelineId timeline, Lsn lsn) {
        return send(
                "POST",
                "/v1/timeline/" + timeline + "/remove-before",
                new RemoveBeforeRequest(lsn),
                RemoveBeforeResponse.class);
    }

    /** Raw WAL bytes {@code [from, to)}; the caller closes the stream. */
    public InputStream readWal(TimelineId timeline, Lsn from, Lsn to) {
        HttpRequest request = HttpRequest.newBuilder(
                        uri("/v1/timeline/" + timeline + "/wal?from=" + from + "&to=" + to))
                .timeout(timeout)
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream body = response.body()) {
                    throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("WAL node " + baseUrl + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, publisher)
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw error(response.statusCode(), response.body());
            }
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("WAL node " + baseUrl + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }

    private WalNodeException error(int status, String body) {
        ApiError error;
        try {
            error = JSON.readValue(body, ApiError.class);
        } catch (RuntimeException e) {
            error = ApiError.of("HTTP_" + status, body);
        }
        return new WalNodeException(baseUrl.toString(), status, error);
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    @Override
    public String toString() {
        return "WalNodeClient[" + baseUrl + "]";
    }
}
