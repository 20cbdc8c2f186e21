package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class RemoteStorageConfigurationTest {

    @TempDir
    Path dataDir;

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(RemoteStorageConfiguration.class);

    @Test
    void defaultsToADirectoryUnderTheDataDirectory() {
        context.withPropertyValues("xenon.storage-node.data-dir=" + dataDir).run(context -> {
            RemoteStorage storage = context.getBean(RemoteStorage.class);
            assertThat(storage).isInstanceOf(LocalFsRemoteStorage.class);
            assertThat(((LocalFsRemoteStorage) storage).root()).isEqualTo(dataDir.resolve("remote-storage"));
            assertThat(dataDir.resolve("remote-storage")).isDirectory();
        });
    }

    @Test
    void usesTheLocalPathWhenSet() {
        Path elsewhere = dataDir.resolve("elsewhere");
        context.withPropertyValues(
                        "xenon.storage-node.remote.kind=local", "xenon.storage-node.remote.local-path=" + elsewhere)
                .run(context -> assertThat(context.getBean(RemoteStorage.class).describe())
                        .isEqualTo("file://" + elsewhere));
    }

    @Test
    void bindsS3Settings() {
        context.withPropertyValues(
                        "xenon.storage-node.remote.kind=s3",
                        "xenon.storage-node.remote.s3.bucket=layers",
                        "xenon.storage-node.remote.s3.prefix=prod/eu",
                        "xenon.storage-node.remote.s3.endpoint=http://minio:9000",
                        "xenon.storage-node.remote.s3.path-style=true",
                        "xenon.storage-node.remote.s3.access-key=AK",
                        "xenon.storage-node.remote.s3.secret-key=SK-secret")
                .run(context -> {
                    S3RemoteStorage storage = (S3RemoteStorage) context.getBean(RemoteStorage.class);
                    assertThat(storage.settings())
                            .isEqualTo(new S3Settings(
                                    "layers",
                                    "prod/eu",
                                    URI.create("http://minio:9000"),
                                    "us-east-1",
                                    true,
                                    "AK",
                                    "SK-secret"));
                    assertThat(storage.describe()).isEqualTo("s3://layers/prod/eu at http://minio:9000");
                    assertThat(context.getBean(RemoteStorageProperties.class).toString())
                            .doesNotContain("SK-secret");
                });
    }

    @Test
    void s3WithoutABucketFailsStartUpNamingTheProperty() {
        context.withPropertyValues("xenon.storage-node.remote.kind=s3").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("xenon.storage-node.remote.s3.bucket")
                    .hasMessageContaining("required when xenon.storage-node.remote.kind is s3");
        });
    }

    @Test
    void halfOfAKeyPairFailsStartUp() {
        context.withPropertyValues(
                        "xenon.storage-node.remote.kind=s3",
                        "xenon.storage-node.remote.s3.bucket=layers",
                        "xenon.storage-node.remote.s3.access-key=AK")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("access key and secret key go together"));
    }

    @Test
    void anUnknownKindFailsStartUp() {
        context.withPropertyValues("xenon.storage-node.remote.kind=gcs")
                .run(context ->
                        assertThat(context.getStartupFailure()).hasMessageContaining("xenon.storage-node.remote"));
    }

    @Test
    void addsMetricsWhenThereIsARegistry() {
        context.withPropertyValues("xenon.storage-node.data-dir=" + dataDir)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    RemoteStorage storage = context.getBean(RemoteStorage.class);
                    assertThat(storage).isInstanceOf(MeteredRemoteStorage.class);
                    storage.uploadBytes(RemotePath.parse("x"), new byte[] {1, 2, 3});
                    assertThat(context.getBean(MeterRegistry.class)
                                    .get("xenon.storage.remote.bytes")
                                    .tag("op", "upload")
                                    .counter()
                                    .count())
                            .isEqualTo(3);
                });
    }
}
