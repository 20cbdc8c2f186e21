package dev.xenon.storagenode.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RemoteStorage} that fails chosen calls, for tests of retries and error handling (Neon's
 * {@code UnreliableWrapper}). {@link #failNext} makes the next N calls of an operation throw an
 * {@link IOException} without reaching the delegate; {@link #failNextAfterEffect} lets them take
 * effect first and then throw, as when a response is lost after the server acted. Other calls pass
 * through. {@link #calls} counts every call, failed or not. Thread-safe.
 */
public final class FailingRemoteStorage implements RemoteStorage {

    public enum Operation {
        /** {@link #upload} and {@link #uploadBytes}. */
        UPLOAD,
        /** {@link #download} and {@link #downloadBytes}. */
        DOWNLOAD,
        LIST,
        DELETE
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private final RemoteStorage delegate;
    private final Map<Operation, AtomicInteger> failuresBefore = counters();
    private final Map<Operation, AtomicInteger> failuresAfter = counters();
    private final Map<Operation, AtomicInteger> calls = counters();

    public FailingRemoteStorage(RemoteStorage delegate) {
        this.delegate = delegate;
    }

    /** The next {@code times} calls of {@code operation} throw without reaching the delegate. */
    public FailingRemoteStorage failNext(Operation operation, int times) {
        failuresBefore.get(operation).addAndGet(times);
        return this;
    }

    /** The next {@code times} calls of {@code operation} reach the delegate, then throw. */
    public FailingRemoteStorage failNextAfterEffect(Operation operation, int times) {
        failuresAfter.get(operation).addAndGet(times);
        return this;
    }

    /** Calls of {@code operation} so far, including failed ones. */
    public int calls(Operation operation) {
        return calls.get(operation).get();
    }

    @Override
    public void upload(RemotePath path, Path file) throws IOException {
        call(Operation.UPLOAD, path, () -> {
            delegate.upload(path, file);
            return null;
        });
    }

    @Override
    public void uploadBytes(RemotePath path, byte[] bytes) throws IOException {
        call(Operation.UPLOAD, path, () -> {
            delegate.uploadBytes(path, bytes);
            return null;
        });
    }

    @Override
    public void download(RemotePath path, Path target) throws IOException {
        call(Operation.DOWNLOAD, path, () -> {
            delegate.download(path, target);
            return null;
        });
    }

    @Override
    public byte[] downloadBytes(RemotePath path) throws IOException {
        return call(Operation.DOWNLOAD, path, () -> delegate.downloadBytes(path));
    }

    @Override
    public List<RemoteObject> list(RemotePath prefix) throws IOException {
        return call(Operation.LIST, prefix, () -> delegate.list(prefix));
    }

    @Override
    public void delete(Collection<RemotePath> paths) throws IOException {
        call(Operation.DELETE, paths, () -> {
            delegate.delete(paths);
            return null;
        });
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    private <T> T call(Operation operation, Object target, Call<T> call) throws IOException {
        int number = calls.get(operation).incrementAndGet();
        if (takeOne(failuresBefore.get(operation))) {
            throw new IOException("injected failure of " + name(operation) + " " + target + " (call " + number + ")");
        }
        T result = call.run();
        if (takeOne(failuresAfter.get(operation))) {
            throw new IOException(
                    "injected failure after " + name(operation) + " " + target + " took effect (call " + number + ")");
        }
        return result;
    }

    private static boolean takeOne(AtomicInteger remaining) {
        return remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private static String name(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }

    private static Map<Operation, AtomicInteger> counters() {
        Map<Operation, AtomicInteger> map = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            map.put(operation, new AtomicInteger());
        }
        return map;
    }
}
