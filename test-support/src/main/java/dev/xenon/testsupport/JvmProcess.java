package dev.xenon.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class run as a child JVM with this JVM's classpath, so that a test can
 * {@code kill -9} it like a real node. Output goes to a log file; readiness is an HTTP URL that
 * answers 200.
 */
public final class JvmProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final URI readyUrl;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean readyOnAnyAnswer;
    private Process process;

    /** JVM options for a quick start: tests start many short-lived nodes. */
    public static final List<String> FAST_START =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx256m");

    /** JVM options for steady-state speed (benchmarks): full JIT. */
    public static final List<String> STEADY_STATE = List.of("-XX:+UseSerialGC", "-Xmx256m");

    public JvmProcess(
            String name, String mainClass, List<String> jvmOptions, List<String> args, Path logFile, URI readyUrl) {
        this.name = name;
        this.logFile = logFile;
        this.readyUrl = readyUrl;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
    }

    /**
     * An environment variable of the child, from its next start on: secrets go here rather than on
     * the command line, which every user of the machine can read.
     */
    public synchronized JvmProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Ready once the ready URL answers at all, whatever the status: for a server that wants
     * credentials on every request (an S3 endpoint answers 403 to an unsigned one).
     */
    public synchronized JvmProcess readyOnAnyAnswer() {
        readyOnAnyAnswer = true;
        return this;
    }

    /** Starts the JVM and waits until the ready URL answers 200 (see {@link #readyOnAnyAnswer()}). */
    public synchronized JvmProcess start(Duration timeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + log());
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(readyUrl)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 || readyOnAnyAnswer) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + name);
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " not ready after " + timeout + "; log:\n" + log());
    }

    /** SIGTERM and wait (a graceful shutdown). */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code kill -9}. */
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

    /** The process id of the running JVM. */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    /**
     * {@code kill -STOP}: the JVM stops dead, its sockets stay open and unanswered — a node that
     * hangs rather than crashes. {@link #resume()} continues it.
     */
    public void pause() {
        Signals.send(pid(), "STOP");
    }

    /** {@code kill -CONT} after {@link #pause()}. */
    public void resume() {
        Signals.send(pid(), "CONT");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
