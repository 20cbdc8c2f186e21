package dev.xenon.console.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Failed console logins within a sliding window, per email and per client address: beyond {@code
 * loginFailuresPerEmail} (or {@code loginFailuresPerAddress}) failures in {@code loginWindow},
 * further attempts are refused before the password is checked, until the oldest failure leaves the
 * window. In memory (one control plane instance, like the API rate limit).
 */
@Component
class LoginThrottle {

    private final int perEmail;
    private final int perAddress;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(WebConsoleProperties web, Clock clock) {
        this.perEmail = web.loginFailuresPerEmail();
        this.perAddress = web.loginFailuresPerAddress();
        this.window = web.loginWindow();
        this.clock = clock;
    }

    /** Seconds until a login of this email from this address may be tried again; 0: now. */
    long retryAfter(String email, String address) {
        return Math.max(wait("email:" + Accounts.normalise(email), perEmail), wait("addr:" + address, perAddress));
    }

    void failed(String email, String address) {
        record("email:" + Accounts.normalise(email));
        record("addr:" + address);
    }

    void succeeded(String email) {
        failures.remove("email:" + Accounts.normalise(email));
    }

    private void record(String key) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times);
            times.addLast(clock.instant());
        }
    }

    private long wait(String key, int limit) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            prune(times);
            if (times.size() < limit) {
                return 0;
            }
            Duration left = Duration.between(clock.instant(), times.peekFirst().plus(window));
            return Math.max(1, (left.toMillis() + 999) / 1000);
        }
    }

    private void prune(Deque<Instant> times) {
        Instant oldest = clock.instant().minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.pollFirst();
        }
    }
}
