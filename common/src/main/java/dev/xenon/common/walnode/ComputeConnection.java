package dev.xenon.common.walnode;

/**
 * Where a WAL node connects to stream a compute's WAL, as a physical replication client.
 * {@code password} is a secret: never logged, kept only in the node's 0600 control file.
 */
public record ComputeConnection(String host, int port, String user, String password) {

    @Override
    public String toString() {
        return "ComputeConnection[" + user + "@" + host + ":" + port + "]";
    }
}
