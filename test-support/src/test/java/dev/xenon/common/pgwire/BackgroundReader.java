package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A reader thread over a {@link ReplicationStream}, as a WAL receiver has one: it tracks the end of
 * the WAL received, counts keepalives, optionally answers those that request a reply, and records
 * how the loop ended.
 */
final class BackgroundReader implements AutoCloseable {

    private final ReplicationStream stream;
    private final boolean replyToKeepalives;
    private final AtomicReference<Lsn> received;
    private final AtomicBoolean inRead = new AtomicBoolean();
    private final AtomicInteger keepalivesRequestingReply = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<WalMessage.EndOfStream> end = new AtomicReference<>();
    private final Thread thread;

    BackgroundReader(ReplicationStream stream, Lsn start, boolean replyToKeepalives) {
        this.stream = stream;
        this.replyToKeepalives = replyToKeepalives;
        this.received = new AtomicReference<>(start);
        this.thread = Thread.ofPlatform().name("wal-reader").daemon().start(this::run);
    }

    /** End of the WAL received so far. */
    Lsn received() {
        return received.get();
    }

    /** True while the thread is inside {@link ReplicationStream#read()}. */
    boolean isInRead() {
        return inRead.get();
    }

    int keepalivesRequestingReply() {
        return keepalivesRequestingReply.get();
    }

    Throwable failure() {
        return failure.get();
    }

    WalMessage.EndOfStream end() {
        return end.get();
    }

    Thread thread() {
        return thread;
    }

    private void run() {
        try {
            while (true) {
                inRead.set(true);
                WalMessage message = stream.read();
                inRead.set(false);
                switch (message) {
                    case WalMessage.XLogData x -> received.set(x.end());
                    case WalMessage.PrimaryKeepalive k -> {
                        if (k.replyRequested()) {
                            keepalivesRequestingReply.incrementAndGet();
                            if (replyToKeepalives) {
                                Lsn at = received.get();
                                stream.sendStatus(at, at, at, false);
                            }
                        }
                    }
                    case WalMessage.EndOfStream e -> {
                        end.set(e);
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure.set(e);
        } finally {
            inRead.set(false);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stream.close();
        thread.join(10_000);
    }
}
