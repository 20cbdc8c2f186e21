package dev.xenon.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code xenon}: the command-line tool of the REST API v2. Exit codes: 0 done, 1 not found or refused by the API
 * (or an operation failed), 2 usage or authentication (no key, a key the API refuses, a bad option).
 */
@Command(
        name = "xenon",
        mixinStandardHelpOptions = true,
        version = "xenon-cli 0.1.0",
        description = "Projects, branches, endpoints and connection strings of a Xenon (or Neon) API v2.",
        subcommands = {
            ProjectsCommand.class,
            BranchesCommand.class,
            EndpointsCommand.class,
            ConnectionStringCommand.class,
            PsqlCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:not found, refused by the API, or an operation failed",
            "2:usage or authentication error (no API key, key refused, bad option)"
        })
public final class Xenon extends Group {

    @Option(
            names = "--api-host",
            scope = ScopeType.INHERIT,
            description =
                    "API base URL (default: $XENON_API_HOST, credentials file, " + Credentials.DEFAULT_API_HOST + ")")
    String apiHost;

    @Option(
            names = "--api-key",
            scope = ScopeType.INHERIT,
            description = "API key (default: $XENON_API_KEY, $NEON_API_KEY, ~/.config/xenon/credentials.json,"
                    + " ~/.xenon/api-key)")
    String apiKey;

    @Option(
            names = {"-o", "--output"},
            scope = ScopeType.INHERIT,
            description = "table or json (default: ${DEFAULT-VALUE})")
    Output.Format output = Output.Format.table;

    @Option(
            names = "--timeout",
            scope = ScopeType.INHERIT,
            description = "seconds to wait for operations (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 300;

    final Map<String, String> env;
    final Path home;
    final PrintWriter out;
    final PrintWriter err;
    /** true for the real process: psql gets the terminal; false in tests: psql's output goes to {@link #out}. */
    final boolean inheritIo;

    private ApiClient client;

    Xenon(Map<String, String> env, Path home, PrintWriter out, PrintWriter err, boolean inheritIo) {
        this.env = env;
        this.home = home;
        this.out = out;
        this.err = err;
        this.inheritIo = inheritIo;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        int code = run(env, home, out, err, true, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; returns its exit code. */
    public static int run(
            Map<String, String> env, Path home, PrintWriter out, PrintWriter err, boolean inheritIo, String... args) {
        Xenon xenon = new Xenon(env, home, out, err, inheritIo);
        CommandLine cli = new CommandLine(xenon);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException c) {
                err.println("xenon: " + c.getMessage());
                return c.exitCode();
            }
            if (e instanceof ApiException a) {
                if (a.unauthorized()) {
                    err.println("xenon: the API refused the API key (401 " + a.code() + ") — check --api-key,"
                            + " XENON_API_KEY or the credentials file; key from "
                            + xenon.credentialsSourceOrUnknown() + ". " + a.getMessage());
                    return CliException.USAGE;
                }
                err.println("xenon: " + a.getMessage());
                return CliException.FAILURE;
            }
            throw e;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private String keySource;

    ApiClient client() {
        if (client == null) {
            Credentials credentials = Credentials.resolve(apiHost, apiKey, env, home);
            keySource = credentials.keySource();
            client = new ApiClient(credentials.apiHost(), credentials.apiKey(), Duration.ofSeconds(60));
        }
        return client;
    }

    private String credentialsSourceOrUnknown() {
        return keySource == null ? "?" : keySource;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
