package dev.xenon.storagenode.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Where the storage node keeps its durable copy of layer files and index parts: an object store
 * addressed by {@link RemotePath}. Implementations: {@link LocalFsRemoteStorage} (a directory, the
 * embedded default) and {@link S3RemoteStorage}; {@link MeteredRemoteStorage} adds metrics to
 * either.
 *
 * <p>Every write is all-or-nothing for readers: an object is either absent, or present with its
 * whole old content, or present with its whole new content. Operations on {@link RemotePath#ROOT}
 * (other than {@link #list}) throw {@link IllegalArgumentException}. Failures are {@link
 * IOException}s; a missing object on download is {@link RemoteObjectNotFoundException}.
 * Implementations are thread-safe.
 */
public interface RemoteStorage {

    /**
     * Uploads a local file; readers see the whole object or nothing (local: temp file + fsync +
     * rename + directory fsync). Overwrites.
     */
    void upload(RemotePath path, Path file) throws IOException;

    /** Like {@link #upload} for content already in memory. */
    void uploadBytes(RemotePath path, byte[] bytes) throws IOException;

    /**
     * Downloads to {@code target} atomically: a temp file in {@code target}'s directory (created if
     * missing), fsynced, then renamed over {@code target}. On failure {@code target} is untouched
     * and no temp file is left.
     *
     * @throws RemoteObjectNotFoundException when there is no object at {@code path}
     */
    void download(RemotePath path, Path target) throws IOException;

    /** @throws RemoteObjectNotFoundException when there is no object at {@code path} */
    byte[] downloadBytes(RemotePath path) throws IOException;

    /**
     * Every object strictly below {@code prefix} (recursive, segment-wise: {@code a} lists {@code
     * a/b} and {@code a/b/c} but not {@code ab}), sorted by path. {@link RemotePath#ROOT} lists
     * everything.
     */
    List<RemoteObject> list(RemotePath prefix) throws IOException;

    /** Deletes; missing objects are not an error. */
    void delete(Collection<RemotePath> paths) throws IOException;

    /** For logs and status: e.g. {@code s3://bucket/prefix} or {@code file:///dir}. */
    String describe();
}
