package dev.xenon.common.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The shared secret of the node-to-node APIs (WAL nodes, storage node): every request carries it
 * as {@code Authorization: Bearer <token>}, and a node configured with one refuses requests
 * without it. The token is the system property {@code xenon.node-token}, else the environment
 * variable {@code XENON_NODE_TOKEN} — the same names the nodes' Spring configuration reads, so a
 * process (or a pod, from a Secret) sets it once for its server and its clients. Unset: no
 * authentication (tests of a single node).
 */
public final class NodeToken {

    public static final String PROPERTY = "xenon.node-token";
    public static final String ENVIRONMENT = "XENON_NODE_TOKEN";

    private NodeToken() {}

    /** The configured token, if any (blank counts as none). */
    public static Optional<String> current() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENVIRONMENT);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The {@code Authorization} header value for the configured token, if any. */
    public static Optional<String> authorization() {
        return current().map(t -> "Bearer " + t);
    }

    /** True when {@code header} (an {@code Authorization} value, maybe null) carries {@code token}; constant time. */
    public static boolean matches(String header, String token) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(
                header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
