package dev.xenon.storagenode.timeline;

import dev.xenon.storagenode.layer.LayerName;
import java.util.Objects;

/**
 * A layer file as the timeline index lists it.
 *
 * @param name the file name, e.g. {@code delta_0000000001000000_0000000001A3F2C8}
 * @param size bytes of the file
 * @param crc32c CRC-32C of the whole file, as written
 * @param logicalSize for an image, the bytes of the data directory it holds (the timeline's logical
 *     size at its LSN); for a delta, the WAL bytes it holds
 */
public record LayerDescriptor(String name, long size, int crc32c, long logicalSize) {

    public LayerDescriptor {
        Objects.requireNonNull(name, "name");
        LayerName.parse(name);
    }

    public LayerName layerName() {
        return LayerName.parse(name);
    }
}
