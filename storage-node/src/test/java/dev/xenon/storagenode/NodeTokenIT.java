package dev.xenon.storagenode;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * With {@code xenon.node-token} set, the storage node's API refuses requests without it (layers,
 * basebackups and tenants are the platform's data); probes and metrics stay open.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + StorageNodeApplication.CONFIG_NAME,
            "xenon.node-token=" + NodeTokenIT.TOKEN,
            "xenon.storage-node.remote.kind=local",
            // no WAL node needed: nothing is ingested here
            "xenon.storage-node.wal-nodes=http://127.0.0.1:9"
        })
class NodeTokenIT {

    static final String TOKEN = "storage-node-token-for-this-test";
    static final Path DATA = TestDirectories.create("storage-token");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("xenon.storage-node.data-dir", () -> DATA.resolve("node").toString());
        registry.add("xenon.storage-node.remote.local-path", () -> DATA.resolve("remote")
                .toString());
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
    void theApiNeedsTheTokenAndProbesDoNot() throws Exception {
        for (String authorization :
                new String[] {null, "Bearer wrong", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN}) {
            HttpResponse<String> r = get("/v1/tenant", authorization);
            assertThat(r.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(r.body()).contains("\"code\":\"UNAUTHORIZED\"");
        }
        assertThat(get("/v1/tenant", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(200);
    }
}
