package dev.xenon.storagenode.remote;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration under {@code xenon.storage-node.remote}: which {@link RemoteStorage} the storage
 * node uses.
 *
 * <pre>
 * xenon.storage-node.remote.kind=s3
 * xenon.storage-node.remote.s3.bucket=xenon-layers
 * xenon.storage-node.remote.s3.prefix=prod
 * xenon.storage-node.remote.s3.endpoint=http://minio:9000
 * xenon.storage-node.remote.s3.path-style=true
 * </pre>
 *
 * @param kind {@code local} (the default: a directory) or {@code s3}
 * @param localPath the directory for {@code local}; null means {@code
 *     <xenon.storage-node.data-dir>/remote-storage}
 * @param s3 the bucket for {@code s3}
 */
@ConfigurationProperties("xenon.storage-node.remote")
public record RemoteStorageProperties(
        @DefaultValue("local") Kind kind,
        Path localPath,
        @DefaultValue S3 s3) {

    public enum Kind {
        LOCAL,
        S3
    }

    /**
     * See {@link S3Settings} for each field.
     *
     * @param bucket required when {@code kind} is {@code s3}
     * @param prefix key prefix; empty for the bucket's root
     * @param endpoint an S3-compatible endpoint; unset for AWS
     * @param region signing region, {@value S3Settings#DEFAULT_REGION} when unset
     * @param pathStyle path-style bucket addressing (most S3-compatible servers want it)
     * @param accessKey static credentials; unset for the SDK's default chain
     * @param secretKey the secret to {@code accessKey}; never printed
     */
    public record S3(
            String bucket,
            @DefaultValue("") String prefix,
            URI endpoint,
            @DefaultValue(S3Settings.DEFAULT_REGION) String region,
            @DefaultValue("false") boolean pathStyle,
            String accessKey,
            String secretKey) {

        public S3Settings toSettings() {
            return new S3Settings(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey);
        }

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + ", accessKey=" + accessKey + ", secretKey="
                    + (secretKey == null ? "null" : "******") + "]";
        }
    }
}
