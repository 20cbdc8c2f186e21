package dev.xenon.console.project;

import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.console.system.ConsoleProperties;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * The Postgres major versions projects may use: the supported versions installed on this machine
 * (computes and the storage node run them), discovered once.
 */
@Component
public class PostgresVersions {

    private final ConsoleProperties console;
    private final Supplier<List<Integer>> installed = SingletonSupplier.of(() -> {
        try {
            return PostgresInstallation.discoverAll(null).stream()
                    .map(PostgresInstallation::majorVersion)
                    .filter(PostgresInstallation.SUPPORTED_MAJOR_VERSIONS::contains)
                    .distinct()
                    .toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    });

    PostgresVersions(ConsoleProperties console) {
        this.console = console;
    }

    public List<Integer> available() {
        List<Integer> found = installed.get();
        return found.isEmpty() ? PostgresInstallation.SUPPORTED_MAJOR_VERSIONS : found;
    }

    /** {@code xenon.console.default-pg-version}, else the newest available. */
    public int defaultVersion() {
        if (console.defaultPgVersion() != null) {
            return console.defaultPgVersion();
        }
        return available().stream().max(Integer::compare).orElseThrow();
    }
}
