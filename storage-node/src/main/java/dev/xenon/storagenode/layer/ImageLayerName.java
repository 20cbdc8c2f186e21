package dev.xenon.storagenode.layer;

import dev.xenon.common.Lsn;
import java.util.Comparator;
import java.util.Objects;

/**
 * Names an image layer: an online base backup of one timeline, printed
 * {@code image_0000000001000028_0000000001000100}. {@code start} is the backup's redo point (the
 * {@code START WAL LOCATION} of its {@code backup_label}), {@code end} the backup end LSN, the
 * first position at which the image is consistent; {@code start <= end}. Ordered by start, then end.
 */
public record ImageLayerName(Lsn start, Lsn end) implements LayerName, Comparable<ImageLayerName> {

    static final String PREFIX = "image_";

    private static final Comparator<ImageLayerName> ORDER =
            Comparator.comparing(ImageLayerName::start).thenComparing(ImageLayerName::end);

    public ImageLayerName {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.compareTo(end) > 0) {
            throw new IllegalArgumentException("image layer start " + start + " must not be above its end " + end);
        }
    }

    /** @throws IllegalArgumentException naming the text when it is not an image layer name */
    public static ImageLayerName parse(String text) {
        Lsn[] range = LayerNameSyntax.parseRange("image", PREFIX, text);
        try {
            return new ImageLayerName(range[0], range[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid image layer name '" + text + "': " + e.getMessage());
        }
    }

    @Override
    public int compareTo(ImageLayerName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return LayerNameSyntax.format(PREFIX, start, end);
    }
}
