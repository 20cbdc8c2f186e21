package dev.xenon.testsupport;

import dev.xenon.common.http.NodeToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The fault-injection harness: the whole local platform as real processes — a metadata Postgres,
 * three WAL nodes, the storage node with S3 (S3Proxy) as its remote storage, console-app and the
 * proxy, each a child JVM of its own (every Xenon class and S3Proxy must be on the caller's
 * classpath; the {@code local} module's tests have them all),
 * and the computes console-app starts as Postgres processes — so that a test can {@code kill -9},
 * {@code kill -STOP}/{@code -CONT} and restart any of them, wipe the storage node's disk, and cut
 * or slow the storage node's links to the WAL nodes ({@link FaultyLink}).
 *
 * <p>Every fault is written to {@link #faults()} with its time since the start, for the report of a
 * failing scenario. Secrets (node token, API key, metadata password, the internal token) reach the
 * children through their environment, never their command line.
 */
public final class ProcessPlatform implements AutoCloseable {

    public static final String CONSOLE_MAIN = "dev.xenon.console.ConsoleApplication";
    public static final String PROXY_MAIN = "dev.xenon.proxy.ProxyApplication";
    public static final String BOOTSTRAP_USER = "faults@localhost";
    /** S3Proxy's command line entry: the remote storage is an S3 endpoint in a process of its own. */
    public static final String S3PROXY_MAIN = "org.gaul.s3proxy.Main";

    public static final String BUCKET = "xenon-layers";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** console-app holds Hibernate and the web console: more heap than a node. */
    private static final List<String> CONSOLE_JVM =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx384m");

    private final Path baseDir;
    private final long startedAt = System.nanoTime();
    private final List<String> faults = new CopyOnWriteArrayList<>();
    /**
     * This JVM's node token when it has one (another platform of the same test JVM set it), else a
     * new one set as the system property, so this JVM's node clients ({@code WalNodeClient}, {@code
     * StorageNodeClient}) reach the children too.
     */
    private final String nodeToken = NodeToken.current().orElseGet(() -> {
        String token = secret();
        System.setProperty(NodeToken.PROPERTY, token);
        return token;
    });

    private final String apiKey = "xenon_" + secret();
    private final String internalToken = secret();
    private final PostgresServer metadata;
    private final List<WalNodeProcess> walNodes = new ArrayList<>();
    private final List<FaultyLink> storageLinks = new ArrayList<>();
    private final StorageNodeProcess storageNode;
    private final JvmProcess console;
    private final int consolePort = FreePorts.next();
    private final JvmProcess proxy;
    private final int proxyPort = FreePorts.next();
    private final JvmProcess s3;
    private final int s3Port = FreePorts.next();
    private final String s3AccessKey = "xenon-faults";
    private final String s3SecretKey = secret();

    private ProcessPlatform(Path baseDir, PostgresServer metadata) {
        this.baseDir = baseDir;
        this.metadata = metadata;
        for (String name : XenonNodes.WAL_NODE_NAMES) {
            WalNodeProcess node = new WalNodeProcess(name, baseDir, JvmProcess.FAST_START, XenonNodes.NODE_ARGS);
            node.jvm().environment("XENON_NODE_TOKEN", nodeToken);
            walNodes.add(node);
        }
        List<String> walUrls = walNodes.stream().map(WalNodeProcess::url).toList();
        // the storage node reads WAL through links a scenario can cut or slow down
        for (WalNodeProcess node : walNodes) {
            URI url = URI.create(node.url());
            storageLinks.add(new FaultyLink("storage-node→" + node.name(), url.getHost(), url.getPort()));
        }
        s3 = s3Process(baseDir);
        List<String> storageArgs = new ArrayList<>(XenonNodes.NODE_ARGS);
        storageArgs.addAll(List.of(
                "--xenon.storage-node.remote.kind=s3",
                "--xenon.storage-node.remote.s3.bucket=" + BUCKET,
                "--xenon.storage-node.remote.s3.prefix=faults",
                "--xenon.storage-node.remote.s3.endpoint=http://127.0.0.1:" + s3Port,
                "--xenon.storage-node.remote.s3.path-style=true",
                "--xenon.storage-node.remote.s3.access-key=" + s3AccessKey));
        storageNode = new StorageNodeProcess(
                "storage-node",
                baseDir,
                storageLinks.stream().map(l -> "http://127.0.0.1:" + l.port()).toList(),
                JvmProcess.FAST_START,
                storageArgs);
        storageNode.jvm().environment("XENON_STORAGENODE_REMOTE_S3_SECRETKEY", s3SecretKey);
        storageNode.jvm().environment("XENON_NODE_TOKEN", nodeToken);
        console = new JvmProcess(
                "console-app",
                CONSOLE_MAIN,
                CONSOLE_JVM,
                List.of(
                        "--server.port=" + consolePort,
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--spring.datasource.url=" + metadata.jdbcUrl("xenon_console"),
                        "--spring.datasource.username=" + metadata.superuser(),
                        "--xenon.data-dir=" + baseDir.resolve("console"),
                        "--xenon.storage-node-url=" + storageNode.url(),
                        "--xenon.wal-nodes=" + String.join(",", walUrls),
                        "--xenon.console.bootstrap-user-email=" + BOOTSTRAP_USER,
                        "--xenon.console.proxy-host=127.0.0.1",
                        "--xenon.console.proxy-port=" + proxyPort,
                        "--xenon.console.proxy-routing=options",
                        // a scenario's operations retry quickly rather than after production back-offs
                        "--xenon.console.operation-retry-delay=200ms",
                        "--xenon.console.operation-max-retry-delay=2s"),
                baseDir.resolve("console-app.log"),
                URI.create("http://127.0.0.1:" + consolePort + "/actuator/health"));
        console.environment("XENON_NODE_TOKEN", nodeToken)
                .environment("XENON_CONSOLE_DB_PASSWORD", metadata.password())
                .environment("XENON_BOOTSTRAP_API_KEY", apiKey)
                .environment("XENON_CONSOLE_INTERNALTOKEN", internalToken);
        int proxyManagementPort = FreePorts.next();
        proxy = new JvmProcess(
                "proxy",
                PROXY_MAIN,
                JvmProcess.FAST_START,
                List.of(
                        "--server.port=" + proxyManagementPort,
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--xenon.proxy.port=" + proxyPort,
                        "--xenon.proxy.listen-address=127.0.0.1",
                        "--xenon.proxy.console-url=http://127.0.0.1:" + consolePort),
                baseDir.resolve("proxy.log"),
                URI.create("http://127.0.0.1:" + proxyManagementPort + "/actuator/health"));
        proxy.environment("XENON_INTERNAL_TOKEN", internalToken);
    }

    /** Starts everything, in parallel, under a new directory of {@link TestDirectories}. */
    public static ProcessPlatform start() {
        Path baseDir = TestDirectories.create("xenon-faults");
        PostgresServer metadata =
                PostgresServer.builder().name("faults-metadata").start();
        ProcessPlatform platform;
        try (Connection c = metadata.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE xenon_console");
            platform = new ProcessPlatform(baseDir, metadata);
        } catch (SQLException | RuntimeException e) {
            metadata.close();
            throw new IllegalStateException("cannot prepare the metadata database: " + e.getMessage(), e);
        }
        try {
            // all at once: none needs another to start (console-app calls the nodes per operation,
            // the proxy calls console-app per connection)
            platform.s3.start(START_TIMEOUT);
            List<CompletableFuture<?>> starts = new ArrayList<>();
            platform.walNodes.forEach(n -> starts.add(CompletableFuture.runAsync(n::start)));
            starts.add(CompletableFuture.runAsync(platform.storageNode::start));
            starts.add(CompletableFuture.runAsync(() -> platform.console.start(START_TIMEOUT)));
            starts.add(CompletableFuture.runAsync(() -> platform.proxy.start(START_TIMEOUT)));
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            platform.fault("platform started under %s", baseDir);
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    // ---- where things are

    /** The REST API v2 base URL, e.g. {@code http://127.0.0.1:PORT/api/v2}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + consolePort + "/api/v2";
    }

    /** The bootstrap user's API key. */
    public String apiKey() {
        return apiKey;
    }

    public int proxyPort() {
        return proxyPort;
    }

    /** A pgjdbc URL through the proxy to an endpoint (options routing, plain TCP). */
    public String jdbcUrl(String endpointId, String database) {
        return "jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database + "?options=endpoint%3D" + endpointId
                + "&sslmode=disable";
    }

    public String nodeToken() {
        return nodeToken;
    }

    /** Every secret the platform was given (node token, API key, internal token, metadata password): never to be logged. */
    public List<String> secrets() {
        return List.of(nodeToken, apiKey, internalToken, metadata.password(), s3SecretKey);
    }

    /**
     * Every log file the platform's processes wrote under {@link #baseDir()}: the JVMs' and the
     * computes' Postgres logs.
     */
    public List<Path> logFiles() {
        try (Stream<Path> files = Files.walk(baseDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .filter(Files::isRegularFile)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<WalNodeProcess> walNodes() {
        return List.copyOf(walNodes);
    }

    public WalNodeProcess walNode(int i) {
        return walNodes.get(i);
    }

    public StorageNodeProcess storageNode() {
        return storageNode;
    }

    public JvmProcess console() {
        return console;
    }

    public JvmProcess proxy() {
        return proxy;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** The control plane's metadata database (superuser), e.g. to find a branch's timeline id. */
    public Connection metadata() throws SQLException {
        return metadata.connect("xenon_console");
    }

    // ---- faults

    /** {@code kill -9} of a WAL node. */
    public void killWalNode(int i) {
        fault("kill -9 %s", walNodes.get(i).name());
        walNodes.get(i).kill();
    }

    /** Starts a WAL node again on its port and data directory. */
    public void restartWalNode(int i) {
        fault("start %s", walNodes.get(i).name());
        walNodes.get(i).start();
        fault("%s ready", walNodes.get(i).name());
    }

    /** {@code kill -STOP} of a WAL node: it hangs with its sockets open. */
    public void pauseWalNode(int i) {
        fault("kill -STOP %s", walNodes.get(i).name());
        walNodes.get(i).jvm().pause();
    }

    public void resumeWalNode(int i) {
        fault("kill -CONT %s", walNodes.get(i).name());
        walNodes.get(i).jvm().resume();
    }

    /** Cuts the storage node off from every WAL node (connections reset, new ones closed). */
    public void cutStorageNodeFromWalNodes() {
        fault("cut storage-node ↔ WAL nodes");
        storageLinks.forEach(FaultyLink::cut);
    }

    /** Slows every byte between the storage node and the WAL nodes by {@code delay} per chunk. */
    public void delayStorageNodeToWalNodes(Duration delay) {
        fault("delay storage-node ↔ WAL nodes by %d ms", delay.toMillis());
        storageLinks.forEach(l -> l.delay(delay));
    }

    public void healStorageNodeLinks() {
        fault("heal storage-node ↔ WAL nodes");
        storageLinks.forEach(FaultyLink::heal);
    }

    /** {@code kill -9} of the storage node. */
    public void killStorageNode() {
        fault("kill -9 storage-node");
        storageNode.kill();
    }

    /**
     * Deletes the storage node's whole local disk (layer cache, metadata), as a replaced machine
     * would have it; its remote storage (the stand-in for S3) stays. The node must be down.
     */
    public void wipeStorageNodeDisk() {
        if (storageNode.isRunning()) {
            throw new IllegalStateException("stop or kill the storage node before wiping its disk");
        }
        fault("rm -rf %s", storageNode.dataDir());
        TestDirectories.deleteRecursively(storageNode.dataDir());
    }

    public void restartStorageNode() {
        fault("start storage-node");
        storageNode.start();
        fault("storage-node ready");
    }

    /** {@code kill -9} of console-app (its computes, Postgres processes, live on as orphans). */
    public void killConsole() {
        fault("kill -9 console-app");
        console.kill();
    }

    public void restartConsole() {
        fault("start console-app");
        console.start(START_TIMEOUT);
        fault("console-app ready");
    }

    public void killProxy() {
        fault("kill -9 proxy");
        proxy.kill();
    }

    public void restartProxy() {
        fault("start proxy");
        proxy.start(START_TIMEOUT);
        fault("proxy ready");
    }

    /** The postmaster of an endpoint's compute, when one runs (from its {@code postmaster.pid}). */
    public Optional<ProcessHandle> compute(String endpointId) {
        Path pidFile = computeDir(endpointId).resolve("pgdata").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8)
                    .getFirst()
                    .strip();
            return ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code kill -9} of an endpoint's postmaster (its backends lose their parent and exit). */
    public void killCompute(String endpointId) {
        ProcessHandle postmaster =
                compute(endpointId).orElseThrow(() -> new IllegalStateException("no compute runs for " + endpointId));
        fault("kill -9 compute %s (pid %d)", endpointId, postmaster.pid());
        Signals.send(postmaster.pid(), "KILL");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (postmaster.isAlive() && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    /**
     * S3Proxy over a directory ({@code <base>/s3}, bucket {@link #BUCKET}), checking AWS V2/V4
     * signatures made with this platform's key — the storage node's remote storage, as S3 is in
     * production. Its properties file (0600) holds the secret.
     */
    private JvmProcess s3Process(Path baseDir) {
        Path dir = baseDir.resolve("s3");
        Path properties = baseDir.resolve("s3proxy.properties");
        try {
            Files.createDirectories(dir.resolve(BUCKET));
            Files.writeString(
                    properties,
                    String.join(
                            "\n",
                            "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + s3AccessKey,
                            "s3proxy.credential=" + s3SecretKey,
                            "jclouds.provider=filesystem-nio2",
                            "jclouds.identity=" + s3AccessKey,
                            "jclouds.credential=" + s3SecretKey,
                            "jclouds.filesystem.basedir=" + dir,
                            ""),
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(
                    properties, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare S3Proxy under " + dir, e);
        }
        return new JvmProcess(
                        "s3",
                        S3PROXY_MAIN,
                        JvmProcess.FAST_START,
                        List.of("--properties", properties.toString()),
                        baseDir.resolve("s3.log"),
                        URI.create("http://127.0.0.1:" + s3Port + "/"))
                .readyOnAnyAnswer();
    }

    /** The objects S3 holds for the storage node (their keys under the bucket), e.g. to show a rebuild read them. */
    public List<String> s3Objects() {
        Path bucket = baseDir.resolve("s3").resolve(BUCKET);
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> bucket.relativize(f).toString())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where console-app's local driver keeps an endpoint's compute. */
    public Path computeDir(String endpointId) {
        return baseDir.resolve("console").resolve("computes").resolve(endpointId);
    }

    /** Records an event of the scenario (a fault, a phase) with the time since the start. */
    public void fault(String format, Object... args) {
        String line = String.format("t+%6.1fs %s", (System.nanoTime() - startedAt) / 1e9, String.format(format, args));
        faults.add(line);
        System.out.println("[faults] " + line);
    }

    public List<String> faults() {
        return List.copyOf(faults);
    }

    /** The tail of every process's log and the fault log, for a failing scenario's report. */
    public String report() {
        StringBuilder out = new StringBuilder("---- faults ----\n");
        faults.forEach(f -> out.append(f).append('\n'));
        Stream.concat(
                        walNodes.stream().map(n -> new String[] {n.name(), n.log()}),
                        Stream.of(
                                new String[] {"storage-node", storageNode.log()},
                                new String[] {"console-app", console.log()},
                                new String[] {"proxy", proxy.log()}))
                .forEach(l -> out.append("---- ")
                        .append(l[0])
                        .append(" (tail) ----\n")
                        .append(tail(l[1], 80))
                        .append('\n'));
        return out.toString();
    }

    /**
     * Stops the proxy, console-app and its computes, the nodes, the metadata database, and deletes
     * their data; logs stay ({@link #logFiles()}).
     */
    @Override
    public void close() {
        proxy.kill();
        // console-app stops its computes on a clean shutdown; an orphan of a killed one is stopped here
        console.stop();
        stopOrphanComputes();
        storageNode.kill();
        walNodes.forEach(WalNodeProcess::kill);
        s3.kill();
        storageLinks.forEach(FaultyLink::close);
        metadata.close();
        TestDirectories.deleteAllButLogs(baseDir);
    }

    private void stopOrphanComputes() {
        Path computes = baseDir.resolve("console").resolve("computes");
        if (!Files.isDirectory(computes)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(computes)) {
            dirs.map(d -> compute(d.getFileName().toString()))
                    .flatMap(Optional::stream)
                    .forEach(ProcessHandle::destroyForcibly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String log, int lines) {
        String[] all = log.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private static String secret() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
