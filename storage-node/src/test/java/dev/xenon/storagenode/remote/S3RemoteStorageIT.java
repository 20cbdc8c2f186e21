package dev.xenon.storagenode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The contract against a real S3 protocol server (S3Proxy, in-process). Each test gets its own key
 * prefix in one bucket; pages and delete batches are 10 keys so that {@value #MANY} objects cross
 * their boundaries.
 */
class S3RemoteStorageIT extends RemoteStorageContractTest {

    private static final String BUCKET = "xenon-layers";
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

    private static S3ProxyServer s3;
    private static S3Client rawClient;

    private S3RemoteStorage storage;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        rawClient = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stopS3() throws Exception {
        rawClient.close();
        s3.close();
    }

    @BeforeEach
    void createStorage() {
        storage = new S3RemoteStorage(s3.settings(BUCKET, "test-" + TEST_NUMBER.incrementAndGet()), 10, 10);
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Override
    protected RemoteStorage storage() {
        return storage;
    }

    @Test
    void listingFollowsContinuationTokens() throws IOException {
        for (int i = 0; i < MANY; i++) {
            storage.uploadBytes(RemotePath.of("paged", "%02d".formatted(i)), new byte[] {1});
        }
        String prefix = storage.settings().prefix() + "/paged/";
        ListObjectsV2Response firstPage =
                rawClient.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix).maxKeys(10));
        assertThat(firstPage.contents()).as("the server honours max-keys").hasSize(10);
        assertThat(firstPage.isTruncated()).isTrue();

        assertThat(storage.list(RemotePath.parse("paged"))).hasSize(MANY);
    }

    @Test
    void keysArePrefixPlusPath() throws IOException {
        S3RemoteStorage prefixed = new S3RemoteStorage(s3.settings(BUCKET, "/deep/prefix/"));
        try (prefixed) {
            prefixed.uploadBytes(RemotePath.parse("tenants/t1/layer"), new byte[] {1, 2});
            assertThat(prefixed.describe()).isEqualTo("s3://" + BUCKET + "/deep/prefix at " + s3.endpoint());
        }
        assertThat(rawKeys("deep/")).containsExactly("deep/prefix/tenants/t1/layer");
    }

    @Test
    void anEmptyPrefixIsTheBucketsRoot() throws IOException {
        s3.createBucket("bare");
        try (S3RemoteStorage bare = new S3RemoteStorage(s3.settings("bare", ""))) {
            bare.uploadBytes(RemotePath.parse("top/object"), new byte[] {1});
            assertThat(bare.describe()).startsWith("s3://bare at ");
            assertThat(bare.list(RemotePath.ROOT)).containsExactly(new RemoteObject(RemotePath.parse("top/object"), 1));
            bare.delete(List.of(RemotePath.parse("top/object")));
        }
        assertThat(rawClient.listObjectsV2(b -> b.bucket("bare")).contents()).isEmpty();
    }

    @Test
    void listingSkipsKeysThatAreNotRemotePaths() throws IOException {
        String prefix = storage.settings().prefix() + "/";
        rawClient.putObject(b -> b.bucket(BUCKET).key(prefix + "folder/"), RequestBody.empty());
        rawClient.putObject(b -> b.bucket(BUCKET).key(prefix + "with space"), RequestBody.fromString("x"));
        storage.uploadBytes(RemotePath.parse("folder/object"), new byte[] {1});

        assertThat(paths(storage.list(RemotePath.ROOT))).containsExactly("folder/object");
    }

    @Test
    void aMissingBucketIsAnErrorNotAMissingObject() {
        try (S3RemoteStorage nowhere = new S3RemoteStorage(s3.settings("no-such-bucket", "p"))) {
            assertThatThrownBy(() -> nowhere.downloadBytes(RemotePath.parse("a")))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(RemoteObjectNotFoundException.class)
                    .hasMessageContaining("s3://no-such-bucket/p/a");
            assertThatThrownBy(() -> nowhere.list(RemotePath.ROOT)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void wrongCredentialsAreAnIOExceptionThatHidesTheSecret() {
        S3Settings wrong =
                new S3Settings(BUCKET, "p", s3.endpoint(), null, true, S3ProxyServer.ACCESS_KEY, "not-the-secret");
        try (S3RemoteStorage denied = new S3RemoteStorage(wrong)) {
            assertThatThrownBy(() -> denied.uploadBytes(RemotePath.parse("a"), new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("PutObject s3://" + BUCKET + "/p/a failed")
                    .hasMessageNotContaining("not-the-secret");
        }
        assertThat(wrong.toString()).doesNotContain("not-the-secret").contains("secretKey=******");
    }

    @Test
    void anUnreachableEndpointIsAnIOException() {
        S3Settings closed = new S3Settings(
                BUCKET,
                "p",
                URI.create("http://127.0.0.1:1"),
                null,
                true,
                S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY);
        try (S3RemoteStorage unreachable = new S3RemoteStorage(closed)) {
            assertThatThrownBy(() -> unreachable.list(RemotePath.ROOT))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ListObjectsV2");
        }
    }

    private static List<String> rawKeys(String prefix) {
        return rawClient.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }
}
