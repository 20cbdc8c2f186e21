package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;

/** A message {@link ReplicationStream#read()} returns. */
public sealed interface WalMessage permits WalMessage.XLogData, WalMessage.PrimaryKeepalive, WalMessage.EndOfStream {

    /**
     * WAL bytes ({@code XLogData}, CopyData kind {@code 'w'}).
     *
     * <p>{@code data} is a read-only view into the stream's input buffer, positioned at 0 with its
     * limit and capacity at the length: it is valid only until the next {@link ReplicationStream#read()}
     * and must be consumed (written, copied) before that. Nothing is copied per message.
     *
     * @param start the LSN of the first byte of {@code data}
     * @param serverWalEnd the end of WAL on the server when it sent this
     * @param serverTimeMicros the server's clock when it sent this, {@linkplain PgEpoch microseconds
     *     since 2000-01-01 UTC}
     * @param data the WAL bytes
     */
    record XLogData(Lsn start, Lsn serverWalEnd, long serverTimeMicros, ByteBuffer data) implements WalMessage {

        /** Number of WAL bytes; does not change when {@code data} is read. */
        public int length() {
            return data.capacity();
        }

        /** The LSN just after the last byte: {@code start + length()}. */
        public Lsn end() {
            return start.plus(data.capacity());
        }
    }

    /**
     * A keepalive from the server (CopyData kind {@code 'k'}).
     *
     * @param serverWalEnd the end of WAL on the server
     * @param serverTimeMicros the server's clock, microseconds since 2000-01-01 UTC
     * @param replyRequested the server wants a status update now; without one it ends the connection
     *     after {@code wal_sender_timeout}
     */
    record PrimaryKeepalive(Lsn serverWalEnd, long serverTimeMicros, boolean replyRequested) implements WalMessage {}

    /**
     * The server ended the stream: after a CopyDone (the client asked for it with {@link
     * ReplicationStream#requestEnd()}, or the timeline being streamed ended on the server), or with a
     * CommandComplete while still streaming (the server is shutting down and closes the session).
     *
     * @param nextTimeline when the streamed timeline is historic on the server: the timeline that
     *     follows it, else 0
     * @param nextTimelineStart where {@code nextTimeline} starts, else {@link Lsn#INVALID}
     * @param connectionUsable true when the connection is back in command mode and can be used for
     *     further commands (e.g. {@code START_REPLICATION} on the next timeline); false when the
     *     server is closing it
     */
    record EndOfStream(int nextTimeline, Lsn nextTimelineStart, boolean connectionUsable) implements WalMessage {

        public boolean isTimelineSwitch() {
            return nextTimeline != 0;
        }
    }
}
