package dev.xenon.storagenode.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Remote storage in a local directory: the embedded default, and what tests and a single-machine
 * deployment use. The object at {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p>Durability: every upload is written to a temp file in the object's directory, fsynced,
 * renamed over the object and the directory fsynced (see {@link AtomicFileWriter}), so once {@link
 * #upload} returns the object survives a crash and readers never see part of it. New directories
 * are fsynced into their parents; a delete fsyncs the directories it removed files from.
 *
 * <p>Unlike S3, a path cannot be both an object and a prefix ({@code a/b} as a file prevents
 * {@code a/b/c}); such an upload fails with an {@link IOException}. Empty directories left by
 * deletes stay (listing skips them), as do temp files of writes cut short by a crash (their names
 * contain {@code ~}, which no {@link RemotePath} does, so listing skips them too). Any file whose
 * path is not a valid {@link RemotePath} is ignored. Thread-safe: all state is in the file system;
 * several processes may share one root.
 */
public final class LocalFsRemoteStorage implements RemoteStorage {

    private final Path root;

    /** Creates {@code root} (durably) if it does not exist. */
    public LocalFsRemoteStorage(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        AtomicFileWriter.createDirectories(this.root);
    }

    public Path root() {
        return root;
    }

    @Override
    public void upload(RemotePath path, Path file) throws IOException {
        Path target = fileOf(path.requireObject("upload"));
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            AtomicFileWriter.write(target, out -> transfer(source, out));
        }
    }

    @Override
    public void uploadBytes(RemotePath path, byte[] bytes) throws IOException {
        Path target = fileOf(path.requireObject("upload"));
        AtomicFileWriter.write(target, out -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        });
    }

    @Override
    public void download(RemotePath path, Path target) throws IOException {
        try (FileChannel source = openObject(path.requireObject("download"))) {
            AtomicFileWriter.write(target, out -> transfer(source, out));
        }
    }

    @Override
    public byte[] downloadBytes(RemotePath path) throws IOException {
        try (FileChannel source = openObject(path.requireObject("download"))) {
            long size = source.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("object '" + path + "' is too large for memory: " + size + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && source.read(buffer) >= 0) {
                // read until full or end of file
            }
            if (buffer.hasRemaining()) {
                throw new IOException("object '" + path + "' shrank while being read");
            }
            return buffer.array();
        }
    }

    @Override
    public List<RemoteObject> list(RemotePath prefix) throws IOException {
        Path start = prefix.isRoot() ? root : fileOf(prefix);
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<RemoteObject> objects = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    RemotePath.tryParse(relativeName(file))
                            .ifPresent(path -> objects.add(new RemoteObject(path, attributes.size())));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
                throw e;
            }
        });
        objects.sort(Comparator.comparing(RemoteObject::path));
        return objects;
    }

    @Override
    public void delete(Collection<RemotePath> paths) throws IOException {
        Set<Path> touchedDirectories = new TreeSet<>();
        for (RemotePath path : paths) {
            Path file = fileOf(path.requireObject("delete"));
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a prefix, not an object
            }
            if (Files.deleteIfExists(file)) {
                touchedDirectories.add(file.getParent());
            }
        }
        for (Path dir : touchedDirectories) {
            AtomicFileWriter.fsyncDirectory(dir);
        }
    }

    @Override
    public String describe() {
        String uri = root.toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public String toString() {
        return "LocalFsRemoteStorage[" + describe() + "]";
    }

    private Path fileOf(RemotePath path) {
        return root.resolve(path.value());
    }

    private String relativeName(Path file) {
        Path relative = root.relativize(file);
        StringBuilder name = new StringBuilder();
        for (Path segment : relative) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.toString();
    }

    private FileChannel openObject(RemotePath path) throws IOException {
        Path file = fileOf(path);
        if (!Files.isRegularFile(file)) {
            throw new RemoteObjectNotFoundException(path, describe());
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new RemoteObjectNotFoundException(path, describe(), e);
        }
    }

    private static void transfer(FileChannel source, FileChannel target) throws IOException {
        long size = source.size();
        long position = 0;
        while (position < size) {
            long sent = source.transferTo(position, size - position, target);
            if (sent <= 0) {
                break; // the source shrank
            }
            position += sent;
        }
    }
}
