package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.cli.Xenon;
import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.testsupport.TestDirectories;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The {@code xenon} CLI against the local platform, every command (in-process through {@link Xenon#run}, and once
 * through the {@code ./xenon} launcher and the runnable jar), with the exit codes scripts rely on: 0 done, 1 not
 * found or refused, 2 usage or authentication.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    static final String API_KEY = LocalPlatform.generateApiKey();

    Path dataDir;
    Path home;
    LocalPlatform platform;
    LocalPlatform.Ready ready;
    String project;

    @BeforeAll
    void start() throws Exception {
        dataDir = TestDirectories.create("cli-it");
        home = Files.createDirectories(dataDir.resolve("home"));
        platform = new LocalPlatform(
                new LocalPlatform.Options(dataDir, LoopbackPorts.free(), LoopbackPorts.free(), 0, 0, API_KEY));
        ready = platform.start();
        Run created = xenon("projects", "create", "--name", "cli", "-o", "json");
        assertThat(created.code()).as("%s", created).isZero();
        project = created.json().path("project").path("id").asString();
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void projectsAreCreatedListedShownAndDeleted() throws Exception {
        Run created = xenon("projects", "create", "--name", "cli-other", "-o", "json");
        assertThat(created.code()).as("%s", created).isZero();
        String id = created.json().path("project").path("id").asString();
        // create waits for the project's operations: its URI connects at once
        assertThat(selectOne(created.json()
                        .path("connection_uris")
                        .path(0)
                        .path("connection_uri")
                        .asString()))
                .isEqualTo(1);

        Run table = xenon("projects", "list");
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .startsWith("ID")
                .contains("NAME");
        assertThat(table.out()).containsPattern(id + " +cli-other ").contains(project);
        Run json = xenon("projects", "list", "-o", "json");
        assertThat(json.json().valueStream().map(p -> p.path("id").asString())).contains(id, project);
        assertThat(xenon("projects", "get", id).out()).contains("cli-other");

        Run deleted = xenon("projects", "delete", id);
        assertThat(deleted.code()).as("%s", deleted).isZero();
        Run gone = xenon("projects", "get", id);
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("404").contains("NOT_FOUND");
    }

    @Test
    void branchesAreCreatedResetRestoredAndDeleted() throws Exception {
        Run created = xenon("branches", "create", "--project-id", project, "--name", "feature", "--parent", "main");
        assertThat(created.code()).as("%s", created).isZero();
        assertThat(created.out()).containsPattern("br-[a-z0-9-]+ +feature +br-").contains("ready");
        Run list = xenon("branches", "list", "--project-id", project, "-o", "json");
        assertThat(list.json().valueStream().map(b -> b.path("name").asString()))
                .contains("main", "feature");
        String id = xenon("branches", "get", "feature", "--project-id", project, "-o", "json")
                .json()
                .path("id")
                .asString();
        assertThat(id).startsWith("br-");
        assertThat(xenon("branches", "get", id, "--project-id", project).out()).contains("feature");

        Run cs = xenon("connection-string", "feature", "--project-id", project);
        assertThat(cs.code()).as("%s", cs).isZero();
        String uri = cs.out().strip();
        assertThat(uri).startsWith("postgresql://neondb_owner:").contains("@" + ready.proxyAddress() + "/neondb?");
        Run pooled = xenon("cs", "feature", "--project-id", project, "--pooled", "-o", "json");
        assertThat(pooled.json().path("pooled").asBoolean()).isTrue();
        assertThat(pooled.json().path("branch_id").asString()).isEqualTo(id);
        assertThat(pooled.json().path("uri").asString()).startsWith("postgresql://");
        execute(uri, "CREATE TABLE on_feature (v int)");

        // reset: the parent's latest state; the branch keeps its id and URI
        Run reset = xenon("branches", "reset", "feature", "--parent", "--project-id", project);
        assertThat(reset.code()).as("%s", reset).isZero();
        assertThat(reset.out()).contains(id);
        assertThat(exists(uri, "on_feature")).isFalse();

        // restore from itself as it was before a table was made
        execute(uri, "CREATE TABLE before_point (v int)");
        Thread.sleep(1100);
        Instant point = Instant.now();
        Thread.sleep(1100);
        execute(uri, "CREATE TABLE after_point (v int)");
        Run restored = xenon("branches", "restore", "feature", "^self@" + point, "--project-id", project);
        assertThat(restored.code()).as("%s", restored).isZero();
        assertThat(exists(uri, "before_point")).isTrue();
        assertThat(exists(uri, "after_point")).isFalse();

        // the old states were kept as backup branches (the API's restore default); the branch itself is a leaf
        assertThat(xenon("branches", "list", "--project-id", project, "-o", "json")
                        .json()
                        .valueStream()
                        .map(b -> b.path("name").asString()))
                .anyMatch(n -> n.startsWith("feature_old"));
        Run deleted = xenon("branches", "delete", "feature", "--project-id", project);
        assertThat(deleted.code()).as("%s", deleted).isZero();
        Run gone = xenon("branches", "get", id, "--project-id", project);
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("branch \"" + id + "\" not found");
    }

    @Test
    void endpointsSuspendAndStartAndPsqlRunsOnABranch() throws Exception {
        Run list = xenon("endpoints", "list", "--project-id", project, "-o", "json");
        assertThat(list.code()).as("%s", list).isZero();
        String endpoint = list.json().path(0).path("id").asString();
        assertThat(endpoint).startsWith("ep-");
        assertThat(xenon("endpoints", "list", "--project-id", project, "--branch", "main")
                        .out())
                .contains(endpoint)
                .contains("read_write");

        Run suspended = xenon("endpoints", "suspend", "main", "--project-id", project, "-o", "json");
        assertThat(suspended.code()).as("%s", suspended).isZero();
        assertThat(suspended.json().path("current_state").asString()).isEqualTo("idle");
        Run started = xenon("endpoints", "start", endpoint, "--project-id", project, "-o", "json");
        assertThat(started.code()).as("%s", started).isZero();
        assertThat(started.json().path("current_state").asString()).isEqualTo("active");

        Run psql = xenon(Map.of("XENON_PROJECT_ID", project), "psql", "main", "--", "-At", "-c", "SELECT 40 + 2");
        assertThat(psql.code()).as("%s", psql).isZero();
        assertThat(psql.out().strip()).isEqualTo("42");
        // the default branch without naming it; psql's own failure is its exit code
        Run failing = xenon(
                Map.of("XENON_PROJECT_ID", project), "psql", "--", "-v", "ON_ERROR_STOP=1", "-c", "SELECT no_such");
        assertThat(failing.code()).as("%s", failing).isNotZero().isNotEqualTo(2);
        assertThat(failing.out()).contains("no_such");
    }

    @Test
    void errorsHaveExitCodesScriptsCanTrust() throws Exception {
        Run badKey = xenon(
                Map.of("XENON_API_KEY", LocalPlatform.generateApiKey()), "branches", "list", "--project-id", project);
        assertThat(badKey.code()).isEqualTo(2);
        assertThat(badKey.err()).contains("refused the API key").contains("401").contains("XENON_API_KEY");
        assertThat(badKey.out()).isEmpty();

        Map<String, String> noKey = new HashMap<>();
        noKey.put("XENON_API_KEY", "");
        noKey.put("XENON_DATA_DIR", dataDir.resolve("nowhere").toString());
        Run missing = xenon(noKey, "projects", "list");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no API key");

        for (List<String> args : List.of(
                List.of("branches", "get", "no-such-branch"),
                List.of("branches", "delete", "no-such-branch"),
                List.of("branches", "reset", "no-such-branch", "--parent"),
                List.of("connection-string", "no-such-branch"),
                List.of("endpoints", "start", "no-such-branch"))) {
            List<String> all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--project-id", project));
            Run r = xenon(all.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", args, r).isEqualTo(1);
            assertThat(r.err()).as("%s", args).contains("branch \"no-such-branch\" not found");
        }
        Run unknownProject = xenon("branches", "list", "--project-id", "no-such-project-12345678");
        assertThat(unknownProject.code()).isEqualTo(1);
        assertThat(unknownProject.err()).contains("404");

        assertThat(xenon("branches", "list", "--no-such-option").code()).isEqualTo(2);
        assertThat(xenon("branches").code()).isEqualTo(2);
        assertThat(xenon("branches", "reset", "main", "--project-id", project).code())
                .as("reset without --parent")
                .isEqualTo(2);
        Run unreachable =
                xenon(Map.of("XENON_API_HOST", "http://127.0.0.1:" + LoopbackPorts.free()), "projects", "list");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach the API");
    }

    @Test
    void theKeyComesFromNeonsVariableOrTheCredentialsFileAndTheLauncherRunsTheJar() throws Exception {
        Map<String, String> neonEnv = new HashMap<>();
        neonEnv.put("XENON_API_KEY", "");
        neonEnv.put("NEON_API_KEY", API_KEY);
        assertThat(xenon(neonEnv, "projects", "list").out()).contains(project);

        Path config = Files.createDirectories(dataDir.resolve("config"));
        Files.writeString(
                config.resolve("credentials.json"),
                "{\"api_key\":\"" + API_KEY + "\",\"api_host\":\"" + ready.apiUrl() + "\"}");
        Map<String, String> fileOnly = new HashMap<>();
        fileOnly.put("XENON_API_KEY", "");
        fileOnly.put("XENON_API_HOST", "");
        fileOnly.put("XENON_CONFIG_DIR", config.toString());
        Run fromFile = xenon(fileOnly, "projects", "list", "-o", "json");
        assertThat(fromFile.code()).as("%s", fromFile).isZero();
        assertThat(fromFile.json().valueStream().map(p -> p.path("id").asString()))
                .contains(project);

        // ./xenon dispatches to the runnable jar: a separate JVM, real exit codes
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Commands.Result ok = Commands.run(
                repo,
                List.of("./xenon", "branches", "list", "--project-id", project, "-o", "json"),
                Map.of("XENON_API_KEY", API_KEY, "XENON_API_HOST", ready.apiUrl()),
                Duration.ofMinutes(3));
        assertThat(ok.exitCode()).as("%s", ok).isZero();
        assertThat(PlatformApi.JSON.readTree(ok.stdout()).valueStream().map(b -> b.path("name")
                        .asString()))
                .contains("main");
        Commands.Result refused = Commands.run(
                repo,
                List.of("./xenon", "projects", "list"),
                Map.of("XENON_API_KEY", "not-a-key-at-all-0123456789", "XENON_API_HOST", ready.apiUrl()),
                Duration.ofMinutes(3));
        assertThat(refused.exitCode()).as("%s", refused).isEqualTo(2);
        assertThat(refused.stderr()).contains("refused the API key");
        Commands.Result notFound = Commands.run(
                repo,
                List.of("./xenon", "connection-string", "no-such-branch", "--project-id", project),
                Map.of("XENON_API_KEY", API_KEY, "XENON_API_HOST", ready.apiUrl()),
                Duration.ofMinutes(3));
        assertThat(notFound.exitCode()).as("%s", notFound).isEqualTo(1);
    }

    record Run(int code, String out, String err) {
        JsonNode json() {
            return PlatformApi.JSON.readTree(out);
        }
    }

    Run xenon(String... args) {
        return xenon(Map.of(), args);
    }

    /** The CLI in this JVM with {@code XENON_API_HOST}/{@code XENON_API_KEY} of this platform, overridden by extra. */
    Run xenon(Map<String, String> extra, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("XENON_API_HOST", ready.apiUrl());
        env.put("XENON_API_KEY", API_KEY);
        env.put("XENON_CONFIG_DIR", dataDir.resolve("no-config").toString());
        env.put("PATH", System.getenv("PATH"));
        env.putAll(extra);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Xenon.run(env, home, new PrintWriter(out), new PrintWriter(err), false, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void execute(String uri, String sql) throws SQLException {
        try (Connection c = LocalPlatformIT.connect(uri);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int selectOne(String uri) throws SQLException {
        try (Connection c = LocalPlatformIT.connect(uri);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean exists(String uri, String table) throws SQLException {
        try (Connection c = LocalPlatformIT.connect(uri);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
