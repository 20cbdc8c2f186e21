package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A physical replication connection to Postgres over the frontend/backend protocol v3: a raw
 * socket, TCP_NODELAY, a 1 MiB input buffer.
 *
 * <p>In command mode it runs simple queries and replication commands; {@link #startPhysical}
 * switches it to streaming, after which only the returned {@link ReplicationStream} uses it until
 * that stream ends with {@link WalMessage.EndOfStream#connectionUsable()}. {@link #baseBackup}
 * occupies it until it returns.
 *
 * <p>Thread-safety: commands must come from one thread at a time. {@link #close()} and {@link
 * ReplicationStream#sendStatus} may be called from any thread. After an I/O or protocol failure
 * the connection is closed; a {@link PgServerException} from a command leaves it usable.
 */
public final class PgReplicationConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgReplicationConnection.class);
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private enum State {
        READY,
        STREAMING,
        BASE_BACKUP,
        CLOSED
    }

    private final ConnectOptions options;
    private final Socket socket;
    private final MessageReader in;
    private final MessageWriter out;
    private final AuthMethod authMethod;
    private final Map<String, String> parameters;
    private final int backendPid;
    private volatile State state = State.READY;
    /** Keeps {@link ConnectOptions#streamReadTimeout()} while streaming; null otherwise. */
    private volatile ScheduledFuture<?> streamWatch;
    /** Set when the watchdog closed the connection because a stream read waited too long. */
    private volatile boolean streamTimedOut;

    private PgReplicationConnection(
            ConnectOptions options,
            Socket socket,
            MessageReader in,
            MessageWriter out,
            StartupHandshake.Outcome handshake) {
        this.options = options;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.authMethod = handshake.authMethod();
        this.parameters = new ConcurrentHashMap<>(handshake.parameters());
        this.backendPid = handshake.backendPid();
    }

    /**
     * Connects, starts a physical replication session and authenticates.
     *
     * @throws PgServerException when the server refuses (e.g. {@code 28P01} wrong password, {@code
     *     28000} no {@code pg_hba.conf} entry for replication)
     * @throws PgAuthenticationException when the client refuses to authenticate
     * @throws ConnectException when nothing listens at host:port
     * @throws SocketTimeoutException when the connection or an answer takes too long
     */
    public static PgReplicationConnection connect(ConnectOptions options) throws IOException {
        // A channel's socket: with SO_TIMEOUT 0 its reads are single blocking read(2) calls, which
        // is what a stream wants (see StreamWatchdog); a plain Socket stays non-blocking for good
        // once it has connected with a timeout.
        Socket socket = SocketChannel.open().socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            connectSocket(socket, options);
            socket.setSoTimeout((int) options.readTimeout().toMillis());
            MessageReader in =
                    new MessageReader(socket.getInputStream(), options.address(), MessageReader.DEFAULT_BUFFER_SIZE);
            MessageWriter out = new MessageWriter(socket.getOutputStream());
            StartupHandshake.Outcome outcome;
            try {
                outcome = new StartupHandshake(in, out, options).run();
            } catch (SocketTimeoutException e) {
                throw timeout("during startup and authentication", options, e);
            }
            return new PgReplicationConnection(options, socket, in, out, outcome);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * Runs {@code sql} with the simple query protocol and returns the result of its last statement.
     * On a replication connection, that is a replication command or {@code SHOW}.
     *
     * @throws PgServerException when the server answers with an error; the connection stays usable
     */
    public QueryResult simpleQuery(String sql) throws IOException {
        requireReady();
        try {
            out.sendQuery(sql);
            return readQueryResult();
        } catch (PgServerException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            fail();
            throw timeout("waiting for the answer to '" + sql + "'", options, e);
        } catch (IOException | RuntimeException e) {
            fail();
            throw e;
        }
    }

    /** {@code IDENTIFY_SYSTEM}. */
    public IdentifySystem identifySystem() throws IOException {
        QueryResult r = simpleQuery("IDENTIFY_SYSTEM");
        if (r.rows().size() != 1) {
            throw protocolFailure("IDENTIFY_SYSTEM returned " + r.rows().size() + " rows");
        }
        try {
            return new IdentifySystem(
                    r.value(0, "systemid"),
                    Integer.parseInt(r.value(0, "timeline")),
                    Lsn.parse(r.value(0, "xlogpos")),
                    r.columnIndex("dbname") < 0 ? null : r.value(0, "dbname"));
        } catch (RuntimeException e) {
            throw protocolFailure("IDENTIFY_SYSTEM returned an unexpected result " + r + ": " + e.getMessage());
        }
    }

    /**
     * {@code CREATE_REPLICATION_SLOT name PHYSICAL RESERVE_WAL}, unless a slot of that name exists.
     *
     * @param slotName 1 to 63 of {@code [a-z0-9_]}
     * @return true when the slot was created, false when it existed (SQLSTATE {@code 42710})
     * @throws IllegalArgumentException for an invalid slot name, before anything is sent
     */
    public boolean createPhysicalSlotIfMissing(String slotName) throws IOException {
        checkSlotName(slotName);
        try {
            simpleQuery("CREATE_REPLICATION_SLOT " + slotName + " PHYSICAL RESERVE_WAL");
            log.info("created physical replication slot {} on {}", slotName, options.address());
            return true;
        } catch (PgServerException e) {
            if ("42710".equals(e.sqlState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * {@code START_REPLICATION [SLOT name] PHYSICAL start [TIMELINE timeline]}: switches the
     * connection to streaming.
     *
     * @param slotNameOrNull the physical slot to stream from, or null for none
     * @param start where to start; Postgres streams from this exact position (walreceivers use a
     *     segment or page boundary)
     * @param timeline the timeline to stream, or 0 for the server's current one
     * @throws PgServerException when the server refuses (e.g. {@code 42704} unknown slot, a timeline
     *     not in the server's history); the connection stays usable. Some errors come only after the
     *     server has entered copy mode, from the first {@link ReplicationStream#read()}: a start
     *     ahead of the server's flush position, WAL already removed ({@code 58P01})
     */
    public ReplicationStream startPhysical(String slotNameOrNull, Lsn start, int timeline) throws IOException {
        if (slotNameOrNull != null) {
            checkSlotName(slotNameOrNull);
        }
        if (timeline < 0) {
            throw new IllegalArgumentException("timeline must be positive, or 0 for the current one: " + timeline);
        }
        String command = "START_REPLICATION " + (slotNameOrNull == null ? "" : "SLOT " + slotNameOrNull + " ")
                + "PHYSICAL " + start + (timeline == 0 ? "" : " TIMELINE " + Integer.toUnsignedString(timeline));
        requireReady();
        try {
            out.sendQuery(command);
            PgServerException error = null;
            TimelineSwitch next = new TimelineSwitch();
            while (true) {
                byte type = in.next();
                switch (type) {
                    case 'W' -> {
                        in.readByte(); // overall format, 0 = text
                        int columns = in.readInt16();
                        for (int i = 0; i < columns; i++) {
                            in.readInt16();
                        }
                        out.openCopy();
                        state = State.STREAMING;
                        watchStream();
                        log.debug("streaming from {} ({})", options.address(), command);
                        return new ReplicationStream(this, in, out, null);
                    }
                    case 'E' -> error = ErrorResponses.read(in, options.address());
                    case 'N' -> ErrorResponses.logNotice(in, options.address());
                    case 'S' -> parameter();
                    case 'T', 'D', 'C' -> next.accept(type, in);
                    case 'Z' -> {
                        in.readByte();
                        if (error != null) {
                            throw error;
                        }
                        // The start is exactly the end of a historic timeline: no copy, only the next one.
                        return new ReplicationStream(
                                this, in, out, new WalMessage.EndOfStream(next.timeline, next.start, true));
                    }
                    default -> throw unexpected(type, "the answer to START_REPLICATION");
                }
            }
        } catch (PgServerException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            fail();
            throw timeout("waiting for the answer to " + command, options, e);
        } catch (IOException | RuntimeException e) {
            fail();
            throw e;
        }
    }

    /**
     * {@code BASE_BACKUP}: an online backup of the server's data directory as one tar archive,
     * without WAL and without a manifest, over the single-COPY protocol of PostgreSQL 15 and later
     * (the messages are listed in {@code BaseBackupExchange}). Blocks until the backup is over.
     * {@code consumer} is called once, with the base archive as a stream that reads straight from the
     * socket (see {@link BaseBackupConsumer}); bytes it leaves unread are read and discarded
     * afterwards. The server's start checkpoint, the copy and {@code WAIT} can take long: every read
     * during the command waits up to {@link ConnectOptions#streamReadTimeout()} (by default forever),
     * not the read timeout of short commands.
     *
     * <p>Thread-safety: as for every command; the consumer may hand the stream to another thread as
     * long as it reads it before {@code accept} returns. Any thread may {@link #close()} the
     * connection to abort the backup (the server then aborts it too).
     *
     * @return where the backup starts and ends in the WAL, its timeline and the archive's size
     * @throws PgServerException when the server refuses (a label longer than 1024 bytes: {@code
     *     22023}) or fails mid-copy (an unreadable file in the data directory: {@code 42501}); the
     *     consumer's stream throws it too. After an ERROR the connection is usable, after a FATAL it
     *     is closed
     * @throws PgProtocolException when the server has tablespaces (the archive of each would come
     *     before the base archive; Xenon has none) or sends what this client does not expect; the
     *     connection is closed
     * @throws java.net.SocketTimeoutException after {@link ConnectOptions#streamReadTimeout()} without
     *     a message; the connection is closed
     * @throws IOException what the consumer threw; the connection is closed, since a COPY cannot be
     *     stopped from the client's side short of that
     */
    public BaseBackupResult baseBackup(BaseBackupOptions options, BaseBackupConsumer consumer) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(consumer, "consumer");
        requireReady();
        state = State.BASE_BACKUP;
        try {
            socket.setSoTimeout((int) this.options.streamReadTimeout().toMillis());
            return new BaseBackupExchange(this, in, out, options).run(consumer);
        } catch (IOException | RuntimeException | Error e) {
            if (!(e instanceof PgServerException)) {
                fail(); // the exchange already did; a failing setSoTimeout did not
            }
            throw e;
        } finally {
            if (state == State.BASE_BACKUP) {
                state = State.READY;
                try {
                    socket.setSoTimeout((int) this.options.readTimeout().toMillis());
                } catch (SocketException e) {
                    fail();
                }
            }
        }
    }

    /** How the server authenticated this connection. */
    public AuthMethod authMethod() {
        return authMethod;
    }

    /** ParameterStatus values the server reported, e.g. {@code server_version}; a live view. */
    public Map<String, String> serverParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** The process ID of the server's WAL sender for this connection. */
    public int backendPid() {
        return backendPid;
    }

    /** {@code host:port} of the server. */
    public String address() {
        return options.address();
    }

    public ConnectOptions options() {
        return options;
    }

    /** False once closed (by {@link #close()} or after a failure). */
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    /**
     * Closes the connection, politely (Terminate) when it is in command mode. Any thread may call
     * this; a thread blocked in {@link ReplicationStream#read()} then gets an {@link IOException}.
     */
    @Override
    public void close() {
        State was = state;
        state = State.CLOSED;
        unwatchStream();
        if (was == State.READY) {
            try {
                out.sendTerminate();
            } catch (IOException e) {
                log.debug("cannot say goodbye to {}: {}", options.address(), e.toString());
            }
        }
        closeQuietly(socket);
    }

    @Override
    public String toString() {
        return "PgReplicationConnection[" + options.user() + "@" + options.address() + ", " + state + "]";
    }

    // ---- used by ReplicationStream

    /** The stream ended and the server is back in command mode. */
    void streamEnded() throws SocketException {
        if (state == State.STREAMING) {
            state = State.READY;
            unwatchStream();
            socket.setSoTimeout((int) options.readTimeout().toMillis());
        }
    }

    /** Closes the connection after a failure that leaves the protocol state unknown. */
    void fail() {
        state = State.CLOSED;
        unwatchStream();
        closeQuietly(socket);
    }

    /** True when the connection was closed because a stream read waited the whole stream timeout. */
    boolean streamTimedOut() {
        return streamTimedOut;
    }

    SocketTimeoutException streamTimeout() {
        return new SocketTimeoutException("no message from Postgres at " + options.address() + " in "
                + options.streamReadTimeout().toMillis() + " ms while streaming; the connection is closed");
    }

    /**
     * Streams read blocking (SO_TIMEOUT 0) and a watchdog closes the connection when a read waits
     * longer than the stream timeout.
     */
    private void watchStream() throws SocketException {
        socket.setSoTimeout(0);
        long timeout = options.streamReadTimeout().toNanos();
        if (timeout > 0) {
            streamWatch = StreamWatchdog.watch(in, timeout, () -> {
                streamTimedOut = true;
                log.debug(
                        "no message from {} in {} while streaming: closing",
                        options.address(),
                        options.streamReadTimeout());
                fail();
            });
        }
    }

    private void unwatchStream() {
        ScheduledFuture<?> watch = streamWatch;
        streamWatch = null;
        if (watch != null) {
            watch.cancel(false);
        }
    }

    void parameter() throws PgProtocolException {
        parameters.put(in.readCString(), in.readCString());
    }

    PgProtocolException unexpected(byte type, String context) {
        fail();
        return new PgProtocolException("Postgres at " + options.address() + " sent an unexpected message of type "
                + MessageReader.describe(type) + " in " + context);
    }

    // ----

    private QueryResult readQueryResult() throws IOException {
        PgServerException error = null;
        QueryResult last = new QueryResult(List.of(), List.of(), "");
        List<String> columns = List.of();
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'T' -> {
                    columns = readRowDescription();
                    rows = new ArrayList<>();
                }
                case 'D' -> rows.add(readDataRow());
                case 'C', 'I' -> {
                    last = new QueryResult(columns, rows, type == 'C' ? in.readCString() : "");
                    columns = List.of();
                    rows = new ArrayList<>();
                }
                case 'E' -> {
                    if (error == null) {
                        error = ErrorResponses.read(in, options.address());
                    }
                }
                case 'N' -> ErrorResponses.logNotice(in, options.address());
                case 'S' -> parameter();
                case 'Z' -> {
                    in.readByte();
                    if (error != null) {
                        throw error;
                    }
                    return last;
                }
                default -> throw unexpected(type, "the answer to a simple query (use startPhysical to stream)");
            }
        }
    }

    /** Column names of the current message, a RowDescription. */
    List<String> readRowDescription() throws PgProtocolException {
        int count = in.readInt16();
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(in.readCString());
            in.readInt32(); // table OID
            in.readInt16(); // column number
            in.readInt32(); // type OID
            in.readInt16(); // type size
            in.readInt32(); // type modifier
            in.readInt16(); // format code
        }
        return names;
    }

    /** Text values of the current message, a DataRow; null for SQL NULL. */
    List<String> readDataRow() throws PgProtocolException {
        int count = in.readInt16();
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            int length = in.readInt32();
            values[i] = length < 0 ? null : in.readString(length);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    private void requireReady() {
        switch (state) {
            case READY -> {}
            case STREAMING ->
                throw new IllegalStateException(
                        "the connection to " + options.address() + " is streaming; end the stream first");
            case BASE_BACKUP ->
                throw new IllegalStateException("the connection to " + options.address()
                        + " is taking a base backup; wait until baseBackup returns");
            case CLOSED -> throw new IllegalStateException("the connection to " + options.address() + " is closed");
        }
    }

    private PgProtocolException protocolFailure(String message) {
        fail();
        return new PgProtocolException("Postgres at " + options.address() + ": " + message);
    }

    private static void checkSlotName(String slotName) {
        if (slotName == null || !SLOT_NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("invalid replication slot name '" + slotName
                    + "': use 1 to 63 lower-case letters, digits and underscores");
        }
    }

    private static void connectSocket(Socket socket, ConnectOptions options) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException(
                    "cannot resolve host '" + options.host() + "' of Postgres at " + options.address());
        }
        try {
            socket.connect(address, (int) options.connectTimeout().toMillis());
        } catch (SocketTimeoutException e) {
            throw timeout("connecting", options, e);
        } catch (ConnectException e) {
            ConnectException better = new ConnectException("cannot connect to Postgres at " + options.address() + ": "
                    + e.getMessage() + " (is it running and listening on that address?)");
            better.initCause(e);
            throw better;
        }
    }

    static SocketTimeoutException timeout(String what, ConnectOptions options, SocketTimeoutException e) {
        SocketTimeoutException better =
                new SocketTimeoutException("Postgres at " + options.address() + " did not answer in time " + what);
        better.initCause(e);
        return better;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** Collects the optional (next timeline, start) result set that follows a historic timeline. */
    static final class TimelineSwitch {
        int timeline;
        Lsn start = Lsn.INVALID;
        PgServerException error;

        void accept(byte type, MessageReader in) throws PgProtocolException {
            if (type != 'D') {
                return; // RowDescription, CommandComplete: nothing we need
            }
            int count = in.readInt16();
            String[] values = new String[count];
            for (int i = 0; i < count; i++) {
                int length = in.readInt32();
                values[i] = length < 0 ? null : in.readString(length);
            }
            if (count >= 2 && values[0] != null && values[1] != null) {
                try {
                    timeline = Integer.parseUnsignedInt(values[0]);
                    start = Lsn.parse(values[1]);
                } catch (IllegalArgumentException e) {
                    throw new PgProtocolException(
                            "malformed next-timeline row after streaming: " + Arrays.toString(values));
                }
            }
        }
    }
}
