package dev.xenon.proxy.session;

import dev.xenon.proxy.wire.StartupPacket.CancelKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The proxy's live sessions: client connections per endpoint (the connection limit, the gauge
 * {@code xenon.proxy.connections{endpoint}}, the reports to the control plane) and the cancel key
 * (the compute's BackendKeyData) of each session with the compute it runs on. Thread-safe.
 */
@Component
public class Sessions {

    private final Map<String, AtomicInteger> perEndpoint = new ConcurrentHashMap<>();
    private final Map<CancelKey, InetSocketAddress> cancelKeys = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public Sessions(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Counts a new connection of the endpoint; false (not counted) when it has {@code max} already. */
    public boolean tryOpen(String endpointId, int max) {
        AtomicInteger count = perEndpoint.computeIfAbsent(endpointId, id -> {
            AtomicInteger c = new AtomicInteger();
            Gauge.builder("xenon.proxy.connections", c, AtomicInteger::get)
                    .description("client connections through the proxy, per endpoint")
                    .tag("endpoint", id)
                    .register(meters);
            return c;
        });
        while (true) {
            int now = count.get();
            if (now >= max) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void closed(String endpointId) {
        AtomicInteger count = perEndpoint.get(endpointId);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Connections per endpoint now (every endpoint seen since start, zeros included). */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        perEndpoint.forEach((id, c) -> counts.put(id, c.get()));
        return counts;
    }

    public void registerCancelKey(CancelKey key, InetSocketAddress compute) {
        cancelKeys.put(key, compute);
    }

    public void unregisterCancelKey(CancelKey key) {
        cancelKeys.remove(key);
    }

    /** The compute of the session holding {@code key}. */
    public Optional<InetSocketAddress> computeOf(CancelKey key) {
        return Optional.ofNullable(cancelKeys.get(key));
    }
}
