package dev.xenon.storagenode.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Adds metrics to another {@link RemoteStorage}; behaviour is the delegate's.
 *
 * <ul>
 *   <li>{@code xenon_storage_remote_bytes_total{op=upload|download}}: bytes moved by successful
 *       uploads and downloads;
 *   <li>{@code xenon_storage_remote_seconds{op=upload|download|list|delete,outcome=success|not_found|error}}:
 *       how long each call took ({@code not_found} is a download of a missing object).
 * </ul>
 *
 * <p>Thread-safe if the delegate is. {@link #close} closes the delegate when it is {@link
 * AutoCloseable}, so a Spring bean of this type releases an S3 client on shutdown.
 */
public final class MeteredRemoteStorage implements RemoteStorage, AutoCloseable {

    private enum Op {
        UPLOAD,
        DOWNLOAD,
        LIST,
        DELETE
    }

    private enum Outcome {
        SUCCESS,
        NOT_FOUND,
        ERROR
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private final RemoteStorage delegate;
    private final MeterRegistry registry;
    private final Counter uploadedBytes;
    private final Counter downloadedBytes;

    public MeteredRemoteStorage(RemoteStorage delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.uploadedBytes = bytesCounter(Op.UPLOAD);
        this.downloadedBytes = bytesCounter(Op.DOWNLOAD);
    }

    public RemoteStorage delegate() {
        return delegate;
    }

    @Override
    public void upload(RemotePath path, Path file) throws IOException {
        long size = timed(Op.UPLOAD, () -> {
            long bytes = Files.size(file);
            delegate.upload(path, file);
            return bytes;
        });
        uploadedBytes.increment(size);
    }

    @Override
    public void uploadBytes(RemotePath path, byte[] bytes) throws IOException {
        timed(Op.UPLOAD, () -> {
            delegate.uploadBytes(path, bytes);
            return null;
        });
        uploadedBytes.increment(bytes.length);
    }

    @Override
    public void download(RemotePath path, Path target) throws IOException {
        long size = timed(Op.DOWNLOAD, () -> {
            delegate.download(path, target);
            return Files.size(target);
        });
        downloadedBytes.increment(size);
    }

    @Override
    public byte[] downloadBytes(RemotePath path) throws IOException {
        byte[] bytes = timed(Op.DOWNLOAD, () -> delegate.downloadBytes(path));
        downloadedBytes.increment(bytes.length);
        return bytes;
    }

    @Override
    public List<RemoteObject> list(RemotePath prefix) throws IOException {
        return timed(Op.LIST, () -> delegate.list(prefix));
    }

    @Override
    public void delete(Collection<RemotePath> paths) throws IOException {
        timed(Op.DELETE, () -> {
            delegate.delete(paths);
            return null;
        });
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public String toString() {
        return "MeteredRemoteStorage[" + delegate + "]";
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private <T> T timed(Op op, Call<T> call) throws IOException {
        long start = System.nanoTime();
        Outcome outcome = Outcome.ERROR;
        try {
            T result = call.run();
            outcome = Outcome.SUCCESS;
            return result;
        } catch (RemoteObjectNotFoundException e) {
            outcome = Outcome.NOT_FOUND;
            throw e;
        } finally {
            Timer.builder("xenon.storage.remote")
                    .description("remote storage calls")
                    .tag("op", tag(op))
                    .tag("outcome", tag(outcome))
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Counter bytesCounter(Op op) {
        return Counter.builder("xenon.storage.remote.bytes")
                .description("bytes moved to or from remote storage by successful calls")
                .baseUnit("bytes")
                .tag("op", tag(op))
                .register(registry);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
