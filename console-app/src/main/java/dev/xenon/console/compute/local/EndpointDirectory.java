package dev.xenon.console.compute.local;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.postgres.PostgresOsUser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory of one endpoint's local compute, {@code <xenon.data-dir>/computes/<endpoint-id>/}
 * (mode {@code 0700}, owned by the Postgres OS user):
 *
 * <pre>
 *   endpoint.properties    what outlives a compute (mode 0600, see {@link State}):
 *                            port=25432                      the endpoint's port, reused at each start
 *                            replicator-password=…           of the replication role (a secret)
 *                            clean-stop-timeline=…           present only after a clean stop:
 *                            clean-stop-lsn=0/1A2B3C4        the data directory ends exactly there,
 *                            clean-stop-pg-version=16        and the storage node ingested up to it
 *   pgdata/                the data directory (Postgres OS user, 0700)
 *   postgres.log           the server log of every start (rotated to postgres.log.1 at 10 MiB)
 *   socket/                the private Unix socket directory (Postgres OS user, 0700); when its
 *                          socket path would exceed the 107 bytes of sun_path, it is
 *                          {@code <java.io.tmpdir>/xenon-<hash of this directory>/} instead
 * </pre>
 *
 * <p>The state file is replaced atomically (write to a temporary file, rename). Thread-safety: none;
 * the driver holds the endpoint's lock while it uses the directory.
 */
final class EndpointDirectory {

    /** Endpoint ids become directory names: no separators, no dots, bounded length. */
    static final Pattern ENDPOINT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    static final String STATE_FILE = "endpoint.properties";
    /** {@code sizeof(sockaddr_un.sun_path)} on Linux minus the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final long LOG_ROTATE_BYTES = 10L << 20;

    /**
     * What the driver remembers of an endpoint between computes.
     *
     * @param port the endpoint's port (0: none yet)
     * @param replicatorPassword the replication role's password (null: none yet)
     * @param cleanStop where the last compute stopped cleanly; null when its data directory must
     *     not be reused
     */
    record State(int port, String replicatorPassword, CleanStop cleanStop) {
        static final State EMPTY = new State(0, null, null);

        State withPort(int newPort) {
            return new State(newPort, replicatorPassword, cleanStop);
        }

        State withReplicatorPassword(String password) {
            return new State(port, password, cleanStop);
        }

        State withCleanStop(CleanStop stop) {
            return new State(port, replicatorPassword, stop);
        }

        @Override
        public String toString() {
            return "State[port " + port + ", clean stop " + cleanStop + "]";
        }
    }

    /** A clean stop: the data directory of {@code timeline} ends at {@code lsn}, all of it committed. */
    record CleanStop(TimelineId timeline, Lsn lsn, int pgVersion) {}

    private final String endpointId;
    private final Path dir;

    private EndpointDirectory(String endpointId, Path dir) {
        this.endpointId = endpointId;
        this.dir = dir;
    }

    /** The directory of {@code endpointId} below {@code computesDir}; nothing is created. */
    static EndpointDirectory of(Path computesDir, String endpointId) {
        if (!ENDPOINT_ID.matcher(endpointId).matches()) {
            throw new IllegalArgumentException("endpoint id '" + endpointId + "' is not a valid directory name");
        }
        return new EndpointDirectory(
                endpointId, computesDir.toAbsolutePath().normalize().resolve(endpointId));
    }

    /** The endpoints that have a directory below {@code computesDir}. */
    static List<EndpointDirectory> all(Path computesDir) {
        if (!Files.isDirectory(computesDir)) {
            return List.of();
        }
        List<EndpointDirectory> all = new ArrayList<>();
        try (Stream<Path> children = Files.list(computesDir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (Files.isDirectory(child) && ENDPOINT_ID.matcher(name).matches()) {
                    all.add(of(computesDir, name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + computesDir, e);
        }
        return all;
    }

    /** Creates the directory (0700, handed to the Postgres OS user) if it does not exist. */
    EndpointDirectory create(PostgresOsUser osUser) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                osUser.prepareDirectory(dir);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    String endpointId() {
        return endpointId;
    }

    Path path() {
        return dir;
    }

    Path dataDir() {
        return dir.resolve("pgdata");
    }

    Path logFile() {
        return dir.resolve("postgres.log");
    }

    Path stateFile() {
        return dir.resolve(STATE_FILE);
    }

    boolean hasDataDirectory() {
        return Files.isRegularFile(dataDir().resolve("PG_VERSION"));
    }

    /** The remembered state, or {@link State#EMPTY} for an endpoint never started here. */
    State readState() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(stateFile(), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return State.EMPTY;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stateFile(), e);
        }
        try {
            int port = Integer.parseInt(p.getProperty("port", "0"));
            String password = p.getProperty("replicator-password");
            CleanStop stop = null;
            if (p.getProperty("clean-stop-lsn") != null) {
                stop = new CleanStop(
                        TimelineId.parse(p.getProperty("clean-stop-timeline")),
                        Lsn.parse(p.getProperty("clean-stop-lsn")),
                        Integer.parseInt(p.getProperty("clean-stop-pg-version")));
            }
            return new State(port, password, stop);
        } catch (RuntimeException e) {
            throw new IllegalStateException("malformed " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the state file atomically; it is readable by this process' user only. */
    void writeState(State state) {
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(state.port()));
        if (state.replicatorPassword() != null) {
            p.setProperty("replicator-password", state.replicatorPassword());
        }
        if (state.cleanStop() != null) {
            p.setProperty("clean-stop-timeline", state.cleanStop().timeline().toString());
            p.setProperty("clean-stop-lsn", state.cleanStop().lsn().toString());
            p.setProperty(
                    "clean-stop-pg-version", Integer.toString(state.cleanStop().pgVersion()));
        }
        StringWriter text = new StringWriter();
        try {
            p.store(text, "Xenon local compute of endpoint " + endpointId + " (written by the control plane)");
            Path tmp = dir.resolve(STATE_FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try (FileChannel out = FileChannel.open(
                    tmp,
                    java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                out.write(StandardCharsets.UTF_8.encode(text.toString()));
                out.force(true);
            }
            Files.move(tmp, stateFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile(), e);
        }
    }

    /**
     * The Unix socket directory for a compute on {@code port}, created (0700, Postgres OS user):
     * {@code socket/} when the socket's path fits into {@code sun_path}, else a directory under
     * {@code java.io.tmpdir} named after a hash of this directory.
     */
    Path prepareSocketDirectory(PostgresOsUser osUser, int port) {
        Path socketDir = socketDirectory(port);
        try {
            if (!Files.isDirectory(socketDir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(socketDir.getParent());
                Files.createDirectory(
                        socketDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            osUser.prepareDirectory(socketDir);
            return socketDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the socket directory " + socketDir, e);
        }
    }

    /** Where the socket directory of a compute on {@code port} is (see {@link #prepareSocketDirectory}). */
    Path socketDirectory(int port) {
        Path inside = dir.resolve("socket");
        if (fitsSocketPath(inside, port)) {
            return inside;
        }
        Path outside = Path.of(System.getProperty("java.io.tmpdir"))
                .toAbsolutePath()
                .resolve("xenon-" + shortHash(dir.toString()));
        if (!fitsSocketPath(outside, port)) {
            throw new IllegalStateException("no socket directory for " + endpointId + " fits into "
                    + MAX_SOCKET_PATH_BYTES + " bytes: " + inside + " and " + outside + " are too long");
        }
        return outside;
    }

    static boolean fitsSocketPath(Path socketDir, int port) {
        String socket = socketDir.toAbsolutePath() + "/.s.PGSQL." + port;
        return socket.getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
    }

    /** Moves a log of 10 MiB or more to {@code postgres.log.1} (replacing an older one). */
    void rotateLog() {
        try {
            if (Files.exists(logFile()) && Files.size(logFile()) >= LOG_ROTATE_BYTES) {
                Files.move(logFile(), dir.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate " + logFile(), e);
        }
    }

    /** The last {@code lines} lines of the server log (empty when there is none). */
    String logTail(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            long size = Files.size(logFile());
            long from = Math.max(0, size - 64 * 1024);
            String text;
            try (FileChannel in = FileChannel.open(logFile(), StandardOpenOption.READ)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - from));
                in.position(from);
                while (buffer.hasRemaining() && in.read(buffer) > 0) {
                    // fill
                }
                text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            }
            List<String> all = text.lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile() + ": " + e.getMessage() + ")";
        }
    }

    /** Deletes the data directory, if any. */
    void deleteDataDirectory() {
        deleteRecursively(dataDir());
    }

    /** The pid in {@code pgdata/postmaster.pid}, if that file exists. */
    Optional<Long> postmasterPid() {
        Path pidFile = dataDir().resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
