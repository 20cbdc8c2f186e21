package dev.xenon.storagenode.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Remote storage in an S3 bucket (AWS or any S3-compatible server), through the AWS SDK v2's
 * synchronous client and its default (Apache) HTTP client, which retries throttling and transient
 * errors itself (standard retry mode, 3 attempts).
 *
 * <p>The object at {@code a/b} is the key {@code <prefix>/a/b} ({@code a/b} when the prefix is
 * empty). Uploads are one {@code PutObject} each, which S3 makes visible all at once; hence objects
 * are limited to {@value #MAX_OBJECT_SIZE} bytes (5 GiB, S3's single-PUT limit). Downloads stream
 * {@code GetObject} into a temp file next to the target, fsynced and renamed over it (see {@link
 * AtomicFileWriter}), and check the byte count against {@code Content-Length}. {@code list} pages
 * through {@code ListObjectsV2} with continuation tokens and skips keys that are not valid {@link
 * RemotePath}s (e.g. "folder" markers made by consoles); {@code delete} sends {@code
 * DeleteObjects} in batches of at most 1000 keys.
 *
 * <p>With a custom endpoint, request checksums are only sent where the S3 API requires them and
 * response checksums only validated where required: the SDK's newer default (a CRC32 trailer on
 * every upload) is not understood by every S3-compatible server. Against AWS the defaults apply.
 *
 * <p>Every SDK failure becomes an {@link IOException} naming the operation and key; a missing key
 * on download becomes {@link RemoteObjectNotFoundException}. Thread-safe; {@link #close} releases
 * the HTTP connection pool.
 */
public final class S3RemoteStorage implements RemoteStorage, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3RemoteStorage.class);

    /** S3's limit on one {@code PutObject}. */
    public static final long MAX_OBJECT_SIZE = 5L * 1024 * 1024 * 1024;

    /** S3's limit on keys per {@code ListObjectsV2} page and per {@code DeleteObjects} request. */
    static final int MAX_KEYS_PER_REQUEST = 1000;

    private final S3Settings settings;
    private final S3Client client;
    private final String keyPrefix;
    private final int listPageSize;
    private final int deleteBatchSize;

    public S3RemoteStorage(S3Settings settings) {
        this(settings, MAX_KEYS_PER_REQUEST, MAX_KEYS_PER_REQUEST);
    }

    /** With smaller pages and batches than S3's maximum, so tests can exercise paging cheaply. */
    S3RemoteStorage(S3Settings settings, int listPageSize, int deleteBatchSize) {
        if (listPageSize < 1 || listPageSize > MAX_KEYS_PER_REQUEST) {
            throw new IllegalArgumentException(
                    "list page size must be 1.." + MAX_KEYS_PER_REQUEST + ": " + listPageSize);
        }
        if (deleteBatchSize < 1 || deleteBatchSize > MAX_KEYS_PER_REQUEST) {
            throw new IllegalArgumentException(
                    "delete batch size must be 1.." + MAX_KEYS_PER_REQUEST + ": " + deleteBatchSize);
        }
        this.settings = settings;
        this.client = newClient(settings);
        this.keyPrefix = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        this.listPageSize = listPageSize;
        this.deleteBatchSize = deleteBatchSize;
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public void upload(RemotePath path, Path file) throws IOException {
        path.requireObject("upload");
        long size = Files.size(file);
        if (size > MAX_OBJECT_SIZE) {
            throw new IOException("cannot upload " + file + " to " + location(path) + ": " + size
                    + " bytes is more than S3's single-upload limit of " + MAX_OBJECT_SIZE);
        }
        put(path, RequestBody.fromFile(file));
    }

    @Override
    public void uploadBytes(RemotePath path, byte[] bytes) throws IOException {
        put(path.requireObject("upload"), RequestBody.fromBytes(bytes));
    }

    private void put(RemotePath path, RequestBody body) throws IOException {
        try {
            client.putObject(b -> b.bucket(settings.bucket()).key(key(path)), body);
        } catch (SdkException e) {
            throw failure("PutObject", path, e);
        }
    }

    @Override
    public void download(RemotePath path, Path target) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = get(path.requireObject("download"))) {
            Long expected = in.response().contentLength();
            AtomicFileWriter.write(target, out -> {
                long copied = copy(path, in, Channels.newOutputStream(out));
                if (expected != null && copied != expected) {
                    throw new IOException(
                            "GetObject " + location(path) + " ended after " + copied + " of " + expected + " bytes");
                }
            });
        }
    }

    @Override
    public byte[] downloadBytes(RemotePath path) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = get(path.requireObject("download"))) {
            try {
                return in.readAllBytes();
            } catch (SdkException e) {
                throw failure("GetObject", path, e);
            }
        }
    }

    /** Starts a {@code GetObject}: fails before any byte of the body is read when the key is missing. */
    private ResponseInputStream<GetObjectResponse> get(RemotePath path) throws IOException {
        try {
            return client.getObject(b -> b.bucket(settings.bucket()).key(key(path)));
        } catch (NoSuchKeyException e) {
            throw new RemoteObjectNotFoundException(path, describe(), e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException) && !isNoSuchBucket(e)) {
                throw new RemoteObjectNotFoundException(path, describe(), e);
            }
            throw failure("GetObject", path, e);
        } catch (SdkException e) {
            throw failure("GetObject", path, e);
        }
    }

    private long copy(RemotePath path, InputStream in, OutputStream out) throws IOException {
        try {
            return in.transferTo(out);
        } catch (SdkException e) {
            throw failure("GetObject", path, e);
        }
    }

    @Override
    public List<RemoteObject> list(RemotePath prefix) throws IOException {
        String listPrefix = prefix.isRoot() ? keyPrefix : key(prefix) + "/";
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(settings.bucket())
                .prefix(listPrefix)
                .maxKeys(listPageSize);
        List<RemoteObject> objects = new ArrayList<>();
        try {
            String continuation = null;
            do {
                ListObjectsV2Response page = client.listObjectsV2(
                        request.continuationToken(continuation).build());
                for (S3Object object : page.contents()) {
                    String relative = object.key().substring(keyPrefix.length());
                    RemotePath.tryParse(relative)
                            .filter(path -> !path.isRoot())
                            .ifPresentOrElse(
                                    path -> objects.add(new RemoteObject(path, object.size())),
                                    () -> log.debug(
                                            "skipping key {} in {}: not a remote path", object.key(), describe()));
                }
                continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (continuation != null);
        } catch (SdkException e) {
            throw failure("ListObjectsV2", prefix, e);
        }
        objects.sort(Comparator.comparing(RemoteObject::path));
        return objects;
    }

    @Override
    public void delete(Collection<RemotePath> paths) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        for (RemotePath path : paths) {
            keys.add(key(path.requireObject("delete")));
        }
        List<ObjectIdentifier> all = keys.stream()
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
        for (int from = 0; from < all.size(); from += deleteBatchSize) {
            List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + deleteBatchSize));
            DeleteObjectsResponse response;
            try {
                response = client.deleteObjects(b ->
                        b.bucket(settings.bucket()).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw new IOException(
                        "DeleteObjects of " + batch.size() + " keys in " + describe() + " failed: " + e.getMessage(),
                        e);
            }
            List<S3Error> errors = response.errors().stream()
                    .filter(error -> !"NoSuchKey".equals(error.code()))
                    .toList();
            if (!errors.isEmpty()) {
                S3Error first = errors.getFirst();
                throw new IOException("DeleteObjects in " + describe() + " failed for " + errors.size() + " of "
                        + batch.size() + " keys, first " + first.key() + ": " + first.code() + " " + first.message());
            }
        }
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public String toString() {
        return "S3RemoteStorage[" + describe() + "]";
    }

    @Override
    public void close() {
        client.close();
    }

    private String key(RemotePath path) {
        return keyPrefix + path.value();
    }

    private String location(RemotePath path) {
        return "s3://" + settings.bucket() + "/" + key(path);
    }

    private IOException failure(String operation, RemotePath path, SdkException e) {
        String code = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                ? " (" + s3.awsErrorDetails().errorCode() + ")"
                : "";
        return new IOException(operation + " " + location(path) + " failed" + code + ": " + e.getMessage(), e);
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null
                && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    private static S3Client newClient(S3Settings settings) {
        S3ClientBuilder builder =
                S3Client.builder().region(Region.of(settings.region())).forcePathStyle(settings.pathStyle());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        if (settings.hasStaticCredentials()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        }
        return builder.build();
    }
}
