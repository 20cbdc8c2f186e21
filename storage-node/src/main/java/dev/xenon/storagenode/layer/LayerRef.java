package dev.xenon.storagenode.layer;

import dev.xenon.common.TimelineId;
import java.util.Objects;

/**
 * An image layer of a particular timeline. Images of a branch hold blocks that live in images of
 * its ancestors, so a block's location names the timeline too.
 */
public record LayerRef(TimelineId timeline, ImageLayerName layer) {

    public LayerRef {
        Objects.requireNonNull(timeline, "timeline");
        Objects.requireNonNull(layer, "layer");
    }

    @Override
    public String toString() {
        return timeline + "/" + layer;
    }
}
