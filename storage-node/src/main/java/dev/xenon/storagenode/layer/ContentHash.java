package dev.xenon.storagenode.layer;

/**
 * The content hash of a block: the first 16 bytes of its SHA-256, as two big-endian longs. Two
 * blocks with the same hash are taken to have the same content. Printed as 32 lower-case hex digits.
 */
public record ContentHash(long high, long low) {

    @Override
    public String toString() {
        return "%016x%016x".formatted(high, low);
    }
}
