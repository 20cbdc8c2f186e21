package dev.xenon.storagenode.layer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A layer file does not hold what its own structure and checksums say it should: a bad magic,
 * footer or index, a checksum mismatch, a truncated file. The file must not be used; the storage
 * node discards its local copy and downloads it again.
 */
public final class LayerCorruptException extends IOException {

    private final Path file;

    public LayerCorruptException(Path file, String problem) {
        super("corrupt layer file " + file + ": " + problem);
        this.file = file;
    }

    public LayerCorruptException(Path file, String problem, Throwable cause) {
        super("corrupt layer file " + file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
