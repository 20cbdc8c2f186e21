package dev.xenon.console.role;

import dev.xenon.console.endpoint.EndpointAddresses;
import dev.xenon.console.model.Branch;
import dev.xenon.console.model.Database;
import dev.xenon.console.model.DatabaseRepository;
import dev.xenon.console.model.Endpoint;
import dev.xenon.console.model.EndpointRepository;
import dev.xenon.console.model.Role;
import dev.xenon.console.model.RoleRepository;
import dev.xenon.console.system.SecretCipher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code postgresql://role:password@host:port/database} URIs of an endpoint, addressed by {@link
 * EndpointAddresses} (the compute itself until the proxy exists). There is no pooler: {@code
 * pooled} and {@code pooler_host} name the same address.
 */
@Component
public class ConnectionUris {

    /** {@code connection_parameters}; {@code port} is Xenon's addition (Neon always uses 5432). */
    public record Parameters(String database, String password, String role, String host, String poolerHost, int port) {}

    /** An entry of {@code connection_uris}. */
    public record ConnectionUri(String connectionUri, Parameters connectionParameters) {}

    private final EndpointAddresses addresses;
    private final EndpointRepository endpoints;
    private final RoleRepository roles;
    private final DatabaseRepository databases;
    private final SecretCipher secrets;

    ConnectionUris(
            EndpointAddresses addresses,
            EndpointRepository endpoints,
            RoleRepository roles,
            DatabaseRepository databases,
            SecretCipher secrets) {
        this.addresses = addresses;
        this.endpoints = endpoints;
        this.roles = roles;
        this.databases = databases;
        this.secrets = secrets;
    }

    public String uri(Endpoint endpoint, String role, String password, String database) {
        return "postgresql://" + encode(role) + (password == null ? "" : ":" + encode(password)) + "@"
                + addresses.uriAuthority(endpoint) + "/" + encode(database) + addresses.uriQuery(endpoint);
    }

    public ConnectionUri of(Endpoint endpoint, Role role, String database) {
        String password = secrets.decrypt(role.getPassword());
        String host = addresses.host(endpoint);
        return new ConnectionUri(
                uri(endpoint, role.getName(), password, database),
                new Parameters(database, password, role.getName(), host, host, addresses.port(endpoint)));
    }

    /**
     * The URIs a create call returns: for each database of the branch, as its owner, through the
     * branch's read-write endpoint (none without one).
     */
    public List<ConnectionUri> ofBranch(Branch branch) {
        Optional<Endpoint> endpoint = endpoints.findByBranchIdAndType(branch.getId(), Endpoint.READ_WRITE);
        List<ConnectionUri> out = new ArrayList<>();
        if (endpoint.isEmpty()) {
            return out;
        }
        for (Database database : databases.findByBranchIdOrderById(branch.getId())) {
            roles.findByBranchIdAndName(branch.getId(), database.getOwnerName())
                    .filter(r -> r.getPassword() != null)
                    .ifPresent(r -> out.add(of(endpoint.get(), r, database.getName())));
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
