package dev.xenon.common.storagenode;

import dev.xenon.common.http.NodeApiException;
import dev.xenon.common.walnode.ApiError;

/** A storage node answered with an error. */
public class StorageNodeException extends NodeApiException {

    public StorageNodeException(String node, int status, ApiError error) {
        super("storage node", node, status, error);
    }
}
