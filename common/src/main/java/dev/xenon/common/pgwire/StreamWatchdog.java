package dev.xenon.common.pgwire;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of a replication stream, kept by one shared timer thread instead of the socket.
 *
 * <p>A socket read with {@code SO_TIMEOUT} is, in the JDK, a non-blocking read that finds nothing,
 * a {@code poll} and the read again: three system calls for every message where a blocking read
 * needs one. A WAL receiver reads one message per commit of its compute, so streams read blocking
 * and this watchdog looks every eighth of the timeout at the read in progress: when one has waited
 * the whole timeout, it closes the connection, which ends the read with an exception that the
 * stream reports as the timeout.
 */
final class StreamWatchdog {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("pgwire-stream-watchdog").daemon().unstarted(r));

    private StreamWatchdog() {}

    /**
     * Runs {@code onTimeout} once when a read of {@code in} has waited {@code timeoutNanos}; cancel
     * the returned future when the stream ends.
     */
    static ScheduledFuture<?> watch(MessageReader in, long timeoutNanos, Runnable onTimeout) {
        long period = Math.max(timeoutNanos / 8, TimeUnit.MILLISECONDS.toNanos(1));
        boolean[] fired = new boolean[1];
        return TIMER.scheduleWithFixedDelay(
                () -> {
                    long since = in.readingSince();
                    if (!fired[0] && since != 0 && System.nanoTime() - since >= timeoutNanos) {
                        fired[0] = true;
                        onTimeout.run();
                    }
                },
                period,
                period,
                TimeUnit.NANOSECONDS);
    }
}
