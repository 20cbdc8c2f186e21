package dev.xenon.console.compute.local;

import dev.xenon.common.postgres.PostgresInstallation;
import dev.xenon.common.postgres.PostgresOsUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.postgresql.util.PasswordUtil;

/**
 * Gives a started compute the platform's roles, over its private Unix socket with {@code psql} as
 * {@value ComputeConfiguration#ADMIN_ROLE} (trusted there): the admin role gets the endpoint's
 * admin password, the replication role is created or given its password.
 *
 * <p>Passwords go to Postgres only as SCRAM-SHA-256 verifiers computed here, and only through
 * {@code psql}'s standard input: never on a command line, never in plain text in a server log.
 * The statements run with {@code synchronous_commit=local}: their commits must not wait for WAL
 * nodes, which log in as the very role being set up.
 */
public final class RoleSetup {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** {@code psql} failed; the message holds its output (verifiers masked). */
    static final class RoleSetupException extends RuntimeException {
        RoleSetupException(String message) {
            super(message);
        }
    }

    private RoleSetup() {}

    /** The SQL that sets up both roles, with verifiers instead of passwords. */
    public static String sql(String adminPassword, String replicatorPassword) {
        String admin = quoteIdentifier(ComputeConfiguration.ADMIN_ROLE);
        String replicator = quoteIdentifier(ComputeConfiguration.REPLICATION_ROLE);
        String adminVerifier = quoteLiteral(PasswordUtil.encodeScramSha256(adminPassword.toCharArray()));
        String replicatorVerifier = quoteLiteral(PasswordUtil.encodeScramSha256(replicatorPassword.toCharArray()));
        return """
                SET synchronous_commit = local;
                ALTER ROLE %1$s WITH SUPERUSER LOGIN PASSWORD %2$s;
                DO $xenon$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = %3$s) THEN
                        ALTER ROLE %4$s WITH NOSUPERUSER LOGIN REPLICATION PASSWORD %5$s;
                    ELSE
                        CREATE ROLE %4$s WITH NOSUPERUSER LOGIN REPLICATION PASSWORD %5$s;
                    END IF;
                END
                $xenon$;
                """.formatted(
                        admin,
                        adminVerifier,
                        quoteLiteral(ComputeConfiguration.REPLICATION_ROLE),
                        replicator,
                        replicatorVerifier);
    }

    /** Runs {@link #sql} on the compute listening on {@code socketDir} and {@code port}. */
    static void apply(
            PostgresInstallation installation,
            PostgresOsUser osUser,
            Path socketDir,
            int port,
            String adminPassword,
            String replicatorPassword) {
        List<String> command = osUser.command(List.of(
                installation.tool("psql").toString(),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                socketDir.toString(),
                "-p",
                Integer.toString(port),
                "-U",
                ComputeConfiguration.ADMIN_ROLE,
                "-d",
                "postgres",
                "-f",
                "-"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGOPTIONS", "-c synchronous_commit=local");
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        builder.environment().put("LC_ALL", "C");
        builder.environment().remove("PGPASSWORD");
        try {
            Process psql = builder.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(cannot read psql's output: " + e.getMessage() + ")";
                }
            });
            try (OutputStream in = psql.getOutputStream()) {
                in.write(sql(adminPassword, replicatorPassword).getBytes(StandardCharsets.UTF_8));
            }
            if (!psql.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                psql.destroyForcibly();
                throw new RoleSetupException("psql did not finish setting up roles within " + TIMEOUT);
            }
            if (psql.exitValue() != 0) {
                throw new RoleSetupException("psql failed to set up roles " + ComputeConfiguration.ADMIN_ROLE + " and "
                        + ComputeConfiguration.REPLICATION_ROLE + " (exit code " + psql.exitValue() + "):\n"
                        + mask(output.join()));
            }
        } catch (IOException e) {
            throw new RoleSetupException("cannot run psql of " + installation.binDir() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoleSetupException("interrupted while setting up roles");
        }
    }

    /** The output with SCRAM verifiers replaced by {@code ***}. */
    static String mask(String output) {
        return output.replaceAll("SCRAM-SHA-256\\$[^'\\s]*", "***");
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
