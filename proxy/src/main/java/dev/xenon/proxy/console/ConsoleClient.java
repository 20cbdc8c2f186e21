package dev.xenon.proxy.console;

import dev.xenon.proxy.ProxyProperties;
import dev.xenon.proxy.wire.ProxyException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's internal API ({@code /internal/v1}, authenticated by the internal token):
 * {@code wake} (with retries and back-off within {@code wake-timeout} while the control plane is
 * unreachable or answers 5xx) and {@code connections}.
 */
@Component
public class ConsoleClient {

    private static final Logger log = LoggerFactory.getLogger(ConsoleClient.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** Where a woken compute listens. */
    public record ComputeAddress(String host, int port) {}

    private final ProxyProperties properties;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    public ConsoleClient(ProxyProperties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** The address of the endpoint's running compute, started by the control plane when suspended. */
    public ComputeAddress wake(String endpointId) throws ProxyException {
        long deadline = System.nanoTime() + properties.wakeTimeout().toNanos();
        Duration backoff = FIRST_BACKOFF;
        String lastFailure;
        while (true) {
            try {
                HttpResponse<String> response = http.send(
                        request("/internal/v1/endpoints/" + endpointId + "/wake", "")
                                .timeout(properties.wakeTimeout())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    JsonNode body = json.readTree(response.body());
                    return new ComputeAddress(
                            body.get("host").asString(), body.get("port").asInt());
                }
                String message = message(response.body());
                switch (status) {
                    case 404 ->
                        throw new ProxyException(
                                ProxyException.UNKNOWN_ENDPOINT, "endpoint \"" + endpointId + "\" does not exist");
                    case 409, 423 -> throw new ProxyException(ProxyException.REJECTED, message);
                    case 401, 403 -> {
                        log.error("the control plane refused the proxy's internal token: {}", message);
                        throw new ProxyException(
                                ProxyException.CANNOT_CONNECT_NOW,
                                "the proxy cannot reach the control plane (internal token refused)");
                    }
                    default -> lastFailure = status + " " + message;
                }
            } catch (IOException e) {
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxyException(ProxyException.CANNOT_CONNECT_NOW, "interrupted while waking " + endpointId);
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new ProxyException(
                        ProxyException.CANNOT_CONNECT_NOW,
                        "could not wake the compute of " + endpointId + ": " + lastFailure);
            }
            log.info("wake of {} failed ({}), retrying in {} ms", endpointId, lastFailure, backoff.toMillis());
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxyException(ProxyException.CANNOT_CONNECT_NOW, "interrupted while waking " + endpointId);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Reports {@code count} client connections of the endpoint; false when the call failed. */
    public boolean reportConnections(String endpointId, int count) {
        try {
            HttpResponse<String> response = http.send(
                    request("/internal/v1/endpoints/" + endpointId + "/connections", "{\"count\":" + count + "}")
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stripSlash(properties.consoleUrl()) + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (properties.internalToken() != null && !properties.internalToken().isBlank()) {
            b.header("Authorization", "Bearer " + properties.internalToken());
        }
        return b;
    }

    private String message(String body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode message = node.get("message");
            return message == null ? body : message.asString();
        } catch (RuntimeException e) {
            return body;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
