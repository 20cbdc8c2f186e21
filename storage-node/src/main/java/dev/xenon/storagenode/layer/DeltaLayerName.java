package dev.xenon.storagenode.layer;

import dev.xenon.common.Lsn;
import java.util.Comparator;
import java.util.Objects;

/**
 * Names a delta layer: the WAL of one timeline in {@code [start, end)}, printed
 * {@code delta_0000000001000000_0000000001A3F2C8}. {@code start < end}. Ordered by start, then end.
 */
public record DeltaLayerName(Lsn start, Lsn end) implements LayerName, Comparable<DeltaLayerName> {

    static final String PREFIX = "delta_";

    private static final Comparator<DeltaLayerName> ORDER =
            Comparator.comparing(DeltaLayerName::start).thenComparing(DeltaLayerName::end);

    public DeltaLayerName {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.compareTo(end) >= 0) {
            throw new IllegalArgumentException("delta layer start " + start + " must be below its end " + end);
        }
    }

    /** @throws IllegalArgumentException naming the text when it is not a delta layer name */
    public static DeltaLayerName parse(String text) {
        Lsn[] range = LayerNameSyntax.parseRange("delta", PREFIX, text);
        try {
            return new DeltaLayerName(range[0], range[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid delta layer name '" + text + "': " + e.getMessage());
        }
    }

    @Override
    public int compareTo(DeltaLayerName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return LayerNameSyntax.format(PREFIX, start, end);
    }
}
