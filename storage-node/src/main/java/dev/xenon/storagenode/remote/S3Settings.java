package dev.xenon.storagenode.remote;

import java.net.URI;

/**
 * Where and how {@link S3RemoteStorage} reaches its bucket.
 *
 * @param bucket the bucket; required
 * @param prefix key prefix under which every object lives ({@code ""} for the bucket's root);
 *     leading and trailing {@code /} are dropped, the rest must be a valid {@link RemotePath}
 * @param endpoint an S3-compatible endpoint (MinIO, S3Proxy, Ceph ...); null for AWS
 * @param region the signing region; null or blank means {@value #DEFAULT_REGION}
 * @param pathStyle address the bucket as {@code endpoint/bucket} rather than {@code
 *     bucket.endpoint} (what most S3-compatible servers want)
 * @param accessKey static credentials; null (with {@code secretKey} null) for the SDK's default
 *     chain (environment, profile, web identity, instance role)
 * @param secretKey the secret to {@code accessKey}; never printed by {@link #toString}
 */
public record S3Settings(
        String bucket,
        String prefix,
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey) {

    public static final String DEFAULT_REGION = "us-east-1";

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket is missing");
        }
        prefix = normalizePrefix(prefix);
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        accessKey = blankToNull(accessKey);
        secretKey = blankToNull(secretKey);
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException(
                    "S3 access key and secret key go together: give both, or neither to use the default credentials chain");
        }
    }

    /** AWS S3 in {@link #DEFAULT_REGION} with the default credentials chain. */
    public static S3Settings of(String bucket, String prefix) {
        return new S3Settings(bucket, prefix, null, null, false, null, null);
    }

    public boolean hasStaticCredentials() {
        return accessKey != null;
    }

    /** {@code s3://bucket/prefix}, plus the endpoint when it is not AWS. */
    public String describe() {
        String location = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        return endpoint == null ? location : location + " at " + endpoint;
    }

    @Override
    public String toString() {
        return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                + ", pathStyle=" + pathStyle + ", accessKey=" + accessKey + ", secretKey="
                + (secretKey == null ? "null" : "******") + "]";
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        int start = 0;
        int end = prefix.length();
        while (start < end && prefix.charAt(start) == '/') {
            start++;
        }
        while (end > start && prefix.charAt(end - 1) == '/') {
            end--;
        }
        String trimmed = prefix.substring(start, end);
        try {
            return RemotePath.parse(trimmed).value();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid S3 prefix: " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
