package dev.xenon.storagenode.layer;

import dev.xenon.common.Lsn;

/**
 * The file name of a layer, which is also its identity within a timeline: the kind and the LSN
 * range, each LSN as 16 upper-case hex digits, e.g. {@code delta_0000000001000000_0000000001A3F2C8}
 * or {@code image_0000000001000028_0000000001000100}. {@link #parse} and {@link #toString}
 * round-trip; only the canonical spelling parses, so a layer has exactly one file name.
 */
public sealed interface LayerName permits DeltaLayerName, ImageLayerName {

    Lsn start();

    Lsn end();

    /**
     * Parses a layer file name of either kind.
     *
     * @throws IllegalArgumentException naming the text when it is not a layer name
     */
    static LayerName parse(String text) {
        if (text != null && text.startsWith(DeltaLayerName.PREFIX)) {
            return DeltaLayerName.parse(text);
        }
        if (text != null && text.startsWith(ImageLayerName.PREFIX)) {
            return ImageLayerName.parse(text);
        }
        throw new IllegalArgumentException(
                "invalid layer name '" + text + "': expected delta_<start>_<end> or image_<start>_<end>");
    }
}
