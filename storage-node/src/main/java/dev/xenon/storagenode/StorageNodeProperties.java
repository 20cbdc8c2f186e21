package dev.xenon.storagenode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration under {@code xenon.storage-node}.
 *
 * @param dataDir local layer cache and bootstrap scratch space; everything in it can be rebuilt
 *     from remote storage
 * @param walNodes base URLs of the WAL nodes that committed WAL is read from (a majority of them
 *     decides what is committed)
 * @param segmentSize WAL segment size of the computes (Postgres' {@code wal_segment_size})
 * @param ingestInterval how often each timeline asks the WAL nodes for newly committed WAL
 * @param checkpointDistance WAL held in the open (in-memory) layer before it is written out as a
 *     delta layer and uploaded
 * @param checkpointTimeout oldest age of unwritten WAL in the open layer before it is written out
 * @param imageCreationThreshold WAL written on a timeline since its newest image after which a new
 *     image is taken (from the running compute, else by redo)
 * @param imageCreationAge a timeline with any WAL after its newest image gets a new image once
 *     that image is this old (counted from when this node wrote or loaded it), so the WAL a start
 *     replays stays bounded in time too
 * @param localCacheSize layers uploaded to remote storage are evicted from the local disk, least
 *     recently used first, beyond this size
 * @param gcInterval how often garbage collection runs over every tenant
 */
@ConfigurationProperties("xenon.storage-node")
public record StorageNodeProperties(
        @DefaultValue("./data/storage-node") Path dataDir,
        @DefaultValue List<URI> walNodes,
        @DefaultValue("16777216") int segmentSize,
        @DefaultValue("200ms") Duration ingestInterval,
        @DefaultValue("16MB") DataSize checkpointDistance,
        @DefaultValue("30s") Duration checkpointTimeout,
        @DefaultValue("256MB") DataSize imageCreationThreshold,
        @DefaultValue("1h") Duration imageCreationAge,
        @DefaultValue("10GB") DataSize localCacheSize,
        @DefaultValue("10m") Duration gcInterval) {}
