package dev.xenon.common.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who Postgres processes run as. {@code initdb} and {@code postgres} refuse to run as root; when
 * Xenon itself runs as root (CI, a fresh container) it runs them as an unprivileged OS user
 * ({@code XENON_PG_OS_USER}, default {@code postgres}, which Debian's server package creates)
 * through {@code setpriv}, and hands that user the directories they use. As any other user,
 * Postgres runs as that same user and nothing changes.
 */
public final class PostgresOsUser {

    private static final PostgresOsUser SAME_USER = new PostgresOsUser(null, null);

    private final String user;
    private final String setpriv;

    private PostgresOsUser(String user, String setpriv) {
        this.user = user;
        this.setpriv = setpriv;
    }

    /** The user for this process: itself unless it is root, then the configured unprivileged user. */
    public static PostgresOsUser forCurrentProcess() {
        if (!isRoot()) {
            return SAME_USER;
        }
        String configured = System.getProperty("xenon.pg.os-user", System.getenv("XENON_PG_OS_USER"));
        String name = configured == null || configured.isBlank() ? "postgres" : configured.strip();
        if (!commandSucceeds(List.of("id", "-u", name))) {
            throw new PostgresNotFoundException("Postgres refuses to run as root, and Xenon is running as root."
                    + " It would run Postgres as OS user '" + name + "', but that user does not exist."
                    + " Create it ('useradd --system --create-home " + name + "'), set XENON_PG_OS_USER to an"
                    + " existing unprivileged user, or run Xenon as a non-root user.");
        }
        String setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElseThrow(() -> new PostgresNotFoundException("Postgres refuses to run as root, and Xenon is"
                        + " running as root without 'setpriv' (util-linux) to switch to user '" + name
                        + "'. Install util-linux or run Xenon as a non-root user."));
        return new PostgresOsUser(name, setpriv);
    }

    public static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (Throwable e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** True when Postgres runs as another user than this process. */
    public boolean switchesUser() {
        return user != null;
    }

    /** The OS user name Postgres runs as, or empty when it is this process' user. */
    public String name() {
        return user == null ? System.getProperty("user.name") : user;
    }

    /** The command, run as the Postgres OS user. */
    public List<String> command(List<String> command) {
        if (user == null) {
            return command;
        }
        List<String> wrapped =
                new ArrayList<>(List.of(setpriv, "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Creates {@code dir} (and parents) if it does not exist, and makes it (a directory and everything
     * below it, or a file) owned by the Postgres OS user; its parents are left as they are but must be
     * traversable.
     */
    public Path prepareDirectory(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
            }
            if (user == null) {
                return dir;
            }
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(
                            p, PosixFileAttributeView.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(owner);
                    view.setGroup(group);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + dir + " to OS user " + user, e);
        }
    }

    private static boolean commandSucceeds(List<String> command) {
        return ExternalCommand.tryRun(command, Duration.ofSeconds(10))
                .map(ExternalCommand.Result::succeeded)
                .orElse(false);
    }

    @Override
    public String toString() {
        return user == null ? "current user" : "OS user '" + user + "' via setpriv";
    }
}
