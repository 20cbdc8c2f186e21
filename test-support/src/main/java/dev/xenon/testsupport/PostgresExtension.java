package dev.xenon.testsupport;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension owning one {@link PostgresServer} for a test class; prints the server log
 * when a test fails.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = new PostgresExtension(b -> b.setting("wal_level", "replica"));
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    private final Consumer<PostgresServer.Builder> customizer;
    private PostgresServer server;

    public PostgresExtension() {
        this(b -> {});
    }

    public PostgresExtension(Consumer<PostgresServer.Builder> customizer) {
        this.customizer = customizer;
    }

    public PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("the Postgres server starts before all tests of the class");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        PostgresServer.Builder builder =
                PostgresServer.builder().name(context.getRequiredTestClass().getSimpleName());
        customizer.accept(builder);
        server = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (server != null) {
            System.err.println("---- log of " + server + " (test " + context.getDisplayName() + " failed) ----");
            System.err.println(server.log());
            System.err.println("---- end of log ----");
        }
    }
}
