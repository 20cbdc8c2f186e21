package dev.xenon.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One WAL node as a child JVM (the wal-node classes must be on the classpath), with its own data
 * directory and HTTP port, for tests and benchmarks that kill and restart nodes.
 */
public final class WalNodeProcess implements AutoCloseable {

    public static final String MAIN_CLASS = "dev.xenon.walnode.WalNodeApplication";

    private final String name;
    private final Path dataDir;
    private final int port;
    private final JvmProcess jvm;

    public WalNodeProcess(String name, Path baseDir) {
        this(name, baseDir, JvmProcess.FAST_START);
    }

    /** With explicit JVM options, e.g. {@link JvmProcess#STEADY_STATE} for benchmarks. */
    public WalNodeProcess(String name, Path baseDir, List<String> jvmOptions) {
        this(name, baseDir, jvmOptions, List.of());
    }

    /** With JVM options and extra application arguments ({@code --xenon.wal-node.…=…}). */
    public WalNodeProcess(String name, Path baseDir, List<String> jvmOptions, List<String> extraArgs) {
        this.name = name;
        this.dataDir = baseDir.resolve(name);
        this.port = FreePorts.next();
        this.jvm = new JvmProcess(
                name,
                MAIN_CLASS,
                jvmOptions,
                java.util.stream.Stream.concat(
                                Stream.of(
                                        "--server.port=" + port,
                                        "--server.address=127.0.0.1",
                                        "--xenon.wal-node.name=" + name,
                                        "--xenon.wal-node.data-dir=" + dataDir,
                                        "--spring.main.banner-mode=off"),
                                extraArgs.stream())
                        .toList(),
                baseDir.resolve(name + ".log"),
                URI.create("http://127.0.0.1:" + port + "/actuator/health"));
    }

    public WalNodeProcess start() {
        jvm.start(Duration.ofSeconds(90));
        return this;
    }

    public void stop() {
        jvm.stop();
    }

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

    public Path dataDir() {
        return dataDir;
    }

    /** Where the node keeps the WAL of a timeline. */
    public Path walDir(String timelineId) {
        return dataDir.resolve("timelines").resolve(timelineId).resolve("wal");
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
