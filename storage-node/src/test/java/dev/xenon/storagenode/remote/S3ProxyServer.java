package dev.xenon.storagenode.remote;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An in-process S3 protocol server for tests: S3Proxy over an in-memory blob store, on a free
 * port of 127.0.0.1, checking AWS V2 or V4 signatures made with {@link #ACCESS_KEY} and {@link
 * #SECRET_KEY}. Address buckets path-style ({@code http://127.0.0.1:port/bucket/key}).
 *
 * <pre>{@code
 * static S3ProxyServer s3;
 * @BeforeAll static void startS3() throws Exception { s3 = S3ProxyServer.start(); s3.createBucket("layers"); }
 * @AfterAll static void stopS3() throws Exception { s3.close(); }
 * ... new S3RemoteStorage(s3.settings("layers", "prefix")) ...
 * }</pre>
 *
 * S3Proxy's Jetty is shaded inside its jar, so it cannot clash with the application's web server.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "xenon-test-access";
    public static final String SECRET_KEY = "xenon-test-secret";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStore blobStore) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server with no buckets. */
    public static S3ProxyServer start() throws Exception {
        BlobStore blobStore = new TransientNio2BlobStore();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(proxy.getState()));
        return new S3ProxyServer(proxy, blobStore);
    }

    public URI endpoint() {
        return endpoint;
    }

    public void createBucket(String bucket) {
        blobStore.createContainer(bucket);
    }

    /** Settings for {@link S3RemoteStorage} against this server: path-style, static credentials. */
    public S3Settings settings(String bucket, String prefix) {
        return new S3Settings(bucket, prefix, endpoint, S3Settings.DEFAULT_REGION, true, ACCESS_KEY, SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobStore.close();
    }
}
