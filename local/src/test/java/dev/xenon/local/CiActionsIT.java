package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.testsupport.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * A branch per pull request against the local platform, three ways: the repository's own GitHub Actions
 * ({@code actions/*}: each action's step run as the runner runs a composite step — its {@code env} from action.yml
 * with the inputs substituted, {@code GITHUB_ACTION_PATH}, a {@code GITHUB_OUTPUT} file, {@code bash -eo pipefail}),
 * neonctl from npm as Neon's reset- and delete-branch actions call it, and the REST calls of Neon's
 * create-branch-action through the real {@code @neondatabase/api-client} from npm. Every URL is connected to with
 * pgjdbc.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CiActionsIT {

    static final String API_KEY = LocalPlatform.generateApiKey();
    static final Path ACTIONS = Path.of("..", "actions").toAbsolutePath().normalize();
    static final String API_CLIENT_VERSION = "2.7.3";
    private static final Pattern INPUT_REF = Pattern.compile("\\$\\{\\{\\s*inputs\\.([a-z_]+)\\s*}}");

    Path dataDir;
    LocalPlatform platform;
    LocalPlatform.Ready ready;
    String project;
    String mainUri;
    String mainBranch;

    @BeforeAll
    void start() throws Exception {
        dataDir = TestDirectories.create("ci-actions");
        platform = new LocalPlatform(
                new LocalPlatform.Options(dataDir, LoopbackPorts.free(), LoopbackPorts.free(), 0, 0, API_KEY));
        ready = platform.start();
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"ci\"}}", 201);
        project = created.path("project").path("id").asString();
        mainUri = created.path("connection_uris").path(0).path("connection_uri").asString();
        mainBranch = created.path("branch").path("id").asString();
        awaitOperations(created.path("operations"));
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void createBranchActionCreatesThenReusesABranchWhoseUrlsConnectThroughTheProxy() throws Exception {
        ActionRun first = runAction("create-branch", Map.of("branch_name", "preview/pr-1"));
        assertThat(first.result().exitCode()).as("%s", first.result()).isZero();
        Map<String, String> out = first.outputs();
        assertThat(out)
                .containsKeys("db_url", "db_url_pooled", "db_host", "db_host_pooled", "password", "branch_id")
                .containsEntry("created", "true");
        assertThat(out.get("branch_id")).startsWith("br-");
        String password = out.get("password");
        assertThat(password).isNotBlank();
        assertThat(out.get("db_url"))
                .startsWith("postgresql://neondb_owner:" + password + "@" + ready.proxyAddress() + "/neondb")
                .contains("options=endpoint%3Dep-");
        assertThat(out.get("db_host")).isEqualTo(ready.proxyAddress());
        assertThat(out.get("db_host_pooled")).isEqualTo(ready.proxyAddress());
        // the password is masked before anything else could print it, and printed nowhere else
        assertThat(first.result().stdout().lines().filter(l -> l.contains(password)))
                .containsExactly("::add-mask::" + password);
        assertThat(first.result().stderr()).doesNotContain(password);

        JsonNode branch = call("GET", "/projects/" + project + "/branches/" + out.get("branch_id"), null, 200)
                .path("branch");
        assertThat(branch.path("name").asString()).isEqualTo("preview/pr-1");
        assertThat(branch.path("current_state").asString()).isEqualTo("ready");
        try (Connection c = LocalPlatformIT.connect(out.get("db_url"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE migrated (v int)");
            s.execute("INSERT INTO migrated VALUES (1), (2)");
        }
        assertThat(LocalPlatformIT.count(out.get("db_url_pooled"), "migrated")).isEqualTo(2);

        // the next push of the pull request: the same branch, its data kept
        ActionRun again = runAction("create-branch", Map.of("branch_name", "preview/pr-1"));
        assertThat(again.result().exitCode()).as("%s", again.result()).isZero();
        assertThat(again.outputs())
                .containsEntry("created", "false")
                .containsEntry("branch_id", out.get("branch_id"))
                .containsEntry("db_url", out.get("db_url"));
        assertThat(LocalPlatformIT.count(again.outputs().get("db_url"), "migrated"))
                .isEqualTo(2);
    }

    @Test
    void resetBranchActionBringsBackTheParentsLatestStateUnderTheSameUrl() throws Exception {
        ActionRun created = runAction("create-branch", Map.of("branch_name", "reset-me", "parent", "main"));
        assertThat(created.result().exitCode()).as("%s", created.result()).isZero();
        String url = created.outputs().get("db_url");
        try (Connection c = LocalPlatformIT.connect(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE only_on_the_branch (v int)");
        }
        try (Connection c = LocalPlatformIT.connect(mainUri);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE main_after_the_branch (v int)");
            s.execute("INSERT INTO main_after_the_branch VALUES (7)");
        }

        ActionRun reset = runAction("reset-branch", Map.of("branch_name", "reset-me"));
        assertThat(reset.result().exitCode()).as("%s", reset.result()).isZero();
        assertThat(reset.outputs())
                .containsEntry("branch_id", created.outputs().get("branch_id"))
                .containsEntry("db_url", url);
        assertThat(reset.result().stdout())
                .contains("::add-mask::" + reset.outputs().get("password"));
        assertThat(exists(url, "only_on_the_branch")).isFalse();
        assertThat(LocalPlatformIT.count(url, "main_after_the_branch")).isEqualTo(1);
    }

    @Test
    void deleteBranchActionDeletesTheBranchAndAMissingOneIsNoError() throws Exception {
        // parent_branch: the name of Neon's v6 input, accepted too
        ActionRun created = runAction("create-branch", Map.of("branch_name", "delete-me", "parent_branch", mainBranch));
        assertThat(created.result().exitCode()).as("%s", created.result()).isZero();
        String id = created.outputs().get("branch_id");
        assertThat(call("GET", "/projects/" + project + "/branches/" + id, null, 200)
                        .path("branch")
                        .path("parent_id")
                        .asString())
                .isEqualTo(mainBranch);

        ActionRun deleted = runAction("delete-branch", Map.of("branch_name", "delete-me"));
        assertThat(deleted.result().exitCode()).as("%s", deleted.result()).isZero();
        assertThat(deleted.outputs()).containsEntry("deleted", "true").containsEntry("branch_id", id);
        call("GET", "/projects/" + project + "/branches/" + id, null, 404);

        // the pull request closes twice, or its branch was never made
        ActionRun again = runAction("delete-branch", Map.of("branch_name", "delete-me"));
        assertThat(again.result().exitCode()).as("%s", again.result()).isZero();
        assertThat(again.outputs()).containsEntry("deleted", "false");
    }

    @Test
    void aRefusedKeyOrAnUnknownParentFailsTheStepWithAnError() throws Exception {
        ActionRun badKey =
                runAction("create-branch", Map.of("branch_name", "never", "api_key", LocalPlatform.generateApiKey()));
        assertThat(badKey.result().exitCode()).isNotZero();
        assertThat(badKey.result().stderr()).contains("::error::").contains("HTTP 401");
        assertThat(badKey.outputs()).isEmpty();

        ActionRun badParent = runAction("create-branch", Map.of("branch_name", "orphan", "parent", "no-such-branch"));
        assertThat(badParent.result().exitCode()).isNotZero();
        assertThat(badParent.result().stderr()).contains("::error::parent branch no-such-branch not found");
        assertThat(call("GET", "/projects/" + project + "/branches?search=orphan", null, 200)
                        .path("branches"))
                .isEmpty();

        ActionRun resetMissing = runAction("reset-branch", Map.of("branch_name", "no-such-branch"));
        assertThat(resetMissing.result().exitCode()).isNotZero();
        assertThat(resetMissing.result().stderr()).contains("::error::branch no-such-branch not found");
    }

    /** The calls of Neon's reset-branch-action and delete-branch-action: neonctl branches reset --parent, delete. */
    @Test
    void neonctlCreatesResetsAndDeletesABranchAsNeonsActionsCallIt() throws Exception {
        Path neonctl = LocalPlatformIT.installNeonctl();
        JsonNode created = json(neonctl(
                neonctl, "branches", "create", "--project-id", project, "--name", "neonctl-pr", "--output", "json"));
        String id = created.path("branch").path("id").asString();
        assertThat(id).startsWith("br-");
        // neonctl prints no operations and does not wait; its connection string names the endpoint's host, which
        // with options routing is the compute itself (not the proxy): connect once the compute runs
        awaitBranch(id);
        String uri = neonctl(neonctl, "connection-string", "neonctl-pr", "--project-id", project, "--ssl", "omit")
                .strip();
        try (Connection c = LocalPlatformIT.connect(uri);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE neonctl_only (v int)");
        }

        JsonNode reset = json(neonctl(
                neonctl, "branches", "reset", "neonctl-pr", "--parent", "--project-id", project, "--output", "json"));
        assertThat(reset.path("id").asString()).isEqualTo(id);
        awaitBranch(id);
        assertThat(exists(uri, "neonctl_only")).isFalse();

        neonctl(neonctl, "branches", "delete", "neonctl-pr", "--project-id", project);
        awaitBranch(id);
        call("GET", "/projects/" + project + "/branches/" + id, null, 404);
    }

    /** create-branch-action v6's calls through Neon's own API client: get-or-create, endpoints, password, URIs. */
    @Test
    void neonsApiClientMakesCreateBranchActionsCalls() throws Exception {
        Path prefix = Commands.npmInstall("@neondatabase/api-client", API_CLIENT_VERSION);
        JsonNode first = json(apiClientScript(prefix, "api-client-pr"));
        assertThat(first.path("created").asBoolean()).isTrue();
        String branch = first.path("branch_id").asString();
        assertThat(branch).startsWith("br-");
        awaitBranch(branch);
        JsonNode second = json(apiClientScript(prefix, "api-client-pr"));
        assertThat(second.path("created").asBoolean()).isFalse();
        assertThat(second.path("branch_id").asString()).isEqualTo(branch);

        // connection_uri goes through the proxy; the action's own URL is built from the endpoint's host
        String uri = second.path("connection_uri").asString();
        assertThat(uri).contains("@" + ready.proxyAddress() + "/neondb").contains("options=endpoint%3D");
        assertThat(second.path("connection_uri_pooled").asString()).isEqualTo(uri);
        for (String url : List.of(uri, second.path("db_url").asString())) {
            try (Connection c = LocalPlatformIT.connect(url);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("neondb_owner");
            }
        }
    }

    private String apiClientScript(Path prefix, String branch) throws Exception {
        Path script =
                Path.of("src/test/resources/neon-create-branch-action.cjs").toAbsolutePath();
        return Commands.runOk(
                dataDir,
                List.of("node", script.toString()),
                Map.of(
                        "NODE_PATH",
                        prefix.resolve("node_modules").toString(),
                        "API_HOST",
                        ready.apiUrl(),
                        "API_KEY",
                        API_KEY,
                        "PROJECT_ID",
                        project,
                        "BRANCH_NAME",
                        branch,
                        "PARENT",
                        "main",
                        "DATABASE",
                        "neondb",
                        "ROLE",
                        "neondb_owner"),
                Duration.ofMinutes(2));
    }

    private String neonctl(Path neonctl, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                neonctl.toString(),
                "--api-host",
                ready.apiUrl(),
                "--api-key",
                API_KEY,
                "--no-analytics",
                "--no-color",
                "--config-dir",
                dataDir.resolve("neonctl-config").toString()));
        command.addAll(List.of(args));
        return Commands.runOk(dataDir, command, Map.of(), Duration.ofMinutes(2));
    }

    /** An action's output and its GITHUB_OUTPUT lines. */
    record ActionRun(Commands.Result result, Map<String, String> outputs) {}

    /**
     * Runs {@code actions/<name>} as the runner runs its composite step: the step's {@code env} with {@code ${{
     * inputs.x }}} replaced by the given input or its default (api_host, api_key and project_id default to this
     * platform), {@code GITHUB_ACTION_PATH} and {@code GITHUB_OUTPUT} set, the {@code run} text in a file run by
     * {@code bash --noprofile --norc -eo pipefail}.
     */
    @SuppressWarnings("unchecked")
    ActionRun runAction(String name, Map<String, String> given) throws Exception {
        Path dir = ACTIONS.resolve(name);
        Map<String, Object> action = new Yaml().load(Files.readString(dir.resolve("action.yml")));
        Map<String, Object> inputs = (Map<String, Object>) action.get("inputs");
        Map<String, String> values = new HashMap<>();
        values.put("api_host", ready.apiUrl());
        values.put("api_key", API_KEY);
        values.put("project_id", project);
        values.putAll(given);
        Map<String, Object> runs = (Map<String, Object>) action.get("runs");
        assertThat(runs.get("using")).isEqualTo("composite");
        Map<String, Object> step = ((List<Map<String, Object>>) runs.get("steps")).get(0);
        assertThat(step.get("shell")).isEqualTo("bash");

        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) step.get("env")).entrySet()) {
            Matcher m = INPUT_REF.matcher(String.valueOf(e.getValue()));
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String input = m.group(1);
                assertThat(inputs)
                        .as("action %s declares input %s", name, input)
                        .containsKey(input);
                Map<String, Object> declared = (Map<String, Object>) inputs.get(input);
                Object fallback = declared == null ? null : declared.get("default");
                String value = values.getOrDefault(input, fallback == null ? "" : String.valueOf(fallback));
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            env.put(e.getKey(), sb.toString());
        }
        Path work = Files.createTempDirectory(dataDir, "runner");
        Path outputFile = work.resolve("github-output");
        Files.createFile(outputFile);
        Path script = work.resolve("step.sh");
        Files.writeString(script, String.valueOf(step.get("run")));
        env.put("GITHUB_ACTION_PATH", dir.toString());
        env.put("GITHUB_OUTPUT", outputFile.toString());
        Commands.Result result = Commands.run(
                work,
                List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString()),
                env,
                Duration.ofMinutes(5));
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(outputFile)) {
            int eq = line.indexOf('=');
            assertThat(eq).as("GITHUB_OUTPUT line %s", line).isPositive();
            outputs.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new ActionRun(result, outputs);
    }

    private static boolean exists(String uri, String table) throws SQLException {
        try (Connection c = LocalPlatformIT.connect(uri);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static JsonNode json(String json) {
        return PlatformApi.JSON.readTree(json);
    }

    /** Waits until no operation of the branch is unfinished. */
    private void awaitBranch(String branch) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            boolean busy = call("GET", "/projects/" + project + "/operations", null, 200)
                    .path("operations")
                    .valueStream()
                    .anyMatch(op -> op.path("branch_id").asString().equals(branch)
                            && List.of("scheduling", "running", "failed")
                                    .contains(op.path("status").asString()));
            if (!busy) {
                return;
            }
            assertThat(System.nanoTime()).as("operations of %s in time", branch).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private void awaitOperations(JsonNode operations) throws InterruptedException {
        PlatformApi.awaitOperations(ready.apiUrl(), API_KEY, project, operations);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        return PlatformApi.call(ready.apiUrl(), API_KEY, method, path, body, expectedStatus);
    }
}
