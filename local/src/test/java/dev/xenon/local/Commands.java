package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** External commands the ITs run (npm, neonctl, node, the actions' bash scripts, the launcher), and npm installs. */
final class Commands {

    private Commands() {}

    /** How a command ended. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Runs a command in {@code dir} with {@code env} added to this process' environment; fails on a timeout. */
    static Result run(Path dir, List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile("cmd", ".out");
        Path err = Files.createTempFile("cmd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            Result result = new Result(
                    done ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            assertThat(done)
                    .as("%s finished within %s: %s", command.subList(0, Math.min(2, command.size())), timeout, result)
                    .isTrue();
            return result;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command; returns its standard output; fails with both outputs on a non-zero exit. */
    static String runOk(Path dir, List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Result r = run(dir, command, env, timeout);
        assertThat(r.exitCode())
                .as("%s exit code; %s", String.join(" ", command.subList(0, Math.min(2, command.size()))), r)
                .isZero();
        return r.stdout();
    }

    /**
     * {@code npm install <name>@<version>} from the npm registry into {@code target/npm-<name>-<version>} once (later
     * runs reuse it); returns that prefix (its {@code node_modules} holds the package).
     */
    static Path npmInstall(String name, String version) throws IOException, InterruptedException {
        Path prefix = Path.of("target", "npm-" + name.replace('/', '-').replace("@", "") + "-" + version)
                .toAbsolutePath();
        Path marker = prefix.resolve("node_modules").resolve(name).resolve("package.json");
        if (!Files.isRegularFile(marker)) {
            runOk(
                    prefix.getParent(),
                    List.of(
                            "npm",
                            "install",
                            "--prefix",
                            prefix.toString(),
                            "--no-audit",
                            "--no-fund",
                            name + "@" + version),
                    Map.of(),
                    Duration.ofMinutes(5));
        }
        return prefix;
    }
}
