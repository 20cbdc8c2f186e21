package dev.xenon.storagenode;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the WAL nodes' and computes' logs when a test of a {@link StorageCluster} fails. */
final class StorageClusterLogsOnFailure implements TestWatcher {

    static volatile StorageCluster current;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        StorageCluster cluster = current;
        if (cluster != null) {
            System.err.println("==== logs of " + context.getDisplayName() + " ====\n" + cluster.logs());
        }
    }
}
