package dev.xenon.console.config;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the control plane finds the data plane and keeps its own files ({@code xenon.*} in
 * {@code console-app.yaml}).
 *
 * @param dataDir the control plane's working directory (local computes live under
 *     {@code computes/})
 * @param storageNodeUrl base URL of the storage node's HTTP API
 * @param walNodes base URLs of the WAL nodes, in order: {@code wal-0}, {@code wal-1}, ...
 */
@ConfigurationProperties("xenon")
public record PlatformProperties(
        @DefaultValue("data/console") Path dataDir,
        @DefaultValue("http://127.0.0.1:9898") String storageNodeUrl,

        @DefaultValue({"http://127.0.0.1:7676", "http://127.0.0.1:7677", "http://127.0.0.1:7678"})
        List<String> walNodes) {}
