package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code BASE_BACKUP} command, PostgreSQL 15 and later (the single-COPY protocol of {@code
 * src/backend/backup/basebackup_copy.c}, "copystream"). Plain tar, no manifest, no WAL:
 *
 * <pre>
 * F Query            BASE_BACKUP ( LABEL '…', PROGRESS false, CHECKPOINT 'fast', WAIT false, MANIFEST 'no' )
 *                      the server runs the start checkpoint; errors so far end in ReadyForQuery
 * B RowDescription   recptr text, tli int8
 * B DataRow          start LSN ("0/2000028"), timeline ("1")
 * B CommandComplete  SELECT
 * B RowDescription   spcoid oid, spclocation text, size int8
 * B DataRow*         one per tablespace, the base directory last (all NULL without PROGRESS)
 * B CommandComplete  SELECT
 * B CopyOutResponse  format 0, 0 columns
 * B CopyData 'n'     String archive name, String tablespace path ("" for the base directory)
 * B CopyData 'd'     tar bytes (at most 32 KiB each)
 * B CopyData 'p'     Int64 bytes done; sent now and then, and always at the end of each archive
 * B CopyData 'm'     a manifest follows in 'd' messages (never with MANIFEST 'no')
 * B CopyDone
 * B RowDescription   recptr text, tli int8
 * B DataRow          end LSN, timeline
 * B CommandComplete  SELECT
 * B CommandComplete  BASE_BACKUP
 * B ReadyForQuery
 * </pre>
 *
 * The base directory is the last archive; every other archive is a tablespace, which this client
 * refuses. The client sends nothing during a CopyOut. An ErrorResponse may come at any point, and
 * during the copy it ends it: after an ERROR the server sends ReadyForQuery (the connection is back
 * in command mode), after a FATAL it closes the connection.
 *
 * <p>Not thread-safe: the thread that calls {@link #run} and whoever reads the archive stream
 * inside the consumer take turns, never overlapping.
 */
final class BaseBackupExchange {

    private static final Logger log = LoggerFactory.getLogger(BaseBackupExchange.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final PgReplicationConnection connection;
    private final MessageReader in;
    private final MessageWriter out;
    private final BaseBackupOptions options;
    private final String command;

    /** The server's error once the exchange has read it and everything up to ReadyForQuery. */
    private PgServerException serverError;
    /** The network or protocol failure that closed the connection. */
    private IOException broken;

    private long archiveBytes;
    private long progressBytes = -1;

    BaseBackupExchange(
            PgReplicationConnection connection, MessageReader in, MessageWriter out, BaseBackupOptions options) {
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.options = options;
        this.command = options.command();
    }

    /**
     * Runs the command. On return the connection is in command mode. On a {@link PgServerException}
     * it is in command mode after an ERROR and closed after a FATAL; on any other failure it is
     * closed.
     */
    BaseBackupResult run(BaseBackupConsumer consumer) throws IOException {
        boolean clean = false;
        try {
            BaseBackupResult result = exchange(consumer);
            clean = true;
            return result;
        } catch (PgServerException e) {
            clean = e == serverError;
            throw e;
        } catch (SocketTimeoutException e) {
            throw e == broken ? e : PgReplicationConnection.timeout("during " + command, connection.options(), e);
        } finally {
            if (!clean) {
                connection.fail();
            }
        }
    }

    private BaseBackupResult exchange(BaseBackupConsumer consumer) throws IOException {
        long started = System.nanoTime();
        out.sendQuery(command);
        List<QueryResult> header = readResultSetsUntilCopyOut();
        if (header.size() != 2) {
            throw protocolFailure("sent " + header.size() + " result sets before the archive; expected 2: " + header);
        }
        Position start = position(header.get(0), "start");
        refuseTablespaces(header.get(1));

        if (nextCopyMessage() != 'n') {
            throw protocolFailure("did not start the base backup's copy with a new-archive message");
        }
        String archiveName = in.readCString();
        String tablespacePath = in.readCString();
        if (!tablespacePath.isEmpty()) {
            throw tablespaceArchive(archiveName, tablespacePath);
        }
        ArchiveStream archive = new ArchiveStream();
        try {
            consumer.accept(archiveName, archive);
        } catch (IOException | RuntimeException | Error e) {
            if (serverError != null) {
                if (e != serverError) {
                    serverError.addSuppressed(e);
                }
                throw serverError;
            }
            if (broken != null && e != broken) {
                e.addSuppressed(broken);
            }
            throw e;
        } finally {
            archive.detached = true;
        }
        if (serverError != null) {
            throw serverError; // the consumer swallowed it
        }
        if (broken != null) {
            throw broken;
        }
        archive.drain();
        byte endedBy = archive.endedBy;
        if (endedBy == 'n') {
            String name = in.readCString();
            String path = in.readCString();
            throw path.isEmpty()
                    ? protocolFailure("sent a second base archive '" + name + "' after '" + archiveName + "'")
                    : tablespaceArchive(name, path);
        }
        if (endedBy == 'm') {
            skipManifest();
        }

        List<QueryResult> trailer = readResultSetsUntilReady();
        if (trailer.isEmpty()) {
            throw protocolFailure("sent no end position after the base backup");
        }
        Position end = position(trailer.get(0), "end");
        if (end.timeline != start.timeline) {
            throw protocolFailure(
                    "started the base backup on timeline " + start.timeline + " and ended it on " + end.timeline);
        }
        if (progressBytes >= 0 && progressBytes != archiveBytes) {
            log.debug(
                    "{} counted {} bytes of {}, this client {}",
                    connection.address(),
                    progressBytes,
                    archiveName,
                    archiveBytes);
        }
        log.info(
                "base backup '{}' of {}: {} bytes, WAL {} to {} on timeline {}, {} ms",
                options.label(),
                connection.address(),
                archiveBytes,
                start.lsn,
                end.lsn,
                start.timeline,
                (System.nanoTime() - started) / 1_000_000);
        return new BaseBackupResult(start.lsn, end.lsn, start.timeline, archiveBytes);
    }

    // ---- before and after the copy

    /** Result sets (RowDescription, DataRow*, CommandComplete) up to and including CopyOutResponse. */
    private List<QueryResult> readResultSetsUntilCopyOut() throws IOException {
        ResultSets sets = new ResultSets();
        PgServerException error = null;
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'T', 'D', 'C' -> sets.accept(type);
                case 'H' -> {
                    in.readByte(); // overall format, 0 = text
                    int columns = in.readInt16();
                    for (int i = 0; i < columns; i++) {
                        in.readInt16();
                    }
                    return sets.finish();
                }
                case 'E' -> {
                    if (error == null) {
                        error = ErrorResponses.read(in, connection.address());
                    }
                }
                case 'N' -> ErrorResponses.logNotice(in, connection.address());
                case 'S' -> connection.parameter();
                case 'Z' -> {
                    in.readByte();
                    if (error != null) {
                        serverError = error;
                        throw error;
                    }
                    throw protocolFailure("ended " + command + " without sending an archive");
                }
                default -> throw connection.unexpected(type, "the answer to BASE_BACKUP");
            }
        }
    }

    /** After CopyDone: the end-position result set, CommandComplete(s), ReadyForQuery. */
    private List<QueryResult> readResultSetsUntilReady() throws IOException {
        ResultSets sets = new ResultSets();
        PgServerException error = null;
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'T', 'D', 'C' -> sets.accept(type);
                case 'E' -> {
                    if (error == null) {
                        error = ErrorResponses.read(in, connection.address());
                    }
                }
                case 'N' -> ErrorResponses.logNotice(in, connection.address());
                case 'S' -> connection.parameter();
                case 'Z' -> {
                    in.readByte();
                    if (error != null) {
                        serverError = error;
                        throw error;
                    }
                    return sets.finish();
                }
                default -> throw connection.unexpected(type, "the end of BASE_BACKUP");
            }
        }
    }

    private void refuseTablespaces(QueryResult tablespaces) throws PgProtocolException {
        int location = tablespaces.columnIndex("spclocation");
        if (location < 0) {
            throw protocolFailure("sent a tablespace list without column spclocation: " + tablespaces);
        }
        List<String> others = new ArrayList<>();
        for (List<String> row : tablespaces.rows()) {
            if (row.get(location) != null) {
                others.add("oid " + row.get(0) + " at " + row.get(location));
            }
        }
        if (!others.isEmpty()) {
            throw new PgProtocolException("Postgres at " + connection.address() + " has tablespaces besides the"
                    + " data directory (" + String.join(", ", others) + "); Xenon supports none. Move their"
                    + " objects to pg_default and drop them (DROP TABLESPACE) before taking a base backup");
        }
    }

    private PgProtocolException tablespaceArchive(String name, String path) {
        return new PgProtocolException("Postgres at " + connection.address() + " sent archive '" + name
                + "' of the tablespace at " + path + "; Xenon supports no tablespaces. Move their objects to"
                + " pg_default and drop them (DROP TABLESPACE) before taking a base backup");
    }

    private Position position(QueryResult set, String which) throws PgProtocolException {
        try {
            if (set.rows().size() != 1) {
                throw new IllegalArgumentException(set.rows().size() + " rows");
            }
            return new Position(Lsn.parse(set.value(0, "recptr")), (int) Long.parseLong(set.value(0, "tli")));
        } catch (RuntimeException e) {
            throw protocolFailure("sent an unexpected " + which + " position " + set + ": " + e.getMessage());
        }
    }

    // ---- the copy

    /**
     * Reads up to the next CopyData or CopyDone and returns its kind: {@code 'n'}, {@code 'd'},
     * {@code 'p'}, {@code 'm'}, or {@code 'c'} for CopyDone. The reader is positioned after the kind
     * byte. An ErrorResponse is read to ReadyForQuery and thrown.
     */
    private byte nextCopyMessage() throws IOException {
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'd' -> {
                    byte kind = in.readByte();
                    switch (kind) {
                        case 'n', 'd', 'm' -> {
                            return kind;
                        }
                        case 'p' -> progressBytes = in.readInt64();
                        default -> throw connection.unexpected(kind, "CopyData (kind byte) of BASE_BACKUP");
                    }
                }
                case 'c' -> {
                    return 'c';
                }
                case 'E' -> throw abortedByServer(ErrorResponses.read(in, connection.address()));
                case 'N' -> ErrorResponses.logNotice(in, connection.address());
                case 'S' -> connection.parameter();
                default -> throw connection.unexpected(type, "the copy of BASE_BACKUP");
            }
        }
    }

    /** The server ended the copy with an error: read on to ReadyForQuery (ERROR) or the end (FATAL). */
    private PgServerException abortedByServer(PgServerException error) {
        serverError = error;
        try {
            while (in.next() != 'Z') {
                // NoticeResponse, ParameterStatus: nothing to act on any more
            }
            in.readByte();
        } catch (IOException e) {
            connection.fail();
        }
        return error;
    }

    private void skipManifest() throws IOException {
        while (true) {
            switch (nextCopyMessage()) {
                case 'c' -> {
                    return;
                }
                case 'd' -> in.slice(in.remaining());
                default -> throw protocolFailure("sent an archive after the backup manifest");
            }
        }
    }

    private PgProtocolException protocolFailure(String message) {
        connection.fail();
        return new PgProtocolException("Postgres at " + connection.address() + " " + message);
    }

    private record Position(Lsn lsn, int timeline) {}

    /** Collects result sets; a RowDescription starts one, a CommandComplete ends it. */
    private final class ResultSets {
        private final List<QueryResult> done = new ArrayList<>();
        private List<String> columns;
        private List<List<String>> rows;

        void accept(byte type) throws PgProtocolException {
            switch (type) {
                case 'T' -> {
                    close("");
                    columns = connection.readRowDescription();
                    rows = new ArrayList<>();
                }
                case 'D' -> {
                    if (columns == null) {
                        throw protocolFailure("sent a DataRow without a RowDescription during BASE_BACKUP");
                    }
                    rows.add(connection.readDataRow());
                }
                default -> close(in.readCString());
            }
        }

        List<QueryResult> finish() {
            close("");
            return done;
        }

        private void close(String tag) {
            if (columns != null) {
                done.add(new QueryResult(columns, rows, tag));
                columns = null;
                rows = null;
            }
        }
    }

    /**
     * The base archive, read from CopyData messages as the consumer asks for bytes. Holds at most
     * the current message (a view into the reader's buffer).
     */
    private final class ArchiveStream extends InputStream {
        private ByteBuffer chunk = EMPTY;
        /** Set once the archive is over: the kind of message that ended it. */
        private byte endedBy;

        private boolean closed;
        private boolean detached;

        @Override
        public int read() throws IOException {
            checkReadable();
            if (!fill()) {
                return -1;
            }
            return chunk.get() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            checkReadable();
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.remaining());
            chunk.get(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            checkReadable();
            if (n <= 0 || !fill()) {
                return 0;
            }
            int skipped = (int) Math.min(n, chunk.remaining());
            chunk.position(chunk.position() + skipped);
            return skipped;
        }

        @Override
        public int available() {
            return closed || detached || endedBy != 0 ? 0 : chunk.remaining();
        }

        /** Marks the stream closed; the connection stays open and the rest is drained later. */
        @Override
        public void close() {
            closed = true;
        }

        /** Reads and discards the rest of the archive. */
        void drain() throws IOException {
            chunk = EMPTY;
            while (endedBy == 0) {
                advance();
                chunk = EMPTY;
            }
        }

        private void checkReadable() throws IOException {
            if (serverError != null) {
                throw serverError;
            }
            if (broken != null) {
                throw broken;
            }
            if (detached) {
                throw new IllegalStateException(
                        "the base backup archive can only be read while BaseBackupConsumer.accept runs");
            }
            if (closed) {
                throw new IOException("the base backup archive stream from " + connection.address() + " is closed");
            }
        }

        /** True when {@link #chunk} has bytes; false at the end of the archive. */
        private boolean fill() throws IOException {
            while (!chunk.hasRemaining()) {
                if (endedBy != 0) {
                    return false;
                }
                advance();
            }
            return true;
        }

        private void advance() throws IOException {
            byte kind;
            try {
                kind = nextCopyMessage();
            } catch (PgServerException e) {
                endedBy = 'E';
                throw e;
            } catch (SocketTimeoutException e) {
                throw broken(
                        PgReplicationConnection.timeout("reading the base backup archive", connection.options(), e));
            } catch (IOException e) {
                throw broken(e);
            } catch (RuntimeException e) {
                throw broken(e);
            }
            if (kind == 'd') {
                chunk = in.slice(in.remaining());
                archiveBytes += chunk.remaining();
            } else {
                endedBy = kind;
            }
        }

        private <E extends Exception> E broken(E e) {
            connection.fail();
            endedBy = 'X';
            if (e instanceof IOException io) {
                broken = io;
            } else {
                broken = new IOException("reading the base backup archive from " + connection.address() + " failed", e);
            }
            return e;
        }
    }
}
