package dev.xenon.common.postgres;

import java.io.IOException;

/**
 * A tar archive holds an entry {@link DataDirectoryExtractor} will not write: an absolute name, a
 * {@code ..} segment, a path through a symbolic link, an entry that exists already, or a type a data
 * directory never holds (hard link, device, FIFO). Nothing of that entry was written; entries before
 * it were.
 */
public class TarEntryRejectedException extends IOException {

    private final String entryName;

    public TarEntryRejectedException(String entryName, String reason) {
        super("tar entry '" + entryName + "' rejected: " + reason);
        this.entryName = entryName;
    }

    /** The entry's name as the archive gives it. */
    public String entryName() {
        return entryName;
    }
}
