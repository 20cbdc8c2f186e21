package dev.xenon.console.compute.local;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The local driver's meters, all tagged {@code driver=local}:
 *
 * <ul>
 *   <li>{@code xenon.computes.running} (gauge): computes running now
 *   <li>{@code xenon.compute.start} (timer): successful starts, tagged {@code source=basebackup|cache}
 *   <li>{@code xenon.compute.starts} (counter): starts, tagged {@code outcome=success|failure}
 *   <li>{@code xenon.compute.stops} (counter): stops, tagged {@code outcome=clean|unclean}
 * </ul>
 */
final class ComputeMetrics {

    static final String DRIVER = "local";

    /** Where a start got its data directory. */
    enum Source {
        BASEBACKUP,
        CACHE;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;

    ComputeMetrics(MeterRegistry registry, Supplier<Number> running) {
        this.registry = registry;
        Gauge.builder("xenon.computes.running", running)
                .description("Computes running now")
                .tag("driver", DRIVER)
                .register(registry);
    }

    void started(Source source, Duration took) {
        Timer.builder("xenon.compute.start")
                .description("Time from a start request until the compute accepts connections")
                .tags("driver", DRIVER, "source", source.tag())
                .register(registry)
                .record(took);
        starts("success").increment();
    }

    void startFailed() {
        starts("failure").increment();
    }

    void stopped(boolean clean) {
        Counter.builder("xenon.compute.stops")
                .description("Compute stops")
                .tags("driver", DRIVER, "outcome", clean ? "clean" : "unclean")
                .register(registry)
                .increment();
    }

    private Counter starts(String outcome) {
        return Counter.builder("xenon.compute.starts")
                .description("Compute starts")
                .tags("driver", DRIVER, "outcome", outcome)
                .register(registry);
    }
}
