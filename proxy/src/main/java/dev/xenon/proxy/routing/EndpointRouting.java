package dev.xenon.proxy.routing;

import dev.xenon.proxy.wire.ProxyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which endpoint a connection is for, as Neon's proxy decides it when there is no SNI:
 *
 * <ul>
 *   <li>the startup parameter {@code options} holds {@code endpoint=ep-...} (or {@code project=},
 *       Neon's older alias) among its space-separated words; that word is removed before the
 *       startup packet reaches the compute (Postgres would refuse it as an unknown option);
 *   <li>otherwise the password is {@code endpoint=ep-...;<password>} (also {@code project=}, and
 *       {@code $} as the separator): the proxy asks the client for its password in clear text,
 *       takes the endpoint from it and authenticates to the compute with the rest.
 * </ul>
 *
 * <p>An endpoint id with the suffix {@code -pooler} (Neon's pooled host, {@code ep-...-pooler}) names
 * the same endpoint: there is no transaction pooling yet, so a pooled connection is a direct one.
 */
public final class EndpointRouting {

    /** Neon's suffix of the pooled host; routed as a direct connection until pooling exists. */
    public static final String POOLER_SUFFIX = "-pooler";

    /** Endpoint ids as the control plane makes them: lowercase DNS labels starting {@code ep-}. */
    private static final Pattern ENDPOINT_ID = Pattern.compile("ep-[a-z0-9-]{1,60}");

    private static final List<String> KEYS = List.of("endpoint=", "project=");

    private EndpointRouting() {}

    /** The endpoint named in {@code options}, and the parameters to send to the compute. */
    public record OptionsRoute(String endpointId, Map<String, String> computeParameters) {}

    /** The endpoint named in a password, and the real password. */
    public record PasswordRoute(String endpointId, String password) {}

    /**
     * The endpoint of a TLS server name (SNI) {@code ep-....<domain>}: its first label when that is
     * an endpoint id ({@code -pooler} allowed); empty without a server name or when the first label
     * is none (a bare domain, {@code localhost}): then options or the password decide.
     */
    public static Optional<String> fromServerName(String serverName) throws ProxyException {
        if (serverName == null || serverName.isEmpty()) {
            return Optional.empty();
        }
        int dot = serverName.indexOf('.');
        String label = (dot < 0 ? serverName : serverName.substring(0, dot)).toLowerCase(java.util.Locale.ROOT);
        if (!label.startsWith("ep-")) {
            return Optional.empty();
        }
        return Optional.of(validated(label));
    }

    /** The route by {@code options}; empty when it names no endpoint. */
    public static Optional<OptionsRoute> fromOptions(Map<String, String> parameters) throws ProxyException {
        String options = parameters.get("options");
        if (options == null) {
            return Optional.empty();
        }
        String endpoint = null;
        List<String> kept = new ArrayList<>();
        for (String word : options.strip().split("\\s+")) {
            String value = valueOf(word);
            if (value == null) {
                if (!word.isEmpty()) {
                    kept.add(word);
                }
                continue;
            }
            if (endpoint != null && !endpoint.equals(value)) {
                throw new ProxyException(
                        ProxyException.REJECTED, "options name two endpoints: " + endpoint + " and " + value);
            }
            endpoint = validated(value);
        }
        if (endpoint == null) {
            return Optional.empty();
        }
        Map<String, String> compute = new LinkedHashMap<>(parameters);
        if (kept.isEmpty()) {
            compute.remove("options");
        } else {
            compute.put("options", String.join(" ", kept));
        }
        return Optional.of(new OptionsRoute(endpoint, compute));
    }

    /** The route by a password {@code endpoint=ep-...;secret} or {@code endpoint=ep-...$secret}. */
    public static Optional<PasswordRoute> fromPassword(String password) throws ProxyException {
        String value = valueOf(password);
        if (value == null) {
            return Optional.empty();
        }
        int separator = indexOfSeparator(value);
        if (separator < 0) {
            throw new ProxyException(
                    ProxyException.REJECTED,
                    "the password names an endpoint but no password: use endpoint=<endpoint id>;<password>");
        }
        return Optional.of(new PasswordRoute(validated(value.substring(0, separator)), value.substring(separator + 1)));
    }

    /** The answer when neither names an endpoint. */
    public static ProxyException noEndpoint() {
        return new ProxyException(
                ProxyException.REJECTED,
                "Endpoint ID is not specified. Pass it as the parameter options=endpoint%3D<endpoint id> "
                        + "or in the password as endpoint=<endpoint id>;<password>");
    }

    private static String valueOf(String word) {
        for (String key : KEYS) {
            if (word.startsWith(key)) {
                return word.substring(key.length());
            }
        }
        return null;
    }

    private static int indexOfSeparator(String value) {
        int semicolon = value.indexOf(';');
        int dollar = value.indexOf('$');
        if (semicolon < 0) {
            return dollar;
        }
        return dollar < 0 ? semicolon : Math.min(semicolon, dollar);
    }

    private static String validated(String endpointId) throws ProxyException {
        if (endpointId.endsWith(POOLER_SUFFIX)) {
            endpointId = endpointId.substring(0, endpointId.length() - POOLER_SUFFIX.length());
        }
        if (!ENDPOINT_ID.matcher(endpointId).matches()) {
            throw new ProxyException(
                    ProxyException.UNKNOWN_ENDPOINT, "endpoint \"" + printable(endpointId) + "\" does not exist");
        }
        return endpointId;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
