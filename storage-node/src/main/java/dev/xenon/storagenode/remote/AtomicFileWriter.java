package dev.xenon.storagenode.remote;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see its old content or the whole new content, never a part, and
 * so that the new content survives a crash once {@link #write} returns:
 *
 * <ol>
 *   <li>missing parent directories are created, each fsynced into its own parent;
 *   <li>the content goes to a temp file in the target's directory, named {@code
 *       .<name>~<16 hex>.tmp}, which is fsynced;
 *   <li>the temp file is renamed over the target ({@code rename(2)}, atomic on POSIX);
 *   <li>the directory is fsynced so the rename itself is durable.
 * </ol>
 *
 * <p>Temp names contain {@code ~}, a character no {@link RemotePath} holds, so listings never
 * mistake one for an object. On failure the temp file is deleted; after a crash it may remain and
 * is ignored. Stateless and thread-safe; concurrent writers of one target each rename a complete
 * file, the last rename wins.
 */
final class AtomicFileWriter {

    /** Writes the whole content at the channel's position; must not close the channel. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** File names are at most 255 bytes on common file systems; leave room for the temp suffix. */
    private static final int MAX_NAME_IN_TEMP = 200;

    private AtomicFileWriter() {}

    static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        createDirectories(dir);
        Path temp = dir.resolve(tempName(absolute.getFileName().toString()));
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        fsyncDirectory(dir);
    }

    /** Like {@link Files#createDirectories}, fsyncing each new directory's parent. */
    static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(absolute)) {
                return; // created concurrently
            }
            throw e;
        }
        if (parent != null) {
            fsyncDirectory(parent);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String tempName(String name) {
        String shortName = name.length() > MAX_NAME_IN_TEMP ? name.substring(0, MAX_NAME_IN_TEMP) : name;
        return "." + shortName + "~"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }
}
