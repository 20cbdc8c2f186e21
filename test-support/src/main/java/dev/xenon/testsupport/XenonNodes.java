package dev.xenon.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The data plane for control-plane tests: three WAL nodes and a storage node, each a child JVM
 * (the wal-node and storage-node classes must be on the test classpath), started in parallel, the
 * storage node reading committed WAL from the three. {@link #close()} kills them all and deletes
 * their data (~1.4 GB after console-app's ITs); their logs stay under {@link #baseDir()}.
 */
public final class XenonNodes implements AutoCloseable {

    public static final List<String> WAL_NODE_NAMES = List.of("wal-0", "wal-1", "wal-2");

    /**
     * Arguments of every node: the children run on the caller's classpath, and console-app's (JPA,
     * Flyway) would make Spring Boot look for a database in them and fail their start.
     */
    static final List<String> NODE_ARGS = List.of(
            "--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");

    private final Path baseDir;
    private final List<WalNodeProcess> walNodes = new ArrayList<>();
    private final StorageNodeProcess storageNode;

    private XenonNodes(Path baseDir) {
        this.baseDir = baseDir;
        for (String name : WAL_NODE_NAMES) {
            walNodes.add(new WalNodeProcess(name, baseDir, JvmProcess.FAST_START, NODE_ARGS));
        }
        storageNode = new StorageNodeProcess("storage-node", baseDir, walNodeUrls(), JvmProcess.FAST_START, NODE_ARGS);
    }

    /** Starts three WAL nodes and a storage node under a new directory of {@link TestDirectories}. */
    public static XenonNodes start() {
        XenonNodes nodes = new XenonNodes(TestDirectories.create("xenon-nodes"));
        try {
            List<CompletableFuture<?>> starts = new ArrayList<>();
            nodes.walNodes.forEach(n -> starts.add(CompletableFuture.runAsync(n::start)));
            starts.add(CompletableFuture.runAsync(nodes.storageNode::start));
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            return nodes;
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    public List<WalNodeProcess> walNodes() {
        return List.copyOf(walNodes);
    }

    public List<String> walNodeUrls() {
        return walNodes.stream().map(WalNodeProcess::url).toList();
    }

    public StorageNodeProcess storageNode() {
        return storageNode;
    }

    public String storageNodeUrl() {
        return storageNode.url();
    }

    public Path baseDir() {
        return baseDir;
    }

    /** The tail of every node's log, for a failing test's report. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        for (WalNodeProcess n : walNodes) {
            out.append("---- ")
                    .append(n.name())
                    .append(" ----\n")
                    .append(n.log())
                    .append('\n');
        }
        out.append("---- storage-node ----\n").append(storageNode.log()).append('\n');
        return out.toString();
    }

    @Override
    public void close() {
        storageNode.close();
        walNodes.forEach(WalNodeProcess::close);
        TestDirectories.deleteAllButLogs(baseDir);
    }
}
