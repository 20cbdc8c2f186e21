package dev.xenon.common.storagenode;

import dev.xenon.common.Lsn;

/**
 * One layer in {@code GET /v1/tenant/{t}/timeline/{tl}/layer}: the data of the console's layer map.
 *
 * @param kind {@code image} or {@code delta}
 * @param lsnStart an image's backup start, a delta's first WAL byte
 * @param lsnEnd an image's backup end, a delta's end (exclusive)
 * @param remote whether remote storage holds it
 * @param local whether the local cache holds it
 */
public record LayerInfo(String kind, String name, Lsn lsnStart, Lsn lsnEnd, long size, boolean remote, boolean local) {}
