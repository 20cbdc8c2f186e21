package dev.xenon.console.endpoint;

import dev.xenon.console.model.EndpointRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.springframework.stereotype.Component;

/**
 * Chooses the port of a new endpoint's compute once, when the endpoint is created, so its connection
 * URI holds across suspends: a port free on this machine and used by no other endpoint (the
 * database's unique constraint settles races).
 */
@Component
class PortAllocator {

    private final EndpointRepository endpoints;

    PortAllocator(EndpointRepository endpoints) {
        this.endpoints = endpoints;
    }

    int next() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = freePort();
            if (!endpoints.existsByPort(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port for a compute");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for a compute", e);
        }
    }
}
