package dev.xenon.storagenode.layer;

/**
 * The writer's dedup map: content hash → where a block with that content is stored (a ref index of
 * the image being written and a file offset). Open addressing with linear probing over parallel
 * arrays, so millions of blocks cost 28 bytes each and no objects. Content hashes are uniformly
 * distributed, so the low bits of the hash are the slot. Not thread-safe.
 */
final class BlockIndex {

    private long[] highs;
    private long[] lows;
    private long[] offsets;
    private int[] refsPlusOne; // 0 marks an empty slot
    private int size;

    BlockIndex(int expectedBlocks) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedBlocks) * 2 - 1) << 1;
        allocate(capacity);
    }

    int size() {
        return size;
    }

    /** The slot holding this hash, or -1. */
    int find(long high, long low) {
        int mask = refsPlusOne.length - 1;
        for (int slot = (int) low & mask; ; slot = (slot + 1) & mask) {
            if (refsPlusOne[slot] == 0) {
                return -1;
            }
            if (lows[slot] == low && highs[slot] == high) {
                return slot;
            }
        }
    }

    int ref(int slot) {
        return refsPlusOne[slot] - 1;
    }

    long offset(int slot) {
        return offsets[slot];
    }

    /** Records where a block with this hash lives, unless the hash is already known. */
    void putIfAbsent(long high, long low, int ref, long offset) {
        if (find(high, low) >= 0) {
            return;
        }
        if ((size + 1) * 4L > refsPlusOne.length * 3L) {
            grow();
        }
        insert(high, low, ref + 1, offset);
        size++;
    }

    private void insert(long high, long low, int refPlusOne, long offset) {
        int mask = refsPlusOne.length - 1;
        int slot = (int) low & mask;
        while (refsPlusOne[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        highs[slot] = high;
        lows[slot] = low;
        offsets[slot] = offset;
        refsPlusOne[slot] = refPlusOne;
    }

    private void grow() {
        long[] oldHighs = highs;
        long[] oldLows = lows;
        long[] oldOffsets = offsets;
        int[] oldRefs = refsPlusOne;
        allocate(oldRefs.length * 2);
        for (int i = 0; i < oldRefs.length; i++) {
            if (oldRefs[i] != 0) {
                insert(oldHighs[i], oldLows[i], oldRefs[i], oldOffsets[i]);
            }
        }
    }

    private void allocate(int capacity) {
        highs = new long[capacity];
        lows = new long[capacity];
        offsets = new long[capacity];
        refsPlusOne = new int[capacity];
    }
}
