package dev.xenon.walnode.timeline;

import dev.xenon.common.TimelineId;
import dev.xenon.walnode.WalNodeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The timelines of this node, one directory each under {@code <data-dir>/timelines/<id>/}. Loaded
 * (and their WAL checked for torn writes) at start; a timeline is created by its first term.
 */
@Component
public class TimelineRegistry {

    private static final Logger log = LoggerFactory.getLogger(TimelineRegistry.class);

    private final WalNodeProperties props;
    private final MeterRegistry meters;
    private final Path root;
    private final ConcurrentMap<TimelineId, Timeline> timelines = new ConcurrentHashMap<>();

    public TimelineRegistry(WalNodeProperties props, MeterRegistry meters) throws IOException {
        this.props = props;
        this.meters = meters;
        this.root = props.dataDir().resolve("timelines");
        Files.createDirectories(root);
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (!Files.exists(dir.resolve(ControlFileStore.FILE))) {
                    continue;
                }
                TimelineId id = TimelineId.parse(dir.getFileName().toString());
                timelines.put(id, Timeline.open(id, dir, props, meters));
            }
        }
        log.info("WAL node {}: {} timelines in {}", props.name(), timelines.size(), root);
        timelines.values().forEach(Timeline::resume);
    }

    public Timeline get(TimelineId id) {
        Timeline t = timelines.get(id);
        if (t == null) {
            throw new TimelineNotFoundException(id);
        }
        return t;
    }

    public Timeline getOrCreate(TimelineId id) {
        return timelines.computeIfAbsent(id, k -> {
            try {
                return Timeline.create(k, root.resolve(k.toString()), props, meters);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create timeline " + k, e);
            }
        });
    }

    public Collection<Timeline> all() {
        return List.copyOf(timelines.values());
    }

    /** Keeps each timeline's recovery hint fresh so a restart scans only recent WAL. */
    @Scheduled(fixedDelayString = "${xenon.wal-node.hint-interval:5s}")
    void checkpointHints() {
        for (Timeline t : timelines.values()) {
            try {
                t.checkpointHint();
            } catch (IOException | RuntimeException e) {
                log.warn("timeline {}: cannot persist recovery hint: {}", t.id(), e.getMessage());
            }
        }
    }

    @PreDestroy
    void close() {
        for (Timeline t : timelines.values()) {
            try {
                t.close();
            } catch (IOException | RuntimeException e) {
                log.warn("timeline {}: close failed: {}", t.id(), e.getMessage());
            }
        }
    }
}
