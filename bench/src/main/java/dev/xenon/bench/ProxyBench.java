package dev.xenon.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.local.LocalPlatform;
import dev.xenon.testsupport.FreePorts;
import dev.xenon.testsupport.TestDirectories;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The proxy's benchmarks on the local platform ({@code ./xenon up} in this JVM):
 *
 * <ol>
 *   <li><b>throughput</b>: {@code pgbench -S} (select-only, 4 clients, connections kept) through the
 *       proxy ({@code PGOPTIONS=endpoint=<ep>}) against the same compute directly, and through a
 *       minimal C relay ({@code bench/src/main/c/relay.c}, built with the machine's C compiler) as the
 *       floor of any extra hop; rounds interleaved; target TPS ratio proxy ÷ direct ≥ 0.9;
 *   <li><b>wake latency</b>: {@code --wakes} times (default 20), suspend the endpoint through the API,
 *       then time a pgjdbc connection through the proxy to the first {@code SELECT 1} result; p50 and
 *       p95 (targets ≤ 500 ms / ≤ 1 s), split into phases from the control plane's log events: queue
 *       (wake call to the {@code start_compute} attempt), election (to the new term), data directory
 *       (basebackup restored or cache reused), Postgres start (to {@code started on}: Postgres ready,
 *       roles, WAL nodes following), ready (operation finished, wake answered, proxy connect, SCRAM,
 *       the query).
 * </ol>
 *
 * <p>Arguments: {@code --seconds N} per pgbench run (15), {@code --rounds N} (2), {@code --scale N}
 * (10), {@code --wakes N} (20), {@code --out FILE} (default {@code bench/results/proxy.md}).
 */
public final class ProxyBench {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String apiUrl;
    private String apiKey;
    private String project;
    private String endpoint;
    private String role;
    private String password;
    private String database;
    private int proxyPort;
    private int computePort;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 15);
        int rounds = intArg(args, "--rounds", 2);
        int scale = intArg(args, "--scale", 10);
        int wakes = intArg(args, "--wakes", 20);
        String out = stringArg(args, "--out", "bench/results/proxy.md");
        new ProxyBench().run(seconds, rounds, scale, wakes, Path.of(out));
        System.exit(0);
    }

    void run(int seconds, int rounds, int scale, int wakes, Path out) throws Exception {
        Path dir = TestDirectories.create("proxy-bench");
        apiKey = LocalPlatform.generateApiKey();
        try (LocalPlatform platform =
                new LocalPlatform(new LocalPlatform.Options(dir, FreePorts.next(), FreePorts.next(), 0, 0, apiKey))) {
            LocalPlatform.Ready ready = platform.start();
            apiUrl = ready.apiUrl();
            proxyPort = Integer.parseInt(
                    ready.proxyAddress().substring(ready.proxyAddress().lastIndexOf(':') + 1));
            // after the contexts started: Spring Boot resets logback when a context starts
            events.start();
            ((Logger) LoggerFactory.getLogger("dev.xenon.console")).addAppender(events);

            JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"proxy-bench\"}}", 201);
            project = created.path("project").path("id").asString();
            endpoint = created.path("endpoints").path(0).path("id").asString();
            URI uri = URI.create(created.path("connection_uris")
                    .path(0)
                    .path("connection_uri")
                    .asString());
            String[] userInfo = uri.getRawUserInfo().split(":", 2);
            role = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
            password = URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8);
            database = uri.getPath().substring(1);
            awaitIdle();

            StringBuilder report = new StringBuilder();
            report.append("# Proxy benchmark, ")
                    .append(LocalDateTime.now().withNano(0))
                    .append("\n\n");
            report.append(throughput(seconds, rounds, scale, dir));
            report.append(wakeLatency(wakes));
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println("written to " + out);
        }
    }

    private String throughput(int seconds, int rounds, int scale, Path dir) throws Exception {
        computePort = computePort();
        System.err.printf("pgbench -i -s %d (compute port %d)%n", scale, computePort);
        pgbench(dir, Target.DIRECT, List.of("-i", "-q", "-s", Integer.toString(scale)));
        Path relay = compileRelay(dir);
        Map<Target, List<Double>> tps = new EnumMap<>(Target.class);
        List<String> args = List.of("-S", "-n", "-c", "4", "-j", "2", "-T", Integer.toString(seconds));
        for (int round = 0; round < rounds; round++) {
            List<Target> order = new ArrayList<>(List.of(Target.values()));
            if (relay == null) {
                order.remove(Target.RELAY);
            }
            Collections.rotate(order, round); // every configuration takes its turn first
            for (Target target : order) {
                computePort = computePort();
                Process relayProcess = target == Target.RELAY ? startRelay(relay) : null;
                try {
                    double t = tps(pgbench(dir, target, args));
                    tps.computeIfAbsent(target, k -> new ArrayList<>()).add(t);
                    System.err.printf(Locale.ROOT, "round %d %s: %.0f TPS%n", round, target.label, t);
                } finally {
                    if (relayProcess != null) {
                        relayProcess.destroyForcibly().waitFor();
                    }
                }
            }
        }
        double d = mean(tps.get(Target.DIRECT));
        double p = mean(tps.get(Target.PROXY));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """
                ## Throughput: pgbench -S, 4 clients, %d s × %d rounds (interleaved), scale %d

                | | TPS (mean) | per round | ÷ direct |
                |---|---:|---|---:|
                """, seconds, rounds, scale));
        for (Target target : Target.values()) {
            List<Double> values = tps.get(target);
            if (values != null) {
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %.0f | %s | %.2f |%n",
                        target.label,
                        mean(values),
                        rounded(values),
                        mean(values) / d));
            }
        }
        table.append(String.format(Locale.ROOT, "%nRatio (proxy ÷ direct): **%.2f** (target ≥ 0.9)", p / d));
        if (relay != null) {
            table.append(String.format(
                    Locale.ROOT,
                    "; proxy ÷ C relay: **%.2f** (what the proxy costs beyond the kernel's price of a hop)",
                    p / mean(tps.get(Target.RELAY))));
        } else {
            table.append("; no C compiler (cc/gcc) found: the relay baseline was skipped");
        }
        return table.append("\n\n").toString();
    }

    /** Where pgbench connects. */
    private enum Target {
        DIRECT("direct to the compute"),
        RELAY("through a minimal C relay (`bench/src/main/c/relay.c`)"),
        PROXY("through the proxy (`PGOPTIONS=endpoint=...`)");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    private int relayPort;

    /** Builds the baseline relay with the machine's C compiler; null without one. */
    private Path compileRelay(Path dir) throws Exception {
        Path source = Path.of("bench/src/main/c/relay.c").toAbsolutePath();
        for (String compiler : List.of("cc", "gcc", "clang")) {
            Path binary = dir.resolve("relay");
            try {
                Process p = new ProcessBuilder(compiler, "-O2", "-pthread", "-o", binary.toString(), source.toString())
                        .redirectErrorStream(true)
                        .start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() == 0) {
                    relayPort = FreePorts.next();
                    return binary;
                }
                System.err.println(compiler + " failed on " + source + ": " + output);
            } catch (IOException e) {
                // not installed: try the next one
            }
        }
        System.err.println("no C compiler: the relay baseline is skipped");
        return null;
    }

    private Process startRelay(Path relay) throws Exception {
        Process p = new ProcessBuilder(relay.toString(), Integer.toString(relayPort), Integer.toString(computePort))
                .redirectErrorStream(true)
                .start();
        // it prints one line once it listens
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        if (!"relay listening".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("the relay did not start: " + line);
        }
        return p;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private String wakeLatency(int wakes) throws Exception {
        double[] total = new double[wakes];
        double[][] phases = new double[5][wakes];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < wakes; i++) {
            call("POST", "/projects/" + project + "/endpoints/" + endpoint + "/suspend", null, 200);
            awaitIdle();
            events.list.clear();
            long startedMillis = System.currentTimeMillis();
            long started = System.nanoTime();
            Properties props = new Properties();
            props.setProperty("user", role);
            props.setProperty("password", password);
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database + "?options=endpoint%3D"
                                    + endpoint,
                            props);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            total[i] = (System.nanoTime() - started) / 1e6;
            long endMillis = startedMillis + Math.round(total[i]);
            long attempt = eventTime("start_compute", "attempt");
            long elected = eventTime(endpoint + ": term", "start LSN");
            long data =
                    Math.max(eventTime(endpoint + ": basebackup", "restored"), eventTime(endpoint + ": reusing", ""));
            long startedEvent = eventTime(endpoint + ": started on", "");
            sources.add(
                    startedEvent > 0 && message(endpoint + ": started on").contains("from cache")
                            ? "cache"
                            : "basebackup");
            long[] marks = {startedMillis, attempt, elected, data, startedEvent, endMillis};
            for (int k = 0; k < 5; k++) {
                phases[k][i] = marks[k + 1] > 0 && marks[k] > 0 ? marks[k + 1] - marks[k] : Double.NaN;
            }
            System.err.printf(
                    Locale.ROOT,
                    "wake %d: %.0f ms (queue %.0f, election %.0f, data dir %.0f [%s], postgres %.0f, ready %.0f)%n",
                    i,
                    total[i],
                    phases[0][i],
                    phases[1][i],
                    phases[2][i],
                    sources.getLast(),
                    phases[3][i],
                    phases[4][i]);
        }
        double[] sorted = total.clone();
        Arrays.sort(sorted);
        String[] names = {
            "queue (wake → `start_compute` attempt)",
            "election (→ new term, start LSN)",
            "data directory (cache reuse or basebackup)",
            "Postgres start, roles, WAL nodes follow (→ `started on`)",
            "ready (operation done, wake answer, proxy connect, SCRAM, `SELECT 1`)"
        };
        StringBuilder table = new StringBuilder();
        for (int k = 0; k < 5; k++) {
            double[] p = Arrays.stream(phases[k])
                    .filter(v -> !Double.isNaN(v))
                    .sorted()
                    .toArray();
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f |%n",
                    names[k],
                    p.length == 0 ? Double.NaN : ControlPlaneBench.percentile(p, 0.5),
                    p.length == 0 ? Double.NaN : ControlPlaneBench.percentile(p, 0.95)));
        }
        long fromCache = sources.stream().filter("cache"::equals).count();
        return String.format(
                Locale.ROOT,
                """
                ## Wake latency: suspended → first `SELECT 1` through the proxy (%d wakes, %d from the local cache)

                | | p50 ms | p95 ms |
                |---|---:|---:|
                | **total** (pgjdbc connect through the proxy → `SELECT 1` result) | **%.0f** | **%.0f** |
                %s
                Targets: p50 ≤ 500 ms, p95 ≤ 1000 ms. Phases from log event timestamps (ms resolution); their
                percentiles are per phase, so they do not add up to the total's.

                """,
                wakes,
                fromCache,
                ControlPlaneBench.percentile(sorted, 0.5),
                ControlPlaneBench.percentile(sorted, 0.95),
                table);
    }

    private long eventTime(String contains, String alsoContains) {
        for (ILoggingEvent e : List.copyOf(events.list)) {
            String m = e.getFormattedMessage();
            if (m.contains(contains) && m.contains(alsoContains)) {
                return e.getTimeStamp();
            }
        }
        return 0;
    }

    private String message(String contains) {
        return List.copyOf(events.list).stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(contains))
                .findFirst()
                .orElse("");
    }

    private String pgbench(Path dir, Target target, List<String> args) throws Exception {
        Path pgbench = PostgresInstallation.fromEnvironment(null).tool("pgbench");
        List<String> command = new ArrayList<>(List.of(pgbench.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("PGHOST", "127.0.0.1");
        env.put(
                "PGPORT",
                Integer.toString(
                        switch (target) {
                            case DIRECT -> computePort;
                            case RELAY -> relayPort;
                            case PROXY -> proxyPort;
                        }));
        env.put("PGUSER", role);
        env.put("PGPASSWORD", password);
        env.put("PGDATABASE", database);
        env.put("PGSSLMODE", "disable");
        if (target == Target.PROXY) {
            env.put("PGOPTIONS", "endpoint=" + endpoint);
        }
        Path err = Files.createTempFile("pgbench", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("pgbench failed: " + out + Files.readString(err));
        }
        return out + Files.readString(err);
    }

    private static double tps(String output) {
        Matcher m = TPS.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no TPS in pgbench output: " + output);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The compute's own port: the endpoint's {@code host} field names the compute in local mode. */
    private int computePort() {
        String host = call("GET", "/projects/" + project + "/endpoints/" + endpoint, null, 200)
                .path("endpoint")
                .path("host")
                .asString();
        return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            boolean busy = call("GET", "/projects/" + project + "/operations", null, 200)
                    .path("operations")
                    .valueStream()
                    .anyMatch(o -> !o.path("status").asString().equals("finished"));
            if (!busy) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("operations of " + project + " did not finish");
            }
            Thread.sleep(50);
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

    private static String rounded(List<Double> values) {
        return String.join(
                ", ",
                values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
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
