package dev.xenon.common.walnode;

import dev.xenon.common.http.NodeApiException;

/** A WAL node answered with an error. */
public class WalNodeException extends NodeApiException {

    public WalNodeException(String node, int status, ApiError error) {
        super("WAL node", node, status, error);
    }
}
