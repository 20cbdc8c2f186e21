package dev.xenon.common.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a program (a Postgres tool, {@code id}, …) to completion, capturing stdout and stderr together. */
public final class ExternalCommand {

    private ExternalCommand() {}

    /** How a run ended; {@code finished} is false when it was killed at the timeout. */
    public record Result(int exitCode, String output, boolean finished) {
        public boolean succeeded() {
            return finished && exitCode == 0;
        }
    }

    public static Result run(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return new Result(-1, output, false);
        }
        return new Result(p.exitValue(), output, true);
    }

    /** The run, or empty when the program cannot be started or the thread is interrupted. */
    public static Optional<Result> tryRun(List<String> command, Duration timeout) {
        try {
            return Optional.of(run(command, Map.of(), timeout));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
