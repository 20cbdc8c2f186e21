package dev.xenon.console.compute.local;

import dev.xenon.testsupport.JvmProcess;
import dev.xenon.testsupport.StorageNodeProcess;
import dev.xenon.testsupport.TestDirectories;
import dev.xenon.testsupport.WalNodeProcess;
import dev.xenon.testsupport.XenonNodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Three WAL nodes and a storage node as child JVMs, as {@link XenonNodes} starts them, but with
 * JDBC auto-configuration off: the children run on this module's test classpath, whose JPA and
 * Flyway starters would otherwise make them look for a database and fail to start. XenonNodes
 * passes that option itself from commit "test-support: XenonNodes starts its nodes without JDBC
 * auto-configuration" on; once that test-support is installed, use XenonNodes and delete this.
 */
final class DataPlaneNodes implements AutoCloseable {

    static final List<String> CHILD_ARGS = List.of(
            "--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");

    private final Path baseDir;
    private final List<WalNodeProcess> walNodes = new ArrayList<>();
    private final StorageNodeProcess storageNode;

    private DataPlaneNodes(Path baseDir) {
        this.baseDir = baseDir;
        for (String name : XenonNodes.WAL_NODE_NAMES) {
            walNodes.add(new WalNodeProcess(name, baseDir, JvmProcess.FAST_START, CHILD_ARGS));
        }
        storageNode = new StorageNodeProcess("storage-node", baseDir, walNodeUrls(), JvmProcess.FAST_START, CHILD_ARGS);
    }

    static DataPlaneNodes start() {
        DataPlaneNodes nodes = new DataPlaneNodes(TestDirectories.create("xenon-nodes"));
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

    List<String> walNodeUrls() {
        return walNodes.stream().map(WalNodeProcess::url).toList();
    }

    String storageNodeUrl() {
        return storageNode.url();
    }

    Path baseDir() {
        return baseDir;
    }

    /** The tail of every node's log, for a failing test's report. */
    String logs() {
        StringBuilder out = new StringBuilder();
        for (WalNodeProcess n : walNodes) {
            out.append("---- ")
                    .append(n.name())
                    .append(" ----\n")
                    .append(tail(n.log()))
                    .append('\n');
        }
        out.append("---- storage-node ----\n").append(tail(storageNode.log())).append('\n');
        return out.toString();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    @Override
    public void close() {
        storageNode.close();
        walNodes.forEach(WalNodeProcess::close);
    }
}
