package dev.xenon.storagenode.remote;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The storage node's {@link RemoteStorage} bean, chosen by {@link RemoteStorageProperties} and
 * wrapped in {@link MeteredRemoteStorage} when there is a {@link MeterRegistry}. Fails start-up with
 * a message naming the property when the settings cannot work (e.g. {@code kind=s3} without a
 * bucket).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RemoteStorageProperties.class)
public class RemoteStorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RemoteStorageConfiguration.class);

    static final String PREFIX = "xenon.storage-node.remote";

    /** Under the storage node's data directory when {@code local-path} is not set. */
    static final String DEFAULT_LOCAL_DIRECTORY = "remote-storage";

    @Bean
    RemoteStorage remoteStorage(
            RemoteStorageProperties properties,
            @Value("${xenon.storage-node.data-dir:./data/storage-node}") Path dataDir,
            ObjectProvider<MeterRegistry> meterRegistry)
            throws IOException {
        RemoteStorage storage = create(properties, dataDir);
        log.info("remote storage: {}", storage.describe());
        MeterRegistry registry = meterRegistry.getIfAvailable();
        return registry == null ? storage : new MeteredRemoteStorage(storage, registry);
    }

    static RemoteStorage create(RemoteStorageProperties properties, Path dataDir) throws IOException {
        return switch (properties.kind()) {
            case LOCAL ->
                new LocalFsRemoteStorage(
                        properties.localPath() != null
                                ? properties.localPath()
                                : dataDir.resolve(DEFAULT_LOCAL_DIRECTORY));
            case S3 -> new S3RemoteStorage(s3Settings(properties.s3()));
        };
    }

    private static S3Settings s3Settings(RemoteStorageProperties.S3 s3) {
        if (s3.bucket() == null || s3.bucket().isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    PREFIX + ".s3.bucket", s3.bucket(), "required when " + PREFIX + ".kind is s3");
        }
        try {
            return s3.toSettings();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + ".s3", s3, e.getMessage());
        }
    }
}
