package dev.xenon.storagenode.layer;

import java.util.Objects;

/**
 * One entry of an image, in the order of the base backup's tar: a directory, a symbolic link or a
 * regular file. {@code path} is the tar entry name, verbatim (Postgres writes directory and
 * tablespace-link names with a trailing slash). {@code mode} is the permission bits as the tar held
 * them, {@code mtime} seconds since the Unix epoch. Only a symlink has a {@code symlinkTarget}; only
 * a regular file has a size and blocks, {@code ceil(size / 8192)} of them.
 */
public record ImageEntry(
        String path, Type type, int mode, long mtime, long size, String symlinkTarget, BlockList blocks) {

    /** The kinds of tar entries a base backup holds; the code is the manifest's type byte. */
    public enum Type {
        DIRECTORY(0),
        FILE(1),
        SYMLINK(2);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        int code() {
            return code;
        }

        static Type ofCode(int code) {
            for (Type type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown entry type " + code);
        }
    }

    public ImageEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(blocks, "blocks");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("entry path is empty");
        }
        if ((type == Type.SYMLINK) != (symlinkTarget != null)) {
            throw new IllegalArgumentException(path + ": only a symlink has a target");
        }
        if (type != Type.FILE && (size != 0 || blocks.size() != 0)) {
            throw new IllegalArgumentException(path + ": only a regular file has a size and blocks");
        }
        if (type == Type.FILE && (size < 0 || blocks.size() != blockCount(size))) {
            throw new IllegalArgumentException(
                    path + ": a file of " + size + " bytes has " + blockCount(size) + " blocks, not " + blocks.size());
        }
    }

    static ImageEntry directory(String path, int mode, long mtime) {
        return new ImageEntry(path, Type.DIRECTORY, mode, mtime, 0, null, BlockList.EMPTY);
    }

    static ImageEntry symlink(String path, String target, int mode, long mtime) {
        return new ImageEntry(
                path, Type.SYMLINK, mode, mtime, 0, Objects.requireNonNull(target, "target"), BlockList.EMPTY);
    }

    static ImageEntry file(String path, int mode, long mtime, long size, BlockList blocks) {
        return new ImageEntry(path, Type.FILE, mode, mtime, size, null, blocks);
    }

    /** Blocks of a file of {@code size} bytes: 8 KiB each, the last one possibly shorter. */
    static long blockCount(long size) {
        return (size + ImageLayerFile.BLOCK_SIZE - 1) / ImageLayerFile.BLOCK_SIZE;
    }

    /** Length of block {@code i} of a file of {@code size} bytes. */
    static int blockLength(long size, int i) {
        return (int) Math.min(ImageLayerFile.BLOCK_SIZE, size - (long) i * ImageLayerFile.BLOCK_SIZE);
    }
}
