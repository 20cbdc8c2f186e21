package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.testsupport.TestDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole local platform as {@code ./xenon up} runs it (metadata Postgres, three WAL nodes, the
 * storage node, console-app, computes as local Postgres processes), driven only through the REST
 * API v2, as a user would: create a project, write through its connection URI, suspend, start,
 * branch from the head and from a timestamp, delete a branch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalPlatformIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String API_KEY = LocalPlatform.generateApiKey();

    Path dataDir;
    LocalPlatform platform;
    LocalPlatform.Ready ready;

    @BeforeAll
    void start() {
        dataDir = TestDirectories.create("local-platform");
        platform = new LocalPlatform(
                new LocalPlatform.Options(dataDir, LoopbackPorts.free(), LoopbackPorts.free(), 0, 0, API_KEY));
        ready = platform.start();
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aProjectLivesThroughSuspendStartAndBranchesOnlyThroughTheApi() throws Exception {
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"e2e\"}}", 201);
        String project = created.path("project").path("id").asString();
        awaitOperations(project, created.path("operations"));
        String mainBranch = created.path("branch").path("id").asString();
        String endpoint = created.path("endpoints").path(0).path("id").asString();
        String uri =
                created.path("connection_uris").path(0).path("connection_uri").asString();

        try (Connection c = connect(uri);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            s.execute("INSERT INTO t SELECT generate_series(1, 100)");
        }
        Thread.sleep(1100);
        Instant between = Instant.now();
        Thread.sleep(1100);
        try (Connection c = connect(uri);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO t SELECT generate_series(101, 150)");
        }

        // suspend, then start: every committed row is back
        awaitOperations(
                project,
                call("POST", "/projects/" + project + "/endpoints/" + endpoint + "/suspend", null, 200)
                        .path("operations"));
        assertThat(call("GET", "/projects/" + project + "/endpoints/" + endpoint, null, 200)
                        .path("endpoint")
                        .path("current_state")
                        .asString())
                .isEqualTo("idle");
        awaitOperations(
                project,
                call("POST", "/projects/" + project + "/endpoints/" + endpoint + "/start", null, 200)
                        .path("operations"));
        assertThat(count(uri, "t")).isEqualTo(150);

        // a branch from the head sees everything and writes only to itself
        JsonNode head = call(
                "POST",
                "/projects/" + project + "/branches",
                "{\"branch\":{\"name\":\"dev\"},\"endpoints\":[{\"type\":\"read_write\"}]}",
                201);
        awaitOperations(project, head.path("operations"));
        String devUri = connectionUri(project, head.path("branch").path("id").asString());
        assertThat(count(devUri, "t")).isEqualTo(150);
        try (Connection c = connect(devUri);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (1000)");
        }
        assertThat(count(devUri, "t")).isEqualTo(151);
        assertThat(count(uri, "t")).isEqualTo(150);

        // a branch from a timestamp sees the rows committed before it only
        JsonNode past = call(
                "POST",
                "/projects/" + project + "/branches",
                "{\"branch\":{\"name\":\"past\",\"parent_id\":\"" + mainBranch + "\",\"parent_timestamp\":\"" + between
                        + "\"},\"endpoints\":[{\"type\":\"read_write\"}]}",
                201);
        awaitOperations(project, past.path("operations"));
        String pastBranch = past.path("branch").path("id").asString();
        assertThat(count(connectionUri(project, pastBranch), "t")).isEqualTo(100);

        // delete a branch: gone from the API
        JsonNode deleted = call("DELETE", "/projects/" + project + "/branches/" + pastBranch, null, 200);
        awaitOperations(project, deleted.path("operations"));
        call("GET", "/projects/" + project + "/branches/" + pastBranch, null, 404);
        assertThat(call("GET", "/projects/" + project + "/branches", null, 200)
                        .path("branches")
                        .valueStream()
                        .map(b -> b.path("id").asString()))
                .contains(mainBranch)
                .doesNotContain(pastBranch);
    }

    @Test
    void aSecondStartReusesTheDataDirectory() throws Exception {
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"restart\"}}", 201);
        String project = created.path("project").path("id").asString();
        String endpoint = created.path("endpoints").path(0).path("id").asString();
        String uri =
                created.path("connection_uris").path(0).path("connection_uri").asString();
        awaitOperations(project, created.path("operations"));
        try (Connection c = connect(uri);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v int)");
            s.execute("INSERT INTO kept SELECT generate_series(1, 42)");
        }

        // Ctrl-C: everything stops; the same data directory and key start it again
        platform.close();
        platform = new LocalPlatform(platform.options());
        ready = platform.start();

        JsonNode again = call("GET", "/projects/" + project, null, 200);
        assertThat(again.path("project").path("name").asString()).isEqualTo("restart");
        awaitOperations(
                project,
                call("POST", "/projects/" + project + "/endpoints/" + endpoint + "/start", null, 200)
                        .path("operations"));
        assertThat(count(uri, "kept")).isEqualTo(42);
    }

    /** Neon's own CLI from the npm registry, pointed at this platform by its API host. */
    static final String NEONCTL_VERSION = "5.0.1";

    @Test
    void neonctlFromNpmCreatesAProjectAndBranchesAndPrintsAConnectionString() throws Exception {
        Path neonctl = installNeonctl();
        JsonNode project = neonctlJson(neonctl, "projects", "create", "--name", "cli");
        String projectId = project.path("project").path("id").asString();
        assertThat(projectId).isNotBlank();

        JsonNode branch = neonctlJson(neonctl, "branches", "create", "--project-id", projectId, "--name", "feature");
        assertThat(branch.path("branch").path("name").asString()).isEqualTo("feature");

        JsonNode list = neonctlJson(neonctl, "branches", "list", "--project-id", projectId);
        assertThat(list.valueStream().map(b -> b.path("name").asString())).contains("main", "feature");

        // neonctl neither prints nor waits for the branch's operations; its URI names the compute
        PlatformApi.awaitIdle(ready.apiUrl(), ready.apiKey(), projectId);
        String uri = neonctl(neonctl, "connection-string", "feature", "--project-id", projectId, "--ssl", "omit")
                .strip();
        assertThat(uri).startsWith("postgresql://");
        try (Connection c = connect(uri);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }

        neonctl(neonctl, "branches", "delete", "feature", "--project-id", projectId);
        JsonNode after = neonctlJson(neonctl, "branches", "list", "--project-id", projectId);
        assertThat(after.valueStream().map(b -> b.path("name").asString()))
                .contains("main")
                .doesNotContain("feature");
    }

    /** neonctl from the npm registry, installed once into {@code target/} (the ITs of this module share it). */
    static Path installNeonctl() throws Exception {
        return Commands.npmInstall("neonctl", NEONCTL_VERSION).resolve("node_modules/.bin/neonctl");
    }

    private JsonNode neonctlJson(Path neonctl, String... args) throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--output", "json"));
        return JSON.readTree(neonctl(neonctl, all.toArray(String[]::new)));
    }

    private String neonctl(Path neonctl, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                neonctl.toString(),
                "--api-host",
                ready.apiUrl(),
                "--api-key",
                API_KEY,
                "--no-analytics",
                "--no-color",
                "--config-dir",
                dataDir.resolve("neonctl-config").toString()));
        command.addAll(java.util.List.of(args));
        return Commands.runOk(dataDir, command, java.util.Map.of(), Duration.ofMinutes(2));
    }

    private String connectionUri(String project, String branch) {
        JsonNode branchInfo = call("GET", "/projects/" + project + "/branches/" + branch, null, 200);
        assertThat(branchInfo.path("branch").path("id").asString()).isEqualTo(branch);
        JsonNode roles = call("GET", "/projects/" + project + "/branches/" + branch + "/roles", null, 200);
        JsonNode databases = call("GET", "/projects/" + project + "/branches/" + branch + "/databases", null, 200);
        String role = roles.path("roles")
                .valueStream()
                .map(r -> r.path("name").asString())
                .filter(n -> n.endsWith("_owner"))
                .findFirst()
                .orElseThrow();
        String database = databases.path("databases").path(0).path("name").asString();
        return call(
                        "GET",
                        "/projects/" + project + "/connection_uri?branch_id=" + branch + "&role_name=" + role
                                + "&database_name=" + database,
                        null,
                        200)
                .path("uri")
                .asString();
    }

    private void awaitOperations(String project, JsonNode operations) throws InterruptedException {
        PlatformApi.awaitOperations(ready.apiUrl(), API_KEY, project, operations);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        return PlatformApi.call(ready.apiUrl(), API_KEY, method, path, body, expectedStatus);
    }

    /** pgjdbc to a {@code postgresql://role:password@host:port/db} URI with pgjdbc's default timeouts. */
    static Connection connect(String uri) throws SQLException {
        return PlatformApi.connect(uri, 10, 0);
    }

    static long count(String uri, String table) throws SQLException {
        try (Connection c = connect(uri);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
