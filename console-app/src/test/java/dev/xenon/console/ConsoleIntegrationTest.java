package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xenon.testsupport.PostgresServer;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.XenonNodes;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of the console ITs: the application on a random port against a real metadata Postgres and
 * real data-plane nodes (three WAL nodes and a storage node as child JVMs), shared by every IT class
 * of the run (one Spring context, started once).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=console-app",
            "xenon.console.operation-poll-interval=50ms",
            "xenon.console.operation-retry-delay=100ms",
            "xenon.console.operation-max-retry-delay=500ms",
            "xenon.console.operation-max-attempts=3",
            "xenon.console.suspend-poll-interval=1s",
            "xenon.console.rate-limit-capacity=10000",
            "xenon.console.rate-limit-per-second=10000",
            "xenon.console.bootstrap-user-email=alice@example.com",
            "xenon.console.bootstrap-api-key=" + ConsoleIntegrationTest.ALICE_KEY,
            "xenon.console.internal-token=" + ConsoleIntegrationTest.INTERNAL_TOKEN
        })
abstract class ConsoleIntegrationTest {

    static final String ALICE_KEY = "xenon_test_alice_key_0123456789abcdef";
    /** The shared secret of {@code /internal/**} (the proxy's calls). */
    static final String INTERNAL_TOKEN = "xenon_test_internal_token_0123456789";

    /** The data plane and the metadata database, started once per test JVM. */
    static final class Platform {
        static final PostgresServer METADATA =
                PostgresServer.builder().name("console-metadata").start();
        static final XenonNodes NODES = XenonNodes.start();
        static final Path DATA_DIR = TestDirectories.create("console-data");

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                NODES.close();
                METADATA.close();
                TestDirectories.deleteRecursively(DATA_DIR);
            }));
        }
    }

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> Platform.METADATA.jdbcUrl("postgres"));
        registry.add("spring.datasource.username", () -> Platform.METADATA.superuser());
        registry.add("spring.datasource.password", () -> Platform.METADATA.password());
        registry.add("xenon.storage-node-url", () -> Platform.NODES.storageNodeUrl());
        registry.add("xenon.wal-nodes", () -> String.join(",", Platform.NODES.walNodeUrls()));
        registry.add("xenon.data-dir", () -> Platform.DATA_DIR.toString());
    }

    @LocalServerPort
    int port;

    ApiClient api() {
        return new ApiClient(port);
    }

    /** Creates a project and returns the answer (asserting 201, as Neon answers). */
    JsonNode createProject(String key, String body) {
        ApiClient.Response created = api().post(key, "/api/v2/projects", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body();
    }

    /** Waits until no operation of the project is unfinished; returns them all. */
    List<JsonNode> awaitOperations(String key, String projectId) {
        Set<String> unfinished = Set.of("scheduling", "running", "failed");
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    ApiClient.Response ops = api().get(key, "/api/v2/projects/" + projectId + "/operations");
                    assertThat(ops.status()).isEqualTo(200);
                    last[0] = ops.body().get("operations");
                    assertThat(StreamSupport.stream(last[0].spliterator(), false)
                                    .map(o -> o.get("status").asString())
                                    .filter(unfinished::contains))
                            .as(ops.toString())
                            .isEmpty();
                });
        return StreamSupport.stream(last[0].spliterator(), false).toList();
    }

    /** The status of the project's newest operation of {@code action}. */
    static String statusOf(List<JsonNode> operations, String action) {
        return operations.stream()
                .filter(o -> o.get("action").asString().equals(action))
                .findFirst()
                .map(o -> o.get("status").asString())
                .orElse(null);
    }

    /** The endpoint as {@code GET .../endpoints/{id}} shows it. */
    JsonNode endpoint(String key, String projectId, String endpointId) {
        ApiClient.Response r = api().get(key, "/api/v2/projects/" + projectId + "/endpoints/" + endpointId);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().get("endpoint");
    }

    /** Calls the API, asserts 200 and returns the body. */
    JsonNode ok(String key, String method, String path, String body) {
        ApiClient.Response r = api().call(key, method, path, body);
        assertThat(r.status()).as(method + " " + path + ": " + r).isEqualTo(200);
        return r.body();
    }

    /** POSTs a creation, asserts 201 (as Neon answers) and returns the body. */
    JsonNode created(String key, String path, String body) {
        ApiClient.Response r = api().post(key, path, body);
        assertThat(r.status()).as("POST " + path + ": " + r).isEqualTo(201);
        return r.body();
    }

    /** Waits for the project's operations and asserts that every one of them finished. */
    List<JsonNode> awaitFinished(String key, String projectId) {
        List<JsonNode> operations = awaitOperations(key, projectId);
        assertThat(operations)
                .allSatisfy(o ->
                        assertThat(o.get("status").asString()).as(o.toString()).isEqualTo("finished"));
        return operations;
    }

    /** A {@code postgresql://role:password@host:port/db} URI through pgjdbc. */
    static Connection connect(String uri) throws SQLException {
        URI u = URI.create(uri);
        String[] userInfo = u.getRawUserInfo().split(":", 2);
        return connect(
                uri,
                URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8),
                URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8),
                u.getPath().substring(1));
    }

    /** The host and port of {@code uri} with another role, password and database. */
    static Connection connect(String uri, String role, String password, String database) throws SQLException {
        URI u = URI.create(uri);
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + "/" + database, props);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of every row of {@code sql}, as strings. */
    static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    /** The one value of {@code sql}. */
    static String value(Connection c, String sql) throws SQLException {
        List<String> values = column(c, sql);
        assertThat(values).as(sql).hasSize(1);
        return values.getFirst();
    }
}
