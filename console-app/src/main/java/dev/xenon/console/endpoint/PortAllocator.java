package dev.xenon.console.endpoint;

import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.console.model.EndpointRepository;
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
            int port = LoopbackPorts.free();
            if (!endpoints.existsByPort(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port for a compute");
    }
}
