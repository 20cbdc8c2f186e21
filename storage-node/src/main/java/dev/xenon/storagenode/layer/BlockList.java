package dev.xenon.storagenode.layer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where the blocks of one regular file live: block {@code i} holds bytes {@code [i * 8192, i *
 * 8192 + length(i))} of the file, has content hash {@link #hash}, and is stored in the layer {@link
 * #ref} (an index into {@link ImageLayerFile#refs()}; 0 is the image itself) at file offset
 * {@link #offset}. Kept as parallel primitive arrays: an image of a large database has millions of
 * blocks. Immutable.
 */
public final class BlockList {

    static final BlockList EMPTY = new BlockList(new long[0], new int[0], new long[0], new int[0]);

    private final long[] hashes;
    private final int[] refs;
    private final long[] offsets;
    private final int[] lengths;

    private BlockList(long[] hashes, int[] refs, long[] offsets, int[] lengths) {
        this.hashes = hashes;
        this.refs = refs;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    public int size() {
        return refs.length;
    }

    public ContentHash hash(int i) {
        Objects.checkIndex(i, refs.length);
        return new ContentHash(hashes[2 * i], hashes[2 * i + 1]);
    }

    public int ref(int i) {
        return refs[i];
    }

    public long offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    long hashHigh(int i) {
        return hashes[2 * i];
    }

    long hashLow(int i) {
        return hashes[2 * i + 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockList other
                && Arrays.equals(hashes, other.hashes)
                && Arrays.equals(refs, other.refs)
                && Arrays.equals(offsets, other.offsets)
                && Arrays.equals(lengths, other.lengths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hashes) * 31 + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return "BlockList[" + refs.length + " blocks]";
    }

    /** Fills a list of a known number of blocks, in order. */
    static final class Builder {
        private final long[] hashes;
        private final int[] refs;
        private final long[] offsets;
        private final int[] lengths;
        private int count;

        Builder(int blocks) {
            hashes = new long[2 * blocks];
            refs = new int[blocks];
            offsets = new long[blocks];
            lengths = new int[blocks];
        }

        void add(long hashHigh, long hashLow, int ref, long offset, int length) {
            hashes[2 * count] = hashHigh;
            hashes[2 * count + 1] = hashLow;
            refs[count] = ref;
            offsets[count] = offset;
            lengths[count] = length;
            count++;
        }

        BlockList build() {
            if (count != refs.length) {
                throw new IllegalStateException(count + " of " + refs.length + " blocks added");
            }
            return count == 0 ? EMPTY : new BlockList(hashes, refs, offsets, lengths);
        }
    }
}
