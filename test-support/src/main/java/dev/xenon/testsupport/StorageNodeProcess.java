package dev.xenon.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The storage node as a child JVM (the storage-node classes must be on the classpath), with its own
 * data directory (the local layer cache), its own HTTP port and a local directory as remote
 * storage ({@code remote.kind=local}), for tests and benchmarks that want it in a process of its
 * own: a separate heap and JIT, a JFR profile of its own, {@code kill -9}.
 *
 * <p>Its remote storage is {@link #remoteDir()}, outside the data directory, so what "S3" holds can
 * be told apart from the cache.
 */
public final class StorageNodeProcess implements AutoCloseable {

    public static final String MAIN_CLASS = "dev.xenon.storagenode.StorageNodeApplication";

    private final String name;
    private final Path dataDir;
    private final Path remoteDir;
    private final int port;
    private final JvmProcess jvm;

    /** Fast-start JVM options, no extra arguments. */
    public StorageNodeProcess(String name, Path baseDir, List<String> walNodeUrls) {
        this(name, baseDir, walNodeUrls, JvmProcess.FAST_START, List.of());
    }

    /**
     * @param walNodeUrls base URLs of the WAL nodes it reads committed WAL from
     * @param jvmOptions e.g. {@link JvmProcess#STEADY_STATE} for benchmarks
     * @param extraArgs more application arguments ({@code --xenon.storage-node.…=…}); one with the key
     *     of a default argument replaces it (e.g. {@code --xenon.storage-node.remote.kind=s3})
     */
    public StorageNodeProcess(
            String name, Path baseDir, List<String> walNodeUrls, List<String> jvmOptions, List<String> extraArgs) {
        this.name = name;
        this.dataDir = baseDir.resolve(name);
        this.remoteDir = baseDir.resolve(name + "-remote");
        this.port = FreePorts.next();
        this.jvm = new JvmProcess(
                name,
                MAIN_CLASS,
                jvmOptions,
                Stream.concat(
                                Stream.of(
                                                "--server.port=" + port,
                                                "--server.address=127.0.0.1",
                                                "--spring.main.banner-mode=off",
                                                "--xenon.storage-node.data-dir=" + dataDir,
                                                "--xenon.storage-node.wal-nodes=" + String.join(",", walNodeUrls),
                                                "--xenon.storage-node.remote.kind=local",
                                                "--xenon.storage-node.remote.local-path=" + remoteDir)
                                        // Spring joins a key given twice ("local,s3"): an extra argument replaces ours
                                        .filter(arg -> extraArgs.stream().noneMatch(extra -> sameKey(arg, extra))),
                                extraArgs.stream())
                        .toList(),
                baseDir.resolve(name + ".log"),
                URI.create("http://127.0.0.1:" + port + "/actuator/health"));
    }

    private static boolean sameKey(String arg, String other) {
        int eq = arg.indexOf('=');
        return eq > 0 && other.startsWith(arg.substring(0, eq + 1));
    }

    public StorageNodeProcess start() {
        jvm.start(Duration.ofSeconds(120));
        return this;
    }

    /** SIGTERM and wait (a graceful shutdown). */
    public void stop() {
        jvm.stop();
    }

    /** {@code kill -9}. */
    public void kill() {
        jvm.kill();
    }

    public boolean isRunning() {
        return jvm.isRunning();
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The local layer cache and scratch space. */
    public Path dataDir() {
        return dataDir;
    }

    /** The directory that serves as remote storage: {@code tenants/<tenant>/timelines/<timeline>/…}. */
    public Path remoteDir() {
        return remoteDir;
    }

    public String log() {
        return jvm.log();
    }

    /** The child JVM itself: its pid, {@code kill -STOP}/{@code -CONT}, its environment. */
    public JvmProcess jvm() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.kill();
    }

    @Override
    public String toString() {
        return name + "@" + url();
    }
}
