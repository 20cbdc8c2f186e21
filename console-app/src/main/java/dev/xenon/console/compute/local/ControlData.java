package dev.xenon.console.compute.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.postgres.ExternalCommand;
import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code pg_controldata} says about a stopped data directory that matters for reusing it: was
 * it shut down cleanly, and where does its last checkpoint record start.
 *
 * @param state {@code Database cluster state}, e.g. {@code shut down}, {@code in production}
 * @param latestCheckpoint {@code Latest checkpoint location}: the start of the last checkpoint
 *     record (after a clean shutdown, the last record of the WAL)
 */
record ControlData(String state, Lsn latestCheckpoint) {

    boolean isShutDown() {
        return state.equals("shut down");
    }

    /** Parses {@code pg_controldata}'s output (run with {@code LC_ALL=C}); empty when a field is missing. */
    static Optional<ControlData> parse(String output) {
        String state = null;
        Lsn checkpoint = null;
        for (String line : output.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("Database cluster state")) {
                state = value;
            } else if (key.equals("Latest checkpoint location")) {
                checkpoint = Lsn.parse(value);
            }
        }
        return state == null || checkpoint == null ? Optional.empty() : Optional.of(new ControlData(state, checkpoint));
    }

    /** Runs {@code pg_controldata} on {@code dataDir}; empty when it fails. */
    static Optional<ControlData> read(PostgresInstallation installation, PostgresOsUser osUser, Path dataDir) {
        try {
            ExternalCommand.Result result = ExternalCommand.run(
                    osUser.command(List.of(installation.tool("pg_controldata").toString(), "-D", dataDir.toString())),
                    Map.of("LC_ALL", "C", "LANG", "C"),
                    Duration.ofSeconds(30));
            return result.succeeded() ? parse(result.output()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
