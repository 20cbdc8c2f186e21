package dev.xenon.walnode.receiver;

import dev.xenon.common.Lsn;
import dev.xenon.common.Term;
import dev.xenon.common.pgwire.ConnectOptions;
import dev.xenon.common.pgwire.IdentifySystem;
import dev.xenon.common.pgwire.PgReplicationConnection;
import dev.xenon.common.pgwire.ReplicationStream;
import dev.xenon.common.pgwire.WalMessage;
import dev.xenon.common.walnode.ComputeConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one compute's WAL into a timeline as a physical replication client, for one term.
 *
 * <p>Two threads per connection. The <em>reader</em> reads XLogData messages and appends them to
 * the segment files (page cache only). The <em>flusher</em> repeatedly fsyncs whatever has been
 * appended and, only then, sends the compute a status update with that flush position — so
 * Postgres acknowledges a commit only after its commit record is durable here, and every fsync
 * covers all WAL that arrived while the previous one ran (group commit).
 *
 * <p>On a lost connection it reconnects with exponential back-off and resumes at the end of the
 * last complete record it has fsynced, dropping any unflushed or partial tail. Before every append
 * the reader checks that the timeline's term is still its own, and {@link #stop} returns only
 * once both threads are gone, so nothing of an older term is appended after a new term is
 * accepted.
 */
public final class WalReceiver {

    private static final Logger log = LoggerFactory.getLogger(WalReceiver.class);

    /** What the receiver needs from the timeline it feeds. */
    public interface Sink {
        /** The timeline's current term; the receiver stops when it is no longer its own. */
        Term currentTerm();

        /**
         * Drops unflushed bytes and says where to resume: streaming restarts a little before the
         * end of the local WAL so the overlap can be compared with what the compute sends.
         */
        Resume prepareResume() throws IOException;

        /** Whether the local WAL at {@code start} holds exactly {@code data}. */
        boolean holds(Lsn start, java.nio.ByteBuffer data) throws IOException;

        /** Checks (and on first use records) the compute's system identifier and timeline ID. */
        void checkSystem(IdentifySystem system) throws IOException;

        void append(Lsn start, java.nio.ByteBuffer data) throws IOException;

        boolean hasUnflushed();

        /** fsync; returns the durable end. */
        Lsn flush() throws IOException;

        Lsn writtenEnd();

        void computeWalEnd(Lsn serverWalEnd);
    }

    /**
     * Stream from {@code from}; bytes before {@code end} are already held and must match what the
     * compute sends, or the local WAL has diverged from the compute's (a term this node missed).
     */
    public record Resume(Lsn from, Lsn end) {}

    /**
     * Who fsyncs and acknowledges: a flusher thread beside the reader ({@code THREAD}: fsync overlaps
     * receiving), or the reader itself once no further message is already buffered
     * ({@code INLINE}: what {@code pg_receivewal --synchronous} does; no thread hand-off).
     */
    public enum FlushMode {
        THREAD,
        INLINE
    }

    private final String nodeName;
    private final String slotName;
    private final Term term;
    private final ComputeConnection compute;
    private final Sink sink;
    private final Duration reconnectMin;
    private final Duration reconnectMax;
    private final FlushMode flushMode;
    private final Duration streamTimeout;
    private volatile boolean stopped;
    private volatile boolean connected;
    private volatile String lastError;
    private volatile ReplicationStream stream;
    private volatile PgReplicationConnection connection;
    private Thread reader;

    public WalReceiver(
            String nodeName,
            String slotName,
            Term term,
            ComputeConnection compute,
            Sink sink,
            Duration reconnectMin,
            Duration reconnectMax,
            FlushMode flushMode,
            Duration streamTimeout) {
        this.nodeName = nodeName;
        this.slotName = slotName;
        this.term = term;
        this.compute = compute;
        this.sink = sink;
        this.reconnectMin = reconnectMin;
        this.reconnectMax = reconnectMax;
        this.flushMode = flushMode;
        this.streamTimeout = streamTimeout;
    }

    public synchronized void start() {
        reader = Thread.ofPlatform()
                .name("wal-receiver-" + nodeName + "-t" + term)
                .daemon()
                .start(this::run);
    }

    /** Stops streaming; returns once no thread of this receiver can append any more. */
    public void stop() {
        stopped = true;
        closeQuietly();
        Thread t;
        synchronized (this) {
            t = reader;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                throw new IllegalStateException("WAL receiver of term " + term + " did not stop");
            }
        }
    }

    public boolean isConnected() {
        return connected;
    }

    public Term term() {
        return term;
    }

    public ComputeConnection compute() {
        return compute;
    }

    public String lastError() {
        return lastError;
    }

    private void run() {
        long backoff = reconnectMin.toMillis();
        while (!stopped && sink.currentTerm().equals(term)) {
            Flusher flusher = null;
            try {
                Resume resume = sink.prepareResume();
                PgReplicationConnection conn = PgReplicationConnection.connect(new ConnectOptions(
                        compute.host(),
                        compute.port(),
                        compute.user(),
                        compute.password(),
                        nodeName,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        streamTimeout));
                connection = conn;
                if (stopped) {
                    break;
                }
                IdentifySystem system = conn.identifySystem();
                sink.checkSystem(system);
                conn.createPhysicalSlotIfMissing(slotName);
                ReplicationStream s = conn.startPhysical(slotName, resume.from(), system.timeline());
                stream = s;
                connected = true;
                lastError = null;
                backoff = reconnectMin.toMillis();
                log.info("{}: streaming term {} from {} at {}", nodeName, term, compute, resume);
                if (flushMode == FlushMode.THREAD) {
                    flusher = new Flusher(s);
                    flusher.start();
                }
                receive(s, flusher, resume.end());
            } catch (DivergedWalException e) {
                lastError = e.getMessage();
                log.error("{}: {}; not streaming until the control plane elects a new term", nodeName, e.getMessage());
                stopped = true;
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    lastError = e.getMessage();
                    log.warn(
                            "{}: replication from {} (term {}) failed: {}; retrying in {} ms",
                            nodeName,
                            compute,
                            term,
                            e.getMessage(),
                            backoff);
                }
            } finally {
                connected = false;
                closeQuietly();
                if (flusher != null) {
                    flusher.stopAndJoin();
                }
            }
            if (stopped) {
                break;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, reconnectMax.toMillis());
        }
    }

    private void receive(ReplicationStream s, Flusher flusher, Lsn verifyUntil) throws IOException {
        while (!stopped) {
            WalMessage message = s.read();
            if (message instanceof WalMessage.XLogData data) {
                if (!sink.currentTerm().equals(term)) {
                    stopped = true;
                    return;
                }
                Lsn start = data.start();
                java.nio.ByteBuffer bytes = data.data();
                if (start.isBefore(verifyUntil)) {
                    int overlap = (int) Math.min(bytes.remaining(), verifyUntil.minus(start));
                    if (!sink.holds(start, bytes.slice(bytes.position(), overlap))) {
                        throw new DivergedWalException("local WAL before " + verifyUntil
                                + " differs from what compute " + compute + " sends at " + start
                                + ": this node's WAL diverged (it missed a term)");
                    }
                    bytes.position(bytes.position() + overlap);
                    start = start.plus(overlap);
                    if (!bytes.hasRemaining()) {
                        continue;
                    }
                }
                sink.append(start, bytes);
                sink.computeWalEnd(data.serverWalEnd());
                if (flusher != null) {
                    flusher.wake();
                } else if (!s.hasBufferedData()) {
                    flushAndAcknowledge(s);
                }
            } else if (message instanceof WalMessage.PrimaryKeepalive keepalive) {
                sink.computeWalEnd(keepalive.serverWalEnd());
                if (keepalive.replyRequested()) {
                    if (flusher != null) {
                        flusher.replyRequested = true;
                        flusher.wake();
                    } else {
                        flushAndAcknowledge(s);
                    }
                }
            } else {
                log.info("{}: compute {} ended the replication stream", nodeName, compute);
                return;
            }
        }
    }

    private void flushAndAcknowledge(ReplicationStream s) throws IOException {
        Lsn flushed = sink.flush();
        s.sendStatus(sink.writtenEnd(), flushed, flushed, false);
    }

    /** The compute's WAL differs from WAL this node already holds: never append or acknowledge it. */
    static final class DivergedWalException extends IOException {
        DivergedWalException(String message) {
            super(message);
        }
    }

    private void closeQuietly() {
        PgReplicationConnection c = connection;
        connection = null;
        stream = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing a dead connection
            }
        }
    }

    /** fsyncs appended WAL and acknowledges it, concurrently with the reader. */
    private final class Flusher {
        private final ReplicationStream s;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean replyRequested;
        private volatile boolean parked;

        Flusher(ReplicationStream s) {
            this.s = s;
            this.thread = Thread.ofPlatform()
                    .name("wal-flusher-" + nodeName + "-t" + term)
                    .daemon()
                    .unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        void stopAndJoin() {
            running = false;
            LockSupport.unpark(thread);
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            try {
                while (running) {
                    if (!sink.hasUnflushed() && !replyRequested) {
                        parked = true;
                        // Re-check after announcing: an append in between must not be missed.
                        if (!sink.hasUnflushed() && !replyRequested) {
                            LockSupport.parkNanos(100_000_000L);
                        }
                        parked = false;
                        continue;
                    }
                    replyRequested = false;
                    Lsn flushed = sink.flush();
                    if (!running) {
                        return;
                    }
                    s.sendStatus(sink.writtenEnd(), flushed, flushed, false);
                }
            } catch (IOException | RuntimeException e) {
                if (running && !stopped) {
                    log.warn("{}: flush/ack for term {} failed: {}", nodeName, term, e.getMessage());
                    closeQuietly();
                }
            }
        }
    }
}
