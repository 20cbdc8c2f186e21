package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper keeps the contract and exports what the Prometheus endpoint will show. */
class MeteredRemoteStorageTest extends RemoteStorageContractTest {

    @TempDir
    Path root;

    private PrometheusMeterRegistry registry;
    private MeteredRemoteStorage storage;

    @BeforeEach
    void createStorage() throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        storage = new MeteredRemoteStorage(new LocalFsRemoteStorage(root.resolve("remote")), registry);
    }

    @Override
    protected RemoteStorage storage() {
        return storage;
    }

    @Test
    void countsBytesAndTimesCallsByOperation() throws IOException {
        Path file = Files.write(localDir.resolve("file"), new byte[1000]);
        storage.upload(RemotePath.parse("a"), file);
        storage.uploadBytes(RemotePath.parse("b"), new byte[24]);
        storage.download(RemotePath.parse("a"), localDir.resolve("copy"));
        storage.downloadBytes(RemotePath.parse("b"));
        storage.list(RemotePath.ROOT);
        assertThatThrownBy(() -> storage.downloadBytes(RemotePath.parse("missing")))
                .isInstanceOf(RemoteObjectNotFoundException.class);
        assertThatThrownBy(() -> storage.upload(RemotePath.parse("c"), localDir.resolve("missing")))
                .isInstanceOf(IOException.class);
        storage.delete(List.of(RemotePath.parse("a"), RemotePath.parse("b")));

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("xenon_storage_remote_bytes_total{op=\"upload\"} 1024")
                .contains("xenon_storage_remote_bytes_total{op=\"download\"} 1024")
                .contains("xenon_storage_remote_seconds_count{op=\"upload\",outcome=\"success\"} 2")
                .contains("xenon_storage_remote_seconds_count{op=\"download\",outcome=\"success\"} 2")
                .contains("xenon_storage_remote_seconds_count{op=\"download\",outcome=\"not_found\"} 1")
                .contains("xenon_storage_remote_seconds_count{op=\"upload\",outcome=\"error\"} 1")
                .contains("xenon_storage_remote_seconds_count{op=\"list\",outcome=\"success\"} 1")
                .contains("xenon_storage_remote_seconds_count{op=\"delete\",outcome=\"success\"} 1");
        assertThat(storage.describe()).isEqualTo(storage.delegate().describe());
    }
}
