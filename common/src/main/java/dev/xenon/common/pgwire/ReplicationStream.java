package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * The CopyBoth phase of {@code START_REPLICATION ... PHYSICAL}: WAL and keepalives from the
 * server, standby status updates from the client.
 *
 * <pre>
 * B CopyData 'w' Int64 start, Int64 walEnd, Int64 sendTime, bytes   -> {@link WalMessage.XLogData}
 * B CopyData 'k' Int64 walEnd, Int64 sendTime, Byte1 replyRequested  -> {@link WalMessage.PrimaryKeepalive}
 * B CopyDone, or CommandComplete at shutdown                          -> {@link WalMessage.EndOfStream}
 * F CopyData 'r' Int64 written, flushed, applied, clock, Byte1 reply  <- {@link #sendStatus}
 * </pre>
 *
 * <p>Thread-safety: one reader thread calls {@link #read()} and {@link #hasBufferedData()}; {@link
 * #sendStatus}, {@link #requestEnd()} and {@link #close()} may be called from any thread, also while
 * the reader is blocked in {@link #read()}: the output side has a lock of its own and writes each
 * message straight to the socket (TCP_NODELAY).
 */
public final class ReplicationStream implements AutoCloseable {

    private final PgReplicationConnection connection;
    private final MessageReader in;
    private final MessageWriter out;
    private WalMessage.EndOfStream pendingEnd;
    private boolean ended;
    /** Set once the server's CopyDone arrived: the rest is the end of the command. */
    private PgReplicationConnection.TimelineSwitch draining;

    ReplicationStream(
            PgReplicationConnection connection,
            MessageReader in,
            MessageWriter out,
            WalMessage.EndOfStream alreadyEnded) {
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.pendingEnd = alreadyEnded;
    }

    /**
     * Blocks for the next message. An {@link WalMessage.XLogData}'s {@code data} is a view into the
     * input buffer that is valid only until the next call.
     *
     * @return the next message; after an {@link WalMessage.EndOfStream} the stream is over
     * @throws PgServerException when the server reports an error, e.g. a start position ahead of its
     *     flush position (Postgres checks that only after entering copy mode) or WAL it has already
     *     removed ({@code 58P01}); the stream has ended, and after an ERROR (not a FATAL) the
     *     connection is back in command mode
     * @throws java.net.SocketTimeoutException when no message came for {@link
     *     ConnectOptions#streamReadTimeout()}; the connection is closed
     * @throws IOException when the connection breaks or is {@linkplain #close() closed}
     * @throws IllegalStateException when called after the end of the stream
     */
    public WalMessage read() throws IOException {
        if (pendingEnd != null) {
            WalMessage.EndOfStream end = pendingEnd;
            pendingEnd = null;
            ended = true;
            return end;
        }
        if (ended) {
            throw new IllegalStateException("the replication stream from " + connection.address() + " has ended");
        }
        try {
            if (draining != null) {
                return finishAfterCopyDone();
            }
            while (true) {
                byte type = in.next();
                switch (type) {
                    case 'd' -> {
                        byte kind = in.readByte();
                        if (kind == 'w') {
                            long start = in.readInt64();
                            long walEnd = in.readInt64();
                            long time = in.readInt64();
                            ByteBuffer data = in.slice(in.remaining());
                            return new WalMessage.XLogData(new Lsn(start), new Lsn(walEnd), time, data);
                        }
                        if (kind == 'k') {
                            long walEnd = in.readInt64();
                            long time = in.readInt64();
                            boolean reply = in.readByte() != 0;
                            return new WalMessage.PrimaryKeepalive(new Lsn(walEnd), time, reply);
                        }
                        throw connection.unexpected(kind, "CopyData (kind byte) while streaming");
                    }
                    case 'c' -> {
                        draining = new PgReplicationConnection.TimelineSwitch();
                        out.sendCopyDone();
                        return finishAfterCopyDone();
                    }
                    case 'C' -> {
                        // Shutdown: WalSndDone() ends the COPY with CommandComplete and exits.
                        ended = true;
                        connection.fail();
                        return new WalMessage.EndOfStream(0, Lsn.INVALID, false);
                    }
                    case 'E' -> {
                        ended = true;
                        throw abortedByServer(ErrorResponses.read(in, connection.address()));
                    }
                    case 'N' -> ErrorResponses.logNotice(in, connection.address());
                    case 'S' -> connection.parameter();
                    default -> throw connection.unexpected(type, "the replication stream");
                }
            }
        } catch (PgServerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            ended = true;
            connection.fail();
            if (connection.streamTimedOut()) {
                SocketTimeoutException timeout = connection.streamTimeout();
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        }
    }

    /**
     * Sends a Standby Status Update with the client's clock, and flushes it to the socket at once.
     * Safe to call from any thread, also while another thread is blocked in {@link #read()}.
     *
     * @param written WAL received and written (not yet fsynced) up to here
     * @param flushed WAL durably stored up to here; synchronous commits wait for this
     * @param applied WAL applied up to here (a WAL store reports its flush position)
     * @param replyRequested ask the server to answer with a keepalive at once
     * @return false when nothing was sent because the client already ended its half of the copy
     *     (after {@link #requestEnd()} or once the server's CopyDone was answered)
     */
    public boolean sendStatus(Lsn written, Lsn flushed, Lsn applied, boolean replyRequested) throws IOException {
        return out.sendStandbyStatus(
                written.value(), flushed.value(), applied.value(), PgEpoch.nowMicros(), replyRequested);
    }

    /**
     * True when the next {@link #read()} will not wait for the network: a complete message is
     * already buffered, or the socket has unread bytes. A receiver uses it to write several messages
     * before one fsync. Reader thread only. Costs a system call only when the last read from the
     * socket filled the buffer; otherwise that read took all the socket held a moment ago, and bytes
     * that arrived since are not counted (as with any such check, a moment later there may be more).
     */
    public boolean hasBufferedData() throws IOException {
        if (pendingEnd != null || in.hasCompleteMessage()) {
            return true;
        }
        return !ended && in.socketMayHaveMore();
    }

    /**
     * Asks the server to end the stream (CopyDone). Keep calling {@link #read()}: WAL already in
     * flight still arrives, then an {@link WalMessage.EndOfStream} after which the connection is
     * back in command mode. Any thread.
     *
     * @return false when the client had already ended its half of the copy
     */
    public boolean requestEnd() throws IOException {
        return out.sendCopyDone();
    }

    /** True once {@link #read()} returned {@link WalMessage.EndOfStream} or failed. */
    public boolean isEnded() {
        return ended;
    }

    /** The connection this stream runs on. */
    public PgReplicationConnection connection() {
        return connection;
    }

    /**
     * Closes the connection. Any thread; a reader blocked in {@link #read()} gets an {@link
     * IOException}.
     */
    @Override
    public void close() {
        connection.close();
    }

    /**
     * The server reported an error while streaming. After an ERROR it has left copy mode and sends
     * ReadyForQuery (CopyData the client sends meanwhile is ignored): the connection is usable again.
     * After a FATAL it closes the connection.
     */
    private PgServerException abortedByServer(PgServerException error) {
        out.abandonCopy();
        try {
            while (true) {
                byte type = in.next();
                if (type == 'Z') {
                    connection.streamEnded();
                    return error;
                }
                // NoticeResponse, ParameterStatus: nothing to act on any more
            }
        } catch (IOException e) {
            connection.fail();
            return error;
        }
    }

    /**
     * The server sent CopyDone and got ours: read the optional next-timeline result set,
     * CommandComplete(s) and ReadyForQuery.
     */
    private WalMessage.EndOfStream finishAfterCopyDone() throws IOException {
        PgReplicationConnection.TimelineSwitch next = draining;
        while (true) {
            byte type = in.next();
            switch (type) {
                case 'T', 'D', 'C' -> next.accept(type, in);
                case 'E' -> next.error = ErrorResponses.read(in, connection.address());
                case 'N' -> ErrorResponses.logNotice(in, connection.address());
                case 'S' -> connection.parameter();
                case 'Z' -> {
                    in.readByte();
                    ended = true;
                    connection.streamEnded();
                    if (next.error != null) {
                        throw next.error;
                    }
                    return new WalMessage.EndOfStream(next.timeline, next.start, true);
                }
                default -> throw connection.unexpected(type, "the end of the replication stream");
            }
        }
    }
}
