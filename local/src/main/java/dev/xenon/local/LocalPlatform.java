package dev.xenon.local;

import dev.xenon.common.http.NodeToken;
import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import dev.xenon.common.postgres.PostgresProcess;
import dev.xenon.console.ConsoleApplication;
import dev.xenon.proxy.ProxyApplication;
import dev.xenon.proxy.session.ProxyServer;
import dev.xenon.storagenode.StorageNodeApplication;
import dev.xenon.walnode.WalNodeApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./xenon up}: the whole platform on one machine, in the foreground — the control plane's
 * metadata Postgres (a local Postgres process), three WAL nodes, the storage node, console-app and
 * the proxy (each its own Spring context and port in this JVM); computes run as local Postgres
 * processes started by console-app's local driver, and clients reach them through the proxy. A second start reuses the data directory.
 *
 * <p>Layout of the data directory: {@code metadata/} (pgdata, password 0600, log), {@code wal-N/},
 * {@code storage-node/} (layer cache), {@code remote/} (the storage node's remote storage: the
 * local stand-in for S3), {@code console/} (computes under {@code computes/<endpoint>/}), {@code
 * api-key} (0600).
 */
public final class LocalPlatform implements AutoCloseable {

    static final String METADATA_DATABASE = "xenon_console";
    /** The node-to-node token ({@link NodeToken}) when none is configured: in the data directory. */
    static final String NODE_TOKEN_FILE = "node-token";

    static final String METADATA_USER = "xenon";
    static final String BOOTSTRAP_USER = "admin@localhost";
    // springdoc is on the shared classpath for console-app; the nodes' APIs are not documented by it
    private static final String NO_API_DOCS = "--springdoc.api-docs.enabled=false";
    private static final String NO_SWAGGER_UI = "--springdoc.swagger-ui.enabled=false";

    /**
     * @param walBasePort the first WAL node's port (then +1, +2); 0 picks free ones
     * @param storagePort the storage node's port; 0 picks a free one
     * @param bootstrapApiKey the API key to seed, or null to generate one on the first start
     */
    public record Options(
            Path dataDir, int httpPort, int proxyPort, int walBasePort, int storagePort, String bootstrapApiKey) {

        static Options parse(String[] args, Map<String, String> env) {
            Map<String, String> opts = options(args);
            Path dataDir = Path.of(opts.getOrDefault(
                    "data-dir", env.getOrDefault("XENON_DATA_DIR", System.getProperty("user.home") + "/.xenon")));
            return new Options(
                    dataDir.toAbsolutePath(),
                    port(opts, env, "http-port", "XENON_HTTP_PORT", 8080),
                    port(opts, env, "proxy-port", "XENON_PROXY_PORT", 55432),
                    port(opts, env, "wal-port", "XENON_WAL_PORT", 7676),
                    port(opts, env, "storage-port", "XENON_STORAGE_PORT", 9898),
                    blankToNull(env.get("XENON_BOOTSTRAP_API_KEY")));
        }
    }

    /** What {@code Xenon is ready:} names. */
    public record Ready(String consoleUrl, String apiUrl, String proxyAddress, String apiKey, Path apiKeyFile) {}

    private final Options options;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private PostgresProcess metadata;
    private boolean closed;

    public LocalPlatform(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("xenon: " + e.getMessage());
            System.err.println(
                    "usage: ./xenon up [--data-dir DIR] [--http-port N] [--proxy-port N] [--wal-port N] [--storage-port N]");
            System.exit(2);
            return;
        }
        LocalPlatform platform = new LocalPlatform(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.close();
            stopped.countDown();
        }));
        try {
            Ready ready = platform.start();
            System.out.printf(
                    "Xenon is ready: console %s · API %s · proxy %s · API key in %s. Ctrl-C stops.%n",
                    ready.consoleUrl(), ready.apiUrl(), ready.proxyAddress(), ready.apiKeyFile());
        } catch (RuntimeException e) {
            System.err.println("xenon: " + e.getMessage());
            System.exit(1);
        }
        stopped.await();
    }

    /** Starts everything; returns once console-app serves its API. */
    public Ready start() {
        Path dataDir = options.dataDir();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
        progress("data directory %s", dataDir);
        if (Files.isDirectory(dataDir.resolve("compute"))) {
            progress(
                    "note: %s is left from an earlier version of ./xenon up (one compute, no control plane); it is not used",
                    dataDir.resolve("compute"));
        }
        PostgresInstallation pg = PostgresInstallation.fromEnvironment(null);
        PostgresOsUser osUser = PostgresOsUser.forCurrentProcess();
        progress("PostgreSQL %d at %s (runs as %s)", pg.majorVersion(), pg.binDir(), osUser);

        if (NodeToken.current().isEmpty()) {
            // the WAL nodes and the storage node refuse requests without it; their clients (the
            // storage node, the control plane, in this JVM) send it. Kept in the data directory
            // for whoever calls a node API by hand (curl -H "Authorization: Bearer $(cat ...)").
            Path tokenFile = dataDir.resolve(NODE_TOKEN_FILE);
            if (!Files.exists(tokenFile)) {
                writeSecret(tokenFile, generateApiKey());
            }
            System.setProperty(NodeToken.PROPERTY, readSecret(tokenFile));
        }

        String jdbcUrl = startMetadata(pg, osUser);
        String metadataPassword = readSecret(dataDir.resolve("metadata").resolve("password"));

        List<String> walUrls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "wal-" + i;
            int port = options.walBasePort() == 0 ? LoopbackPorts.free() : options.walBasePort() + i;
            progress("starting WAL node %s on port %d (%d/3)", name, port, i + 1);
            started(run(
                    WalNodeApplication.builder(),
                    "--server.port=" + port,
                    "--xenon.wal-node.name=" + name,
                    "--xenon.wal-node.data-dir=" + dataDir.resolve(name),
                    "--spring.application.name=" + name,
                    NO_API_DOCS,
                    NO_SWAGGER_UI));
            walUrls.add("http://127.0.0.1:" + port);
        }

        int storagePort = options.storagePort() == 0 ? LoopbackPorts.free() : options.storagePort();
        progress("starting the storage node on port %d (remote storage: %s)", storagePort, dataDir.resolve("remote"));
        started(run(
                StorageNodeApplication.builder(),
                "--server.port=" + storagePort,
                "--xenon.storage-node.data-dir=" + dataDir.resolve("storage-node"),
                "--xenon.storage-node.wal-nodes=" + String.join(",", walUrls),
                "--xenon.storage-node.remote.kind=local",
                "--xenon.storage-node.remote.local-path=" + dataDir.resolve("remote"),
                NO_API_DOCS,
                NO_SWAGGER_UI));

        Path apiKeyFile = dataDir.resolve("api-key");
        String apiKey = options.bootstrapApiKey();
        if (apiKey == null && Files.exists(apiKeyFile)) {
            apiKey = readSecret(apiKeyFile);
        } else if (apiKey == null) {
            apiKey = generateApiKey();
            // shown once, on the terminal of whoever started the platform; kept in the 0600 file
            progress("generated the API key of %s: %s (saved in %s)", BOOTSTRAP_USER, apiKey, apiKeyFile);
        }
        writeSecret(apiKeyFile, apiKey);

        // the shared secret of console-app's internal API (the proxy's wake calls), new at every start
        String internalToken = generateApiKey();
        progress("starting console-app on port %d", options.httpPort());
        started(run(
                ConsoleApplication.builder(),
                "--server.port=" + options.httpPort(),
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + METADATA_USER,
                "--spring.datasource.password=" + metadataPassword,
                "--xenon.data-dir=" + dataDir.resolve("console"),
                "--xenon.storage-node-url=http://127.0.0.1:" + storagePort,
                "--xenon.wal-nodes=" + String.join(",", walUrls),
                "--xenon.console.bootstrap-user-email=" + BOOTSTRAP_USER,
                "--xenon.console.bootstrap-api-key=" + apiKey,
                "--xenon.console.internal-token=" + internalToken,
                // plain TCP on the loopback address: no SNI, so connection URIs carry options=endpoint%3D...
                "--xenon.console.proxy-host=127.0.0.1",
                "--xenon.console.proxy-port=" + options.proxyPort(),
                "--xenon.console.proxy-routing=options"));
        String base = "http://127.0.0.1:" + options.httpPort();

        Path tlsDir = dataDir.resolve("proxy");
        String keystorePassword = proxyCertificate(tlsDir);
        progress(
                "starting the proxy on port %d (TLS with a self-signed certificate for 127.0.0.1 and *.localhost: "
                        + "sslrootcert=%s; plain connections allowed)",
                options.proxyPort(), tlsDir.resolve(CA_FILE));
        ConfigurableApplicationContext proxy = run(
                ProxyApplication.builder(),
                // the proxy's management port (metrics); clients use xenon.proxy.port
                "--server.port=0",
                "--xenon.proxy.port=" + options.proxyPort(),
                "--xenon.proxy.listen-address=127.0.0.1",
                "--xenon.proxy.console-url=" + base,
                "--xenon.proxy.internal-token=" + internalToken,
                "--xenon.proxy.tls-keystore=" + tlsDir.resolve(KEYSTORE_FILE),
                "--xenon.proxy.tls-keystore-password=" + keystorePassword,
                NO_API_DOCS,
                NO_SWAGGER_UI);
        started(proxy);
        int proxyPort = proxy.getBean(ProxyServer.class).port();
        return new Ready(base + "/", base + "/api/v2", "127.0.0.1:" + proxyPort, apiKey, apiKeyFile);
    }

    static final String KEYSTORE_FILE = "tls.p12";
    static final String CA_FILE = "ca.pem";

    /**
     * The proxy's self-signed certificate (EC P-256, ten years, for {@code 127.0.0.1}, {@code
     * localhost} and {@code *.localhost}), made once with the JDK's {@code keytool} into {@code
     * <dir>/tls.p12} (password in {@code keystore-password}, 0600) and exported as {@code ca.pem},
     * which clients pass as {@code sslrootcert}; later starts reuse it, so that file stays valid.
     * Returns the key store's password.
     */
    private static String proxyCertificate(Path dir) {
        Path keystore = dir.resolve(KEYSTORE_FILE);
        Path passwordFile = dir.resolve("keystore-password");
        try {
            Files.createDirectories(dir);
            if (Files.exists(keystore) && Files.exists(passwordFile) && Files.exists(dir.resolve(CA_FILE))) {
                return readSecret(passwordFile);
            }
            Files.deleteIfExists(keystore);
            String password = generateApiKey();
            writeSecret(passwordFile, password);
            keytool(
                    "-genkeypair",
                    "-alias",
                    "proxy",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=Xenon local proxy",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost,dns:*.localhost",
                    "-validity",
                    "3650",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password);
            Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "proxy",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password,
                    "-file",
                    dir.resolve(CA_FILE).toString());
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the proxy's certificate in " + dir, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The metadata Postgres: initdb on the first start, then start; returns its JDBC URL. */
    private String startMetadata(PostgresInstallation pg, PostgresOsUser osUser) {
        Path dir = options.dataDir().resolve("metadata");
        Path pgdata = dir.resolve("pgdata");
        Path passwordFile = dir.resolve("password");
        try {
            Files.createDirectories(dir);
            osUser.prepareDirectory(dir);
            if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
                progress("initdb of the metadata database (first start)");
                writeSecret(passwordFile, generateApiKey());
                PostgresProcess.initdb(pg, osUser, pgdata, METADATA_USER, readSecret(passwordFile), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        int port = LoopbackPorts.free();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        // TCP only: a socket path under a deep data directory would exceed the 107-byte limit
        settings.put("unix_socket_directories", "");
        settings.put("max_connections", "50");
        PostgresProcess postgres = new PostgresProcess(pg, osUser, pgdata, dir.resolve("postgres.log"), port, settings);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("stopped while starting");
            }
            metadata = postgres;
        }
        progress("starting the metadata database on port %d", port);
        postgres.start(Duration.ofSeconds(60));
        Properties props = new Properties();
        props.setProperty("user", METADATA_USER);
        props.setProperty("password", readSecret(passwordFile));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
                Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs =
                    s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + METADATA_DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("CREATE DATABASE " + METADATA_DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the metadata database: " + e.getMessage(), e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + METADATA_DATABASE;
    }

    /** Keeps a started part for {@link #close()}; a part that finished starting after close is closed at once. */
    private synchronized void started(ConfigurableApplicationContext context) {
        if (closed) {
            context.close();
            throw new IllegalStateException("stopped while starting");
        }
        contexts.add(context);
    }

    private static ConfigurableApplicationContext run(SpringApplicationBuilder app, String... args) {
        List<String> all = new ArrayList<>(
                List.of("--server.address=127.0.0.1", "--logging.level.root=WARN", "--logging.level.dev.xenon=INFO"));
        all.addAll(List.of(args));
        // Arguments, not default properties: those rank below each application's own yaml.
        return app.bannerMode(Banner.Mode.OFF).logStartupInfo(false).run(all.toArray(String[]::new));
    }

    /**
     * Stops the proxy, console-app (and with it the computes it runs), the storage node, the WAL
     * nodes, the metadata database.
     */
    @Override
    public synchronized void close() {
        closed = true;
        for (ConfigurableApplicationContext context : contexts.reversed()) {
            try {
                context.close();
            } catch (RuntimeException e) {
                System.err.println("xenon: stopping " + context.getId() + " failed: " + e.getMessage());
            }
        }
        contexts.clear();
        if (metadata != null) {
            progress("stopping the metadata database");
            metadata.stop(Duration.ofSeconds(30));
            metadata = null;
        }
        progress("stopped");
    }

    /** A new API key: 64 lowercase letters and digits from {@link SecureRandom}. */
    public static String generateApiKey() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder(64);
        for (int i = 0; i < 64; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    private static void writeSecret(Path file, String value) {
        try {
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String readSecret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static int port(Map<String, String> opts, Map<String, String> env, String option, String var, int def) {
        String value = opts.getOrDefault(option, env.get(var));
        if (value == null || value.isBlank()) {
            return def;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + option + " (or " + var + ") must be a port number, not '" + value + "'");
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            if (!List.of("data-dir", "http-port", "proxy-port", "wal-port", "storage-port")
                    .contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            opts.put(key, value);
        }
        return opts;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void progress(String format, Object... args) {
        System.out.printf("[xenon] " + format + "%n", args);
    }
}
