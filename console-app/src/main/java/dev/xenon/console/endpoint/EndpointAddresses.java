package dev.xenon.console.endpoint;

import dev.xenon.console.model.Endpoint;
import dev.xenon.console.system.ConsoleProperties;
import org.springframework.stereotype.Component;

/**
 * Where clients reach an endpoint: the one place that decides it. Without a proxy that is the
 * compute itself ({@code xenon.console.compute-host} and the endpoint's port); with {@code
 * xenon.console.proxy-host} set and {@code proxy-routing = sni} (the default) it is {@code
 * <endpoint id>.<proxy host>:<proxy port>}. With {@code proxy-routing = options} (plain TCP on an
 * address without wildcard DNS: the local platform) connection URIs name the proxy and carry
 * {@code ?options=endpoint%3D<endpoint id>}, which pgjdbc and libpq pass to the proxy as the {@code
 * options} startup parameter; the {@code host} field stays the compute's own address, because Neon
 * tooling builds connection strings from {@code host} alone and a bare proxy address names no
 * endpoint.
 *
 * <p>{@link #host} is the endpoint's {@code host} field: a host name followed by {@code :port} unless
 * the port is 5432 — Neon's host has no port, but Neon tooling (neonctl) builds connection strings
 * from {@code host} alone, and a local platform does not serve on 5432.
 */
@Component
public class EndpointAddresses {

    private static final int DEFAULT_PORT = 5432;
    private static final String OPTIONS = "options";

    private final ConsoleProperties console;

    EndpointAddresses(ConsoleProperties console) {
        this.console = console;
    }

    public String hostName(Endpoint endpoint) {
        if (viaSni()) {
            return endpoint.getId() + "." + console.proxyHost();
        }
        return endpoint.getHost() != null ? endpoint.getHost() : console.computeHost();
    }

    public int port(Endpoint endpoint) {
        return viaSni() ? console.proxyPort() : endpoint.getPort();
    }

    /** {@code host:port} of a connection URI. */
    public String uriAuthority(Endpoint endpoint) {
        return viaOptions()
                ? console.proxyHost() + ":" + console.proxyPort()
                : hostName(endpoint) + ":" + port(endpoint);
    }

    /** The query of a connection URI: empty, or {@code ?options=endpoint%3D<endpoint id>}. */
    public String uriQuery(Endpoint endpoint) {
        return viaOptions() ? "?options=endpoint%3D" + endpoint.getId() : "";
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

    private boolean viaSni() {
        return viaProxy() && !OPTIONS.equals(console.proxyRouting());
    }

    private boolean viaOptions() {
        return viaProxy() && OPTIONS.equals(console.proxyRouting());
    }
}
