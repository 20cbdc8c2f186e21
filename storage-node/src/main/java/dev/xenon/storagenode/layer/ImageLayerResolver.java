package dev.xenon.storagenode.layer;

import java.io.IOException;

/**
 * Opens the image layers that another image's blocks refer to. The storage node's implementation
 * downloads missing layers from remote storage and keeps them open in its cache; the resolver, not
 * the caller, owns (and eventually closes) the files it returns.
 */
@FunctionalInterface
public interface ImageLayerResolver {

    ImageLayerFile open(LayerRef ref) throws IOException;
}
