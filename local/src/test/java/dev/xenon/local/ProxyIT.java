package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.xenon.common.http.NodeToken;
import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.testsupport.TestDirectories;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The proxy of the local platform with real computes, pgjdbc and {@code psql}: routing by {@code
 * options} and by password, queries, a transaction, {@code COPY}, a cancelled {@code pg_sleep},
 * wake on connect (20 concurrent first connections start one compute), and malformed startups
 * answered with an ErrorResponse or a clean close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String API_KEY = LocalPlatform.generateApiKey();
    /** A refusal or a close must come within this: never a hang. */
    static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

    static final String REPORT_INTERVAL = "xenon.proxy.report-interval";

    Path dataDir;
    String nodeToken;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    LocalPlatform platform;
    LocalPlatform.Ready ready;
    int proxyPort;
    String project;
    String endpoint;
    String uri;
    String role;
    String password;
    String database;

    @BeforeAll
    void start() throws Exception {
        dataDir = TestDirectories.create("proxy-it");
        // read by the proxy's context as it starts (Spring reads system properties); cleared below
        System.setProperty(REPORT_INTERVAL, "500ms");
        platform = new LocalPlatform(
                new LocalPlatform.Options(dataDir, LoopbackPorts.free(), LoopbackPorts.free(), 0, 0, API_KEY));
        try {
            ready = platform.start();
        } finally {
            System.clearProperty(REPORT_INTERVAL);
        }
        nodeToken = NodeToken.current().orElseThrow();
        // after the contexts started: Spring Boot resets logback when a context starts
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        proxyPort = Integer.parseInt(
                ready.proxyAddress().substring(ready.proxyAddress().lastIndexOf(':') + 1));
        JsonNode created = call("POST", "/projects", "{\"project\":{\"name\":\"proxy\"}}", 201);
        project = created.path("project").path("id").asString();
        endpoint = created.path("endpoints").path(0).path("id").asString();
        uri = created.path("connection_uris").path(0).path("connection_uri").asString();
        awaitIdle();
        URI u = URI.create(uri);
        String[] userInfo = u.getRawUserInfo().split(":", 2);
        role = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
        password = URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8);
        database = u.getPath().substring(1);
    }

    @AfterAll
    void stop() throws IOException {
        if (platform != null) {
            platform.close();
        }
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        secretsAreNeverLogged();
    }

    /**
     * No secret this class's platform made or handled appears in a log: not in the JVM's log events
     * (console-app, proxy — which saw the password of password routing —, WAL nodes, storage node),
     * not in a Postgres log file under the data directory (metadata database, computes).
     */
    private void secretsAreNeverLogged() throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the role's password", password);
        secrets.put("the API key", API_KEY);
        secrets.put("the node token", nodeToken);
        secrets.put(
                "the metadata database's password",
                Files.readString(dataDir.resolve("metadata/password")).strip());
        assertThat(secrets.values()).allSatisfy(v -> assertThat(v).hasSizeGreaterThanOrEqualTo(16));
        assertThat(logs.list).as("log events captured").isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append('\n').append(t.getMessage());
            }
            secrets.forEach((what, secret) -> assertThat(text.toString())
                    .as("%s in a log event of %s", what, event.getLoggerName())
                    .doesNotContain(secret));
        }
        List<Path> logFiles;
        try (Stream<Path> files = Files.walk(dataDir)) {
            logFiles = files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .toList();
        }
        assertThat(logFiles).as("Postgres log files").isNotEmpty();
        for (Path file : logFiles) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            secrets.forEach((what, secret) ->
                    assertThat(text).as("%s in %s", what, file).doesNotContain(secret));
        }
    }

    @Test
    void connectionUrisNameTheProxyAndTheEndpointInOptions() {
        assertThat(uri)
                .isEqualTo("postgresql://" + role + ":" + password + "@127.0.0.1:" + proxyPort + "/" + database
                        + "?options=endpoint%3D" + endpoint);
    }

    @Test
    void pgjdbcRunsQueriesATransactionCopyAndACancelThroughOptionsRouting() throws Exception {
        try (Connection c = viaOptions()) {
            assertThat(value(c, "SELECT 1")).isEqualTo("1");
            assertThat(value(c, "SELECT current_user")).isEqualTo(role);
            exec(c, "CREATE TABLE IF NOT EXISTS tx (v int)");
            exec(c, "TRUNCATE tx");
            c.setAutoCommit(false);
            exec(c, "INSERT INTO tx VALUES (1)");
            c.rollback();
            exec(c, "INSERT INTO tx VALUES (2)");
            c.commit();
            c.setAutoCommit(true);
            assertThat(value(c, "SELECT string_agg(v::text, ',') FROM tx")).isEqualTo("2");

            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            exec(c, "CREATE TABLE IF NOT EXISTS copied (id int, name text)");
            exec(c, "TRUNCATE copied");
            StringBuilder rows = new StringBuilder();
            for (int i = 1; i <= 10_000; i++) {
                rows.append(i).append('\t').append("row ").append(i).append('\n');
            }
            assertThat(copy.copyIn("COPY copied FROM STDIN", new StringReader(rows.toString())))
                    .isEqualTo(10_000);
            StringWriter out = new StringWriter();
            assertThat(copy.copyOut("COPY (SELECT * FROM copied ORDER BY id) TO STDOUT", out))
                    .isEqualTo(10_000);
            assertThat(out.toString()).isEqualTo(rows.toString());

            // a cancel request reaches the compute of this session through the proxy
            try (Statement s = c.createStatement()) {
                Thread canceller = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(1000);
                        s.cancel();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long started = System.nanoTime();
                assertThatThrownBy(() -> s.execute("SELECT pg_sleep(60)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo("57014"));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
                canceller.join();
            }
            assertThat(value(c, "SELECT 'still usable'")).isEqualTo("still usable");
        }
    }

    @Test
    void pgjdbcRoutesByPasswordAndTheProxyAuthenticatesWithScram() throws Exception {
        for (String separator : List.of(";", "$")) {
            try (Connection c = viaPassword("endpoint=" + endpoint + separator + password)) {
                assertThat(value(c, "SELECT current_user")).isEqualTo(role);
                assertThat(value(c, "SELECT 40 + 2")).isEqualTo("42");
            }
        }
        // a wrong password: the compute's own error, relayed
        assertThatThrownBy(() -> viaPassword("endpoint=" + endpoint + ";wrong").close())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void psqlConnectsWithTheConnectionUriAndWithPasswordRouting() throws Exception {
        assertThat(psql(uri, null, "SELECT 1")).isEqualTo("1");
        assertThat(psql(uri, null, "COPY (SELECT generate_series(1, 3)) TO STDOUT"))
                .isEqualTo("1\n2\n3");
        String plain = "postgresql://" + role + "@127.0.0.1:" + proxyPort + "/" + database;
        assertThat(psql(plain, "endpoint=" + endpoint + ";" + password, "SELECT current_user"))
                .isEqualTo(role);
    }

    @Test
    void tlsWithTheLocalCertificateRoutesBySniForPsqlAndPgjdbcAndByOptions() throws Exception {
        Path ca = dataDir.resolve("proxy").resolve("ca.pem");
        // libpq sends the host name as SNI; hostaddr spares the DNS lookup of *.localhost
        String sni = "host=" + endpoint + ".localhost hostaddr=127.0.0.1 port=" + proxyPort + " user=" + role
                + " dbname=" + database + " sslmode=verify-full sslrootcert=" + ca;
        // verify-full: TLS is required and the certificate checked against the CA file and the host name
        assertThat(psql(sni, password, "SELECT current_user")).isEqualTo(role);

        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", ca.toString());
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database + "?options=endpoint%3D" + endpoint,
                props)) {
            assertThat(value(c, "SELECT 1")).isEqualTo("1");
        }

        // SNI alone: no options, no endpoint in the password — the server name must route it
        // (without SNI routing the proxy would ask for an endpoint-prefixed password and refuse)
        props.setProperty("socketFactory", LoopbackSocketFactory.class.getName());
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://" + endpoint + ".localhost:" + proxyPort + "/" + database, props)) {
            assertThat(value(c, "SELECT current_user")).isEqualTo(role);
        }
    }

    @Test
    void theProxyReportsTheOpenConnectionsOfAnEndpointToTheControlPlane() throws Exception {
        String gauge = "endpoint_id=\"" + endpoint + "\"";
        try (Connection a = viaOptions();
                Connection b = viaOptions()) {
            assertThat(value(a, "SELECT 1") + value(b, "SELECT 1")).isEqualTo("11");
            awaitMetric(gauge, "2.0");
        }
        // and once more when the endpoint dropped to none
        awaitMetric(gauge, "0.0");
    }

    @Test
    void aSuspendedEndpointWakesOnceForTwentyConcurrentFirstConnectionsWithEveryRow() throws Exception {
        try (Connection c = viaOptions()) {
            exec(c, "CREATE TABLE IF NOT EXISTS kept (v int)");
            exec(c, "TRUNCATE kept");
            exec(c, "INSERT INTO kept SELECT generate_series(1, 1000)");
        }

        // psql through the proxy wakes it and sees every row
        suspend();
        assertThat(psql(uri, null, "SELECT count(*) FROM kept")).isEqualTo("1000");
        awaitIdle();
        assertThat(endpointState()).isEqualTo("active");

        suspend();
        long startsBefore = startComputes();
        Set<String> postmasters = new HashSet<>();
        List<String> counts = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String[]>> connections = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                connections.add(pool.submit(() -> {
                    try (Connection c = viaOptions()) {
                        return new String[] {
                            value(c, "SELECT pg_postmaster_start_time()::text"), value(c, "SELECT count(*) FROM kept")
                        };
                    }
                }));
            }
            for (Future<String[]> f : connections) {
                String[] answer = f.get(3, TimeUnit.MINUTES);
                postmasters.add(answer[0]);
                counts.add(answer[1]);
            }
        }
        assertThat(counts).hasSize(20).containsOnly("1000");
        assertThat(postmasters)
                .as("Postgres start times seen by the 20 connections")
                .hasSize(1);
        awaitIdle();
        assertThat(startComputes() - startsBefore)
                .as("start_compute operations")
                .isEqualTo(1);
    }

    @Test
    void aDisabledEndpointIsRefusedWithRejectedEstablishment() throws Exception {
        String path = "/projects/" + project + "/endpoints/" + endpoint;
        call("PATCH", path, "{\"endpoint\":{\"disabled\":true}}", 200);
        try {
            assertThatThrownBy(() -> viaOptions().close()).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08004");
                assertThat(e.getMessage()).contains("disabled");
            });
        } finally {
            call("PATCH", path, "{\"endpoint\":{\"disabled\":false}}", 200);
        }
        try (Connection c = viaOptions()) {
            assertThat(value(c, "SELECT 1")).isEqualTo("1");
        }
    }

    /** A malformed or unroutable startup and the SQLSTATE it gets (null: a clean close suffices). */
    record BadStartup(String name, byte[] bytes, boolean sslFirst, String sqlState) {}

    @Test
    void malformedStartupsAndUnknownEndpointsGetAnErrorResponseOrACleanClose() throws Exception {
        List<BadStartup> cases = List.of(
                new BadStartup("short", new byte[] {0, 0}, false, "08P01"),
                new BadStartup(
                        "length below 8", ByteBuffer.allocate(4).putInt(4).array(), false, "08P01"),
                new BadStartup(
                        "oversized length",
                        ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(196608).array(),
                        false,
                        "08P01"),
                new BadStartup(
                        "length beyond the data",
                        ByteBuffer.allocate(8).putInt(500).putInt(196608).array(),
                        false,
                        "08P01"),
                new BadStartup("unknown protocol version 2.0", startup(2 << 16, Map.of("user", "u")), false, "0A000"),
                new BadStartup("unknown protocol version 4.0", startup(4 << 16, Map.of("user", "u")), false, "0A000"),
                // the local proxy has TLS: it answers S, and garbage is a failed TLS handshake (closed)
                new BadStartup(
                        "garbage after SSLRequest (answered S)",
                        "this is not a TLS ClientHello at all\n".getBytes(StandardCharsets.US_ASCII),
                        true,
                        null),
                new BadStartup(
                        "plain text right behind SSLRequest (before the answer)",
                        ByteBuffer.allocate(8 + 9)
                                .putInt(8)
                                .putInt(80877103)
                                .put(startup(196608, Map.of()))
                                .array(),
                        false,
                        "08P01"),
                new BadStartup(
                        "unknown endpoint",
                        startup(196608, Map.of("user", role, "options", "endpoint=ep-no-such-endpoint-00000000")),
                        false,
                        "3D000"),
                new BadStartup(
                        "not an endpoint id",
                        startup(196608, Map.of("user", role, "options", "endpoint=nonsense")),
                        false,
                        "3D000"),
                new BadStartup("no user", startup(196608, Map.of("options", "endpoint=" + endpoint)), false, "28000"));
        for (BadStartup bad : cases) {
            try (Socket s = new Socket("127.0.0.1", proxyPort)) {
                s.setSoTimeout((int) ANSWER_BOUND.toMillis());
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                if (bad.sslFirst()) {
                    out.write(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
                    out.flush();
                    assertThat(in.read())
                            .as(bad.name() + ": answer to SSLRequest")
                            .isEqualTo('S');
                }
                out.write(bad.bytes());
                out.flush();
                s.shutdownOutput();
                if (bad.sqlState() == null) {
                    // a clean close within the bound (a TLS alert may come first); a timeout fails here
                    long started = System.nanoTime();
                    in.readAllBytes();
                    assertThat(Duration.ofNanos(System.nanoTime() - started))
                            .as(bad.name())
                            .isLessThan(ANSWER_BOUND);
                    continue;
                }
                Map<Character, String> error = readError(in, bad.name());
                assertThat(error).as(bad.name()).containsEntry('S', "FATAL").containsKey('M');
                assertThat(error.get('C'))
                        .as(bad.name() + ": " + error.get('M'))
                        .isEqualTo(bad.sqlState());
                assertThat(in.read())
                        .as(bad.name() + ": closed after the error")
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void aConnectionNamingNoEndpointIsAskedForItsPasswordThenRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxyPort)) {
            s.setSoTimeout((int) ANSWER_BOUND.toMillis());
            s.getOutputStream().write(startup(196608, Map.of("user", role, "database", database)));
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 'R');
            assertThat(in.readInt()).isEqualTo(8);
            assertThat(in.readInt()).as("AuthenticationCleartextPassword").isEqualTo(3);
            byte[] pw = (password + "\0").getBytes(StandardCharsets.UTF_8);
            s.getOutputStream()
                    .write(ByteBuffer.allocate(5 + pw.length)
                            .put((byte) 'p')
                            .putInt(4 + pw.length)
                            .put(pw)
                            .array());
            Map<Character, String> error = readError(in, "no endpoint");
            assertThat(error.get('C')).isEqualTo("08004");
            assertThat(error.get('M')).contains("Endpoint ID is not specified");
        }
        // pgjdbc sees the same
        assertThatThrownBy(() -> {
                    Properties props = new Properties();
                    props.setProperty("user", role);
                    props.setProperty("password", password);
                    DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database, props)
                            .close();
                })
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08004"));
    }

    private static byte[] startup(int protocol, Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> p : params.entrySet()) {
            body.writeBytes((p.getKey() + "\0" + p.getValue() + "\0").getBytes(StandardCharsets.UTF_8));
        }
        body.write(0);
        return ByteBuffer.allocate(8 + body.size())
                .putInt(8 + body.size())
                .putInt(protocol)
                .put(body.toByteArray())
                .array();
    }

    /** Reads one ErrorResponse; fails on anything else or a silent close. */
    private static Map<Character, String> readError(InputStream stream, String what) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int type;
        try {
            type = in.readByte();
        } catch (EOFException e) {
            throw new AssertionError(what + ": closed without an ErrorResponse", e);
        }
        assertThat((char) type).as(what + ": message type").isEqualTo('E');
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        Map<Character, String> fields = new HashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int start = i;
            while (body[i] != 0) {
                i++;
            }
            fields.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
            i++;
        }
        return fields;
    }

    private Connection viaOptions() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "180");
        props.setProperty("socketTimeout", "180");
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database + "?options=endpoint%3D" + endpoint, props);
    }

    private Connection viaPassword(String routedPassword) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", routedPassword);
        props.setProperty("connectTimeout", "180");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database, props);
    }

    private String psql(String connection, String pgPassword, String sql) throws Exception {
        Path psql = PostgresInstallation.fromEnvironment(null).tool("psql");
        ProcessBuilder pb =
                new ProcessBuilder(psql.toString(), connection, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql);
        pb.environment().put("PGCONNECT_TIMEOUT", "180");
        pb.environment().put("PGSSLMODE", "prefer");
        if (pgPassword != null) {
            pb.environment().put("PGPASSWORD", pgPassword);
        }
        Path err = Files.createTempFile("psql", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("psql finished").isTrue();
        assertThat(p.exitValue())
                .as("psql exit; stderr: " + Files.readString(err))
                .isZero();
        return out.strip();
    }

    /** Waits until the control plane's proxy connection gauge with {@code label} shows {@code value}. */
    private void awaitMetric(String label, String value) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(ready.consoleUrl()).resolve("/actuator/prometheus"))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "(absent)";
        while (System.nanoTime() < deadline) {
            String page =
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            last = page.lines()
                    .filter(l -> l.startsWith("xenon_console_proxy_connections{") && l.contains(label))
                    .findFirst()
                    .orElse("(absent)");
            if (last.endsWith(" " + value)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "expected the proxy connections of " + label + " at " + value + ", last seen: " + last);
    }

    private void suspend() throws Exception {
        call("POST", "/projects/" + project + "/endpoints/" + endpoint + "/suspend", null, 200);
        awaitIdle();
        assertThat(endpointState()).isEqualTo("idle");
    }

    private String endpointState() {
        return call("GET", "/projects/" + project + "/endpoints/" + endpoint, null, 200)
                .path("endpoint")
                .path("current_state")
                .asString();
    }

    private long startComputes() {
        return call("GET", "/projects/" + project + "/operations", null, 200)
                .path("operations")
                .valueStream()
                .filter(o -> o.path("action").asString().equals("start_compute"))
                .count();
    }

    private void awaitIdle() throws InterruptedException {
        PlatformApi.awaitIdle(ready.apiUrl(), API_KEY, project);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        return PlatformApi.call(ready.apiUrl(), API_KEY, method, path, body, expectedStatus);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).as(sql).isTrue();
            return r.getString(1);
        }
    }
}
