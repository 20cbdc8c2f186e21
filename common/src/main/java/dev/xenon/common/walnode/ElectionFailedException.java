package dev.xenon.common.walnode;

/** No majority of WAL nodes accepted a term or agreed to follow its compute. */
public class ElectionFailedException extends RuntimeException {
    public ElectionFailedException(String message) {
        super(message);
    }
}
