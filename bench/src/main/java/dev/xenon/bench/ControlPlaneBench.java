package dev.xenon.bench;

import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.common.storagenode.StorageNodeClient;
import dev.xenon.local.LocalPlatform;
import dev.xenon.testsupport.FreePorts;
import dev.xenon.testsupport.TestDirectories;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's benchmarks on the local platform ({@code ./xenon up} in this JVM), each with a
 * baseline measured in the same run:
 *
 * <ol>
 *   <li><b>create-branch latency</b>: {@code POST /api/v2/projects/{id}/branches} (no endpoint) on one
 *       project, p50 and p95 over {@code --branch-calls} calls (default 50), against {@code POST
 *       /v1/tenant/{t}/timeline} with an ancestor on the storage node directly (the data-plane part
 *       of a branch), interleaved;
 *   <li><b>project creation to first query</b>: {@code POST /api/v2/projects}, its operations
 *       finished, a pgjdbc connection to the returned URI and {@code SELECT 1}, {@code --projects}
 *       times (default 5), against a plain local Postgres: {@code initdb}, start, connect, {@code
 *       SELECT 1}.
 * </ol>
 *
 * <p>Arguments: {@code --branch-calls N}, {@code --projects N}, {@code --out FILE} (default {@code
 * bench/results/control-plane.md}).
 */
public final class ControlPlaneBench {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int WARM_UP = 5;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String apiUrl;
    private String apiKey;

    public static void main(String[] args) throws Exception {
        int branchCalls = intArg(args, "--branch-calls", 50);
        int projects = intArg(args, "--projects", 5);
        String out = stringArg(args, "--out", "bench/results/control-plane.md");
        new ControlPlaneBench().run(branchCalls, projects, Path.of(out));
        System.exit(0);
    }

    void run(int branchCalls, int projects, Path out) throws Exception {
        Path dir = TestDirectories.create("control-plane-bench");
        apiKey = LocalPlatform.generateApiKey();
        int storagePort = FreePorts.next();
        try (LocalPlatform platform = new LocalPlatform(
                new LocalPlatform.Options(dir, FreePorts.next(), FreePorts.next(), 0, storagePort, apiKey))) {
            apiUrl = platform.start().apiUrl();
            StringBuilder report = new StringBuilder();
            report.append("# Control-plane benchmark, ")
                    .append(LocalDateTime.now().withNano(0))
                    .append("\n\n");
            report.append(projectToFirstQuery(projects, dir));
            report.append(branchLatency(branchCalls, new StorageNodeClient("http://127.0.0.1:" + storagePort)));
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println("written to " + out);
        }
    }

    private String projectToFirstQuery(int projects, Path dir) throws Exception {
        PostgresInstallation pg = PostgresInstallation.fromEnvironment(null);
        PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
        double[] xenon = new double[projects];
        double[] plain = new double[projects];
        for (int i = 0; i < projects; i++) {
            long started = System.nanoTime();
            JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"bench-" + i + "\"}}", 201);
            awaitOperations(created.path("project").path("id").asString(), created.path("operations"));
            selectOne(created.path("connection_uris")
                    .path(0)
                    .path("connection_uri")
                    .asString());
            xenon[i] = millis(started);

            started = System.nanoTime();
            Path pgdata = dir.resolve("plain-" + i);
            PostgresProcess.initdb(pg, osUser, pgdata, "bench", "bench-password", false);
            int port = FreePorts.next();
            PostgresProcess postgres = new PostgresProcess(
                    pg,
                    osUser,
                    pgdata,
                    dir.resolve("plain-" + i + ".log"),
                    port,
                    Map.of("listen_addresses", "127.0.0.1", "unix_socket_directories", ""));
            postgres.start(Duration.ofSeconds(60));
            selectOne("postgresql://bench:bench-password@127.0.0.1:" + port + "/postgres");
            plain[i] = millis(started);
            postgres.stop(Duration.ofSeconds(30));
            System.out.printf(
                    Locale.ROOT, "project %d: xenon %.0f ms, plain initdb+start %.0f ms%n", i, xenon[i], plain[i]);
        }
        Arrays.sort(xenon);
        Arrays.sort(plain);
        return String.format(
                Locale.ROOT,
                """
                ## Project creation to first query (%d each)

                | | p50 ms | max ms |
                |---|---|---|
                | Xenon: `POST /projects` → operations finished → pgjdbc `SELECT 1` | %.0f | %.0f |
                | baseline: `initdb` → start → pgjdbc `SELECT 1` | %.0f | %.0f |

                Ratio (p50 Xenon ÷ p50 baseline): **%.2f**

                """,
                projects,
                percentile(xenon, 0.5),
                xenon[xenon.length - 1],
                percentile(plain, 0.5),
                plain[plain.length - 1],
                percentile(xenon, 0.5) / percentile(plain, 0.5));
    }

    private String branchLatency(int calls, StorageNodeClient storage) throws Exception {
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"branches\"}}", 201);
        String project = created.path("project").path("id").asString();
        awaitOperations(project, created.path("operations"));
        TenantId tenant = TenantId.generate();
        storage.createTenant(tenant);
        TimelineId parent = TimelineId.generate();
        storage.bootstrapTimeline(tenant, parent, null);

        List<Double> api = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        for (int i = 0; i < WARM_UP + calls; i++) {
            long started = System.nanoTime();
            JsonNode branch = call("POST", "/projects/" + project + "/branches", "{\"branch\":{}}", 201);
            double apiMillis = millis(started);
            awaitOperations(project, branch.path("operations"));
            started = System.nanoTime();
            storage.branch(tenant, TimelineId.generate(), parent, null);
            double directMillis = millis(started);
            if (i >= WARM_UP) {
                api.add(apiMillis);
                direct.add(directMillis);
            }
        }
        double[] a = api.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] d = direct.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(
                Locale.ROOT,
                """
                ## Create-branch latency (%d calls after %d warm-up, interleaved)

                | | p50 ms | p95 ms |
                |---|---|---|
                | Xenon API: `POST /api/v2/projects/{id}/branches` (response; its operation runs after) | %.1f | %.1f |
                | baseline: storage node `POST /v1/tenant/{t}/timeline` with an ancestor | %.1f | %.1f |

                Ratio (p50 API ÷ p50 storage node): **%.2f**

                """,
                calls,
                WARM_UP,
                percentile(a, 0.5),
                percentile(a, 0.95),
                percentile(d, 0.5),
                percentile(d, 0.95),
                percentile(a, 0.5) / percentile(d, 0.5));
    }

    private void awaitOperations(String project, JsonNode operations) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (JsonNode op : operations) {
            String id = op.path("id").asString();
            while (true) {
                JsonNode now = call("GET", "/projects/" + project + "/operations/" + id, null, 200)
                        .path("operation");
                String status = now.path("status").asString();
                if (status.equals("finished")) {
                    break;
                }
                if (status.equals("failed") || System.nanoTime() > deadline) {
                    throw new IllegalStateException("operation " + now);
                }
                Thread.sleep(100);
            }
        }
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            // a well-behaved client backs off when the API key's rate limit (20/s by default) says so
            while (response.statusCode() == 429) {
                long seconds =
                        response.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(seconds * 1000);
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(
                        method + " " + path + " → " + response.statusCode() + " " + response.body());
            }
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void selectOne(String uri) throws SQLException {
        URI u = URI.create(uri);
        String[] userInfo = u.getRawUserInfo().split(":", 2);
        Properties props = new Properties();
        props.setProperty("user", java.net.URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        props.setProperty("password", java.net.URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection(
                        // the query too: through the proxy it names the endpoint (options=endpoint%3D...)
                        "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath()
                                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()),
                        props);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    private static double millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static int intArg(String[] args, String name, int def) {
        String v = stringArg(args, name, null);
        return v == null ? def : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
