package dev.xenon.console.endpoint;

import dev.xenon.console.model.Endpoint;
import dev.xenon.console.system.ConsoleProperties;
import org.springframework.stereotype.Component;

/**
 * Where clients reach an endpoint: the one place that decides it. Until the proxy exists (issue 5)
 * that is the compute itself ({@code xenon.console.compute-host} and the endpoint's port); with
 * {@code xenon.console.proxy-host} set it is {@code <endpoint id>.<proxy host>:<proxy port>}.
 *
 * <p>{@link #host} is the endpoint's {@code host} field: a host name followed by {@code :port} unless
 * the port is 5432 — Neon's host has no port, but Neon tooling (neonctl) builds connection strings
 * from {@code host} alone, and a local platform does not serve on 5432.
 */
@Component
public class EndpointAddresses {

    private static final int DEFAULT_PORT = 5432;

    private final ConsoleProperties console;

    EndpointAddresses(ConsoleProperties console) {
        this.console = console;
    }

    public String hostName(Endpoint endpoint) {
        if (viaProxy()) {
            return endpoint.getId() + "." + console.proxyHost();
        }
        return endpoint.getHost() != null ? endpoint.getHost() : console.computeHost();
    }

    public int port(Endpoint endpoint) {
        return viaProxy() ? console.proxyPort() : endpoint.getPort();
    }

    /** The {@code host} field: host name, with {@code :port} unless it is 5432. */
    public String host(Endpoint endpoint) {
        int port = port(endpoint);
        String name = hostName(endpoint);
        return port == DEFAULT_PORT ? name : name + ":" + port;
    }

    /** The {@code proxy_host} field. */
    public String proxyHost() {
        return viaProxy() ? console.proxyHost() : console.computeHost();
    }

    private boolean viaProxy() {
        return console.proxyHost() != null && !console.proxyHost().isBlank();
    }
}
