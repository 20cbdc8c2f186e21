package dev.xenon.walnode.wal;

/** WAL offered at a position beyond the written end: appending it would leave a hole. */
public class WalGapException extends IllegalStateException {
    public WalGapException(String message) {
        super(message);
    }
}
