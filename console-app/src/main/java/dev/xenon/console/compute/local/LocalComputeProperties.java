package dev.xenon.console.compute.local;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the local compute driver ({@code xenon.compute.local.*}).
 *
 * @param pgBinDir the PostgreSQL {@code bin} directory to run; null: {@code XENON_PG_BIN_DIR}, else
 *     discovery of the timeline's major version
 * @param portRangeStart first TCP port handed to computes (below Linux' ephemeral range by
 *     default, so an outgoing connection never holds an endpoint's port)
 * @param portRangeEnd last TCP port handed to computes (inclusive)
 * @param readinessTimeout how long Postgres may take to accept connections (crash recovery of the
 *     restored WAL included)
 * @param ingestTimeout how long to wait for the storage node to ingest WAL up to a start LSN, or
 *     after a stop up to the committed LSN
 * @param shutdownTimeout how long a fast shutdown may take before the postmaster is killed
 * @param reuseDataDirectory whether a start may reuse the data directory a clean stop left when it
 *     is still at the branch's last LSN, instead of restoring a basebackup
 */
@ConfigurationProperties("xenon.compute.local")
public record LocalComputeProperties(
        Path pgBinDir,
        @DefaultValue("25432") int portRangeStart,
        @DefaultValue("26431") int portRangeEnd,
        @DefaultValue("60s") Duration readinessTimeout,
        @DefaultValue("60s") Duration ingestTimeout,
        @DefaultValue("30s") Duration shutdownTimeout,
        @DefaultValue("true") boolean reuseDataDirectory) {

    public LocalComputeProperties {
        if (portRangeStart < 1024 || portRangeEnd > 65535 || portRangeStart > portRangeEnd) {
            throw new IllegalArgumentException("xenon.compute.local port range " + portRangeStart + ".." + portRangeEnd
                    + " is not a range of unprivileged ports");
        }
    }

    /** The defaults, as in a configuration without {@code xenon.compute.local.*}. */
    public static LocalComputeProperties defaults() {
        return new LocalComputeProperties(
                null, 25432, 26431, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30), true);
    }

    public LocalComputeProperties withPortRange(int start, int end) {
        return new LocalComputeProperties(
                pgBinDir, start, end, readinessTimeout, ingestTimeout, shutdownTimeout, reuseDataDirectory);
    }

    public LocalComputeProperties withReuseDataDirectory(boolean reuse) {
        return new LocalComputeProperties(
                pgBinDir, portRangeStart, portRangeEnd, readinessTimeout, ingestTimeout, shutdownTimeout, reuse);
    }
}
