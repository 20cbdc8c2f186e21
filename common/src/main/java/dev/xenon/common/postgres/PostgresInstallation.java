package dev.xenon.common.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One installation of the PostgreSQL server binaries: a {@code bin} directory holding
 * {@code postgres}, {@code initdb} and {@code pg_ctl}, and the major version they report.
 *
 * <p>Discovery order ({@link #discover}): an explicitly configured bin directory, the bin
 * directory {@code pg_config --bindir} reports, then the usual install folders: Debian/Ubuntu
 * {@code /usr/lib/postgresql/<major>/bin}, Homebrew {@code /opt/homebrew/opt/postgresql@<major>/bin}
 * and {@code /usr/local/opt/postgresql@<major>/bin}, PGDG RPM {@code /usr/pgsql-<major>/bin}.
 */
public record PostgresInstallation(Path binDir, int majorVersion, String versionString) {

    /** Major versions Xenon supports. */
    public static final List<Integer> SUPPORTED_MAJOR_VERSIONS = List.of(15, 16, 17);

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    public Path tool(String name) {
        return binDir.resolve(name);
    }

    /**
     * Every installation found, newest major first. {@code configuredBinDir} (may be null) is
     * checked first and must hold a working {@code postgres} if given.
     */
    public static List<PostgresInstallation> discoverAll(Path configuredBinDir) {
        Set<Path> candidates = new LinkedHashSet<>();
        if (configuredBinDir != null) {
            PostgresInstallation configured = probe(configuredBinDir)
                    .orElseThrow(() -> new PostgresNotFoundException("configured PostgreSQL bin directory "
                            + configuredBinDir + " holds no working 'postgres' binary"));
            return List.of(configured);
        }
        pgConfigBinDir().ifPresent(candidates::add);
        for (String parent : List.of("/usr/lib/postgresql", "/opt/homebrew/opt", "/usr/local/opt", "/usr")) {
            Path dir = Path.of(parent);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(p -> {
                            String n = p.getFileName().toString();
                            return parent.equals("/usr/lib/postgresql")
                                    || n.startsWith("postgresql")
                                    || n.startsWith("pgsql-");
                        })
                        .sorted()
                        .forEach(p -> candidates.add(p.resolve("bin")));
            } catch (IOException e) {
                // an unreadable folder holds nothing we can use
            }
        }
        List<PostgresInstallation> found = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path candidate : candidates) {
            Path real;
            try {
                real = candidate.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (seen.add(real)) {
                probe(real).ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparingInt(PostgresInstallation::majorVersion).reversed());
        return found;
    }

    /**
     * The installation to use: the configured bin directory, else the newest supported major found
     * (or exactly {@code wantedMajor} when that is not null).
     *
     * @throws PostgresNotFoundException saying what was searched and what to install
     */
    public static PostgresInstallation discover(Path configuredBinDir, Integer wantedMajor) {
        List<PostgresInstallation> all = discoverAll(configuredBinDir);
        return all.stream()
                .filter(i -> wantedMajor == null
                        ? SUPPORTED_MAJOR_VERSIONS.contains(i.majorVersion())
                        : i.majorVersion() == wantedMajor)
                .findFirst()
                .orElseThrow(() -> new PostgresNotFoundException("no PostgreSQL server "
                        + (wantedMajor == null ? SUPPORTED_MAJOR_VERSIONS.toString() : wantedMajor.toString())
                        + " found (searched: pg_config --bindir, /usr/lib/postgresql/*/bin, Homebrew, /usr/pgsql-*;"
                        + " found: " + all + "). Install one (Debian/Ubuntu: 'apt-get install postgresql-15',"
                        + " macOS: 'brew install postgresql@15') or set XENON_PG_BIN_DIR to its bin directory."));
    }

    /**
     * The default: {@code XENON_PG_BIN_DIR} (environment) or {@code xenon.pg.bin-dir} (system
     * property) when set, else discovery.
     */
    public static PostgresInstallation fromEnvironment(Integer wantedMajor) {
        String configured = System.getProperty("xenon.pg.bin-dir", System.getenv("XENON_PG_BIN_DIR"));
        return discover(configured == null || configured.isBlank() ? null : Path.of(configured), wantedMajor);
    }

    /** Runs {@code <dir>/postgres --version}; empty when that is not a working server binary. */
    public static Optional<PostgresInstallation> probe(Path binDir) {
        Path postgres = binDir.resolve("postgres");
        if (!Files.isExecutable(postgres) || !Files.isExecutable(binDir.resolve("initdb"))) {
            return Optional.empty();
        }
        return run(List.of(postgres.toString(), "--version")).flatMap(out -> {
            Matcher m = VERSION.matcher(out);
            return m.find()
                    ? Optional.of(new PostgresInstallation(binDir, Integer.parseInt(m.group(1)), out.strip()))
                    : Optional.empty();
        });
    }

    private static Optional<Path> pgConfigBinDir() {
        return run(List.of("pg_config", "--bindir"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Path::of);
    }

    private static Optional<String> run(List<String> command) {
        return ExternalCommand.tryRun(command, Duration.ofSeconds(10))
                .filter(ExternalCommand.Result::succeeded)
                .map(ExternalCommand.Result::output);
    }
}
