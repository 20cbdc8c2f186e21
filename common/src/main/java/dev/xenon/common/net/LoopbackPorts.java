package dev.xenon.common.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port free on the loopback interface now, for a process Xenon is about to start there (a
 * scratch Postgres, a node of the local platform). Another process may take it before it is bound:
 * callers that cannot retry must say which port failed.
 */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    /** A port the kernel hands out for an ephemeral listener on 127.0.0.1, released at once. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }
}
