package dev.xenon.cli;

/**
 * A failure the tool reports in one line and turns into its exit code: {@link #USAGE} (2) for a usage or
 * authentication problem, {@link #FAILURE} (1) for anything not found or refused by the API.
 */
final class CliException extends RuntimeException {

    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    static CliException notFound(String message) {
        return new CliException(FAILURE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
