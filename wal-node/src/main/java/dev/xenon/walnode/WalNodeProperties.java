package dev.xenon.walnode;

import dev.xenon.walnode.receiver.WalReceiver;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration under {@code xenon.wal-node}.
 *
 * @param name this node's name; the {@code application_name} it streams under, which must appear
 *     in the compute's {@code synchronous_standby_names}; its replication slot is the name with
 *     {@code -} replaced by {@code _}
 * @param dataDir where timelines live
 * @param segmentSize WAL segment size of the computes (Postgres' {@code wal_segment_size})
 * @param reconnectMin first back-off after a lost compute connection; doubles up to
 *     {@code reconnectMax}
 * @param flushMode who fsyncs and acknowledges received WAL, see {@link WalReceiver.FlushMode}
 * @param streamTimeout how long a replication stream may bring nothing before the node drops the
 *     connection and reconnects; longer than half the computes' {@code wal_sender_timeout} (an idle
 *     walsender sends a keepalive that often)
 */
@ConfigurationProperties("xenon.wal-node")
public record WalNodeProperties(
        @DefaultValue("wal-0") String name,
        @DefaultValue("./data/wal-node") Path dataDir,
        @DefaultValue("16777216") int segmentSize,
        @DefaultValue("100ms") Duration reconnectMin,
        @DefaultValue("5s") Duration reconnectMax,
        @DefaultValue("inline") WalReceiver.FlushMode flushMode,
        @DefaultValue("90s") Duration streamTimeout) {

    public String slotName() {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
