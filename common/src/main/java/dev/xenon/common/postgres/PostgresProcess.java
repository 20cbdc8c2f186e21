package dev.xenon.common.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One stock Postgres server run as a child process of this JVM: {@code initdb}, start with extra
 * settings, fast stop, {@code kill -9}. Runs as the {@link PostgresOsUser} so it works when this
 * JVM is root. The server log goes to {@code logFile}.
 *
 * <p>Thread-safety: start/stop/kill are synchronized; one instance per data directory.
 */
public final class PostgresProcess {

    private final PostgresInstallation installation;
    private final PostgresOsUser osUser;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Map<String, String> settings;
    private Process process;

    public PostgresProcess(
            PostgresInstallation installation,
            PostgresOsUser osUser,
            Path dataDir,
            Path logFile,
            int port,
            Map<String, String> settings) {
        this.installation = installation;
        this.osUser = osUser;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
        this.settings = new LinkedHashMap<>(settings);
    }

    /**
     * Runs {@code initdb} into {@code dataDir} (which must not exist or be empty) with a superuser
     * that authenticates with SCRAM over TCP and trust over the local socket.
     */
    public static void initdb(
            PostgresInstallation installation,
            PostgresOsUser osUser,
            Path dataDir,
            String superuser,
            String password,
            boolean noSync) {
        Path parent = dataDir.toAbsolutePath().getParent();
        osUser.prepareDirectory(dataDir);
        Path pwfile = parent.resolve("." + dataDir.getFileName() + ".pw");
        try {
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            osUser.prepareDirectory(pwfile);
            List<String> command = new ArrayList<>(List.of(
                    installation.tool("initdb").toString(),
                    "-D",
                    dataDir.toString(),
                    "-U",
                    superuser,
                    "--pwfile=" + pwfile,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C"));
            if (noSync) {
                command.add("--no-sync");
            }
            runToCompletion(osUser.command(command), Duration.ofMinutes(2), "initdb of " + dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException ignored) {
                // best effort: the file lives in a directory only we and the Postgres user can read
            }
        }
    }

    /** Starts the server and waits until it accepts connections. */
    public synchronized void start(Duration timeout) {
        start(timeout, "database system is ready to accept connections");
    }

    /**
     * Starts the server and waits until its log shows {@code readyLine} (a hot standby logs {@code
     * database system is ready to accept read-only connections}).
     */
    public synchronized void start(Duration timeout, String readyLine) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Postgres on port " + port + " is already running");
        }
        List<String> command = new ArrayList<>(List.of(
                installation.tool("postgres").toString(), "-D", dataDir.toString(), "-p", Integer.toString(port)));
        for (Map.Entry<String, String> s : settings.entrySet()) {
            command.add("-c");
            command.add(s.getKey() + "=" + s.getValue());
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            process = new ProcessBuilder(osUser.command(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String log = readLogFrom(logStart);
                if (log.contains(readyLine)) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new PostgresStartException("Postgres on port " + port + " exited with code "
                            + process.exitValue() + " during start; log:\n" + log);
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new PostgresStartException(
                            "Postgres on port " + port + " not ready after " + timeout + "; log:\n" + log);
                }
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Postgres in " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresStartException("interrupted while starting Postgres in " + dataDir);
        }
    }

    /** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit). */
    public synchronized void stop(Duration timeout) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start()
                    .waitFor();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code kill -9} of the postmaster, as a crash would. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public PostgresInstallation installation() {
        return installation;
    }

    public PostgresOsUser osUser() {
        return osUser;
    }

    /** The whole server log so far (empty when there is none). */
    public String log() {
        return readLogFrom(0);
    }

    private String readLogFrom(long offset) {
        try (var channel = Files.newByteChannel(logFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= offset) {
                return "";
            }
            channel.position(offset);
            var buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 4 << 20));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // fill
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs a Postgres tool to completion; throws with its output when it fails. */
    public static String runToCompletion(List<String> command, Duration timeout, String what) {
        return runToCompletion(command, Map.of(), timeout, what);
    }

    /** As {@link #runToCompletion(List, Duration, String)}, with extra environment variables. */
    public static String runToCompletion(
            List<String> command, Map<String, String> environment, Duration timeout, String what) {
        try {
            ExternalCommand.Result result = ExternalCommand.run(command, environment, timeout);
            if (!result.finished()) {
                throw new PostgresStartException(what + " did not finish within " + timeout);
            }
            if (result.exitCode() != 0) {
                throw new PostgresStartException(
                        what + " failed with exit code " + result.exitCode() + ":\n" + result.output());
            }
            return result.output();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresStartException(what + " interrupted");
        }
    }
}
