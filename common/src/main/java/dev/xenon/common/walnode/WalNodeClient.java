package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeHttpClient;
import java.io.InputStream;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/** HTTP client of one WAL node's API. Thread-safe. */
public final class WalNodeClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NodeHttpClient http;

    public WalNodeClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30));
    }

    public WalNodeClient(String baseUrl, Duration timeout) {
        this.http = new NodeHttpClient("WAL node", baseUrl, timeout, JSON, WalNodeException::new);
    }

    public String baseUrl() {
        return http.baseUrl();
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
        return http.stream("/v1/timeline/" + timeline + "/wal?from=" + from + "&to=" + to);
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        return http.send(method, path, body, type);
    }

    @Override
    public String toString() {
        return "WalNodeClient[" + http.baseUrl() + "]";
    }
}
