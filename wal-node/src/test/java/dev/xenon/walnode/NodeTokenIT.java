package dev.xenon.walnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.TimelineId;
import dev.xenon.common.http.NodeToken;
import dev.xenon.common.walnode.WalNodeClient;
import dev.xenon.common.walnode.WalNodeException;
import dev.xenon.testsupport.TestDirectories;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code xenon.node-token} set, the node API refuses requests without it; probes stay open. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + WalNodeApplication.CONFIG_NAME, "xenon.node-token=" + NodeTokenIT.TOKEN})
class NodeTokenIT {

    static final String TOKEN = "s3cret-node-token-for-this-test";
    static final Path DATA = TestDirectories.create("wal-token");
    static final String TIMELINE = "0123456789abcdef0123456789abcdef";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("xenon.wal-node.data-dir", DATA::toString);
        registry.add("xenon.wal-node.name", () -> "wal-token");
    }

    @AfterAll
    static void cleanUp() {
        TestDirectories.deleteRecursively(DATA);
    }

    @Value("${local.server.port}")
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsWithoutTheTokenOrWithAnotherAreRefused() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong", "Basic " + TOKEN, "Bearer " + TOKEN + "x"}) {
            HttpResponse<String> r = get("/v1/timeline/" + TIMELINE, authorization);
            assertThat(r.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(r.body()).contains("\"code\":\"UNAUTHORIZED\"");
        }
        // a term change is refused too, and changes nothing
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/timeline/" + TIMELINE + "/term"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"term\": 7}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(401);
        assertThat(get("/v1/timeline/" + TIMELINE, "Bearer " + TOKEN).statusCode())
                .as("no timeline was made by the refused request")
                .isEqualTo(404);
    }

    @Test
    void probesAndMetricsNeedNoToken() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theClientSendsTheTokenOfItsProcess() {
        WalNodeClient client = new WalNodeClient("http://127.0.0.1:" + port);
        TimelineId timeline = TimelineId.parse(TIMELINE);
        assertThatThrownBy(() -> client.status(timeline))
                .isInstanceOfSatisfying(
                        WalNodeException.class, e -> assertThat(e.status()).isEqualTo(401));
        System.setProperty(NodeToken.PROPERTY, TOKEN);
        try {
            assertThatThrownBy(() -> client.status(timeline))
                    .as("past the filter: the timeline is unknown")
                    .isInstanceOfSatisfying(
                            WalNodeException.class, e -> assertThat(e.status()).isEqualTo(404));
        } finally {
            System.clearProperty(NodeToken.PROPERTY);
        }
    }
}
