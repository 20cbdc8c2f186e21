package dev.xenon.console.account;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: {@code capacity} requests at once, refilled at {@code perSecond}.
 * Thread-safe; buckets live in memory (one control plane instance, see docs/control-plane.md).
 */
public final class RateLimiter {

    private final double capacity;
    private final double perSecond;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int capacity, double perSecond) {
        this(capacity, perSecond, System::nanoTime);
    }

    public RateLimiter(int capacity, double perSecond, LongSupplier nanoTime) {
        if (capacity < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("a rate limit needs capacity >= 1 and a positive rate");
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes a token of the key's bucket. Returns 0 when the request may go on, else the seconds
     * (at least 1) until a token is available.
     */
    public long tryAcquire(long keyId) {
        Bucket bucket = buckets.computeIfAbsent(keyId, k -> new Bucket(capacity, nanoTime.getAsLong()));
        synchronized (bucket) {
            long now = nanoTime.getAsLong();
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.refilledAt) / 1e9 * perSecond);
            bucket.refilledAt = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
        }
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
