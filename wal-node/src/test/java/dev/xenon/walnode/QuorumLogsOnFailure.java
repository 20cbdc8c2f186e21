package dev.xenon.walnode;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints the WAL nodes' and the compute's logs when a quorum test fails (after the test method,
 * before {@code @AfterEach} deletes them).
 */
final class QuorumLogsOnFailure implements AfterTestExecutionCallback {

    static volatile WalQuorum current;

    @Override
    public void afterTestExecution(ExtensionContext context) {
        WalQuorum q = current;
        if (q != null && context.getExecutionException().isPresent()) {
            System.err.println("==== logs for failed " + context.getDisplayName() + " ====\n" + q.logs());
        }
    }
}
