package dev.xenon.common.wal;

import dev.xenon.common.Lsn;

/** A WAL page header is not what Postgres writes at that position. */
public class InvalidWalPageHeaderException extends RuntimeException {

    private final Lsn pageAddress;

    public InvalidWalPageHeaderException(Lsn pageAddress, String message) {
        super(message);
        this.pageAddress = pageAddress;
    }

    /** LSN of the page whose header is invalid. */
    public Lsn pageAddress() {
        return pageAddress;
    }
}
