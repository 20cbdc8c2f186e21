package dev.xenon.common.wal;

/** The bytes after a WAL record's header do not decode into block references and main data. */
public class InvalidWalRecordBodyException extends RuntimeException {

    public InvalidWalRecordBodyException(String message) {
        super(message);
    }
}
