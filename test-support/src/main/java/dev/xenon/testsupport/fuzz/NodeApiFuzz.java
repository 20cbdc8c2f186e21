package dev.xenon.testsupport.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing of a node's HTTP API (WAL node, storage node), one hostile input at a time: a request is
 * a route with valid ids, LSNs and fields but for one slot — a path id, a query parameter, a body
 * field, or the whole body — so a 400 must name that slot in its {@code field}. Any other answer
 * but a 5xx is fine (a hostile value may be valid, or name nothing known: 2xx, 404, 409), as long
 * as a 4xx has the {@code {code, message}} shape.
 */
public final class NodeApiFuzz {
    private NodeApiFuzz() {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The slot name of a malformed body as a whole. */
    public static final String WHOLE_BODY = "(body)";

    /**
     * A route: {@code path} names its ids as {@code {field}} (the name a 400 must give), with their
     * valid values in {@code ids}; {@code query} and {@code body} map names to valid values (body
     * values are JSON text; a null body: the route takes none).
     */
    public record Route(
            String method,
            String path,
            Map<String, String> ids,
            Map<String, String> query,
            Map<String, String> body,
            List<String> lsnSlots) {

        List<String> slots() {
            List<String> slots = new ArrayList<>(ids.keySet());
            slots.addAll(query.keySet());
            if (body != null) {
                slots.addAll(body.keySet());
                slots.add(WHOLE_BODY);
            }
            return slots;
        }
    }

    /** Builds routes: {@code route("GET", "/v1/x/{id}").id("id", "…").query("from", "0/0").lsn("from")}. */
    public static Builder route(String method, String path) {
        return new Builder(method, path);
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, String> ids = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private Map<String, String> body;
        private final List<String> lsnSlots = new ArrayList<>();

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Builder id(String name, String valid) {
            ids.put(name, valid);
            return this;
        }

        public Builder query(String name, String valid) {
            query.put(name, valid);
            return this;
        }

        /** A body field and its valid value as JSON text. */
        public Builder field(String name, String validJson) {
            if (body == null) {
                body = new LinkedHashMap<>();
            }
            body.put(name, validJson);
            return this;
        }

        /** Slots that hold LSNs get malformed LSNs more often. */
        public Builder lsn(String... slots) {
            lsnSlots.addAll(List.of(slots));
            return this;
        }

        public Route build() {
            return new Route(method, path, Map.copyOf(ids), query, body, List.copyOf(lsnSlots));
        }
    }

    /** One request: {@code route} with the hostile {@code value} in {@code slot} (raw: encoded when sent). */
    public record Request(Route route, String slot, String value) {

        public String path() {
            String path = route.path();
            for (Map.Entry<String, String> id : route.ids().entrySet()) {
                String v = id.getKey().equals(slot) ? pathValue(value) : id.getValue();
                path = path.replace("{" + id.getKey() + "}", v);
            }
            String q = route.query().entrySet().stream()
                    .map(e ->
                            e.getKey() + "=" + (e.getKey().equals(slot) ? Hostile.percentEncoded(value) : e.getValue()))
                    .collect(Collectors.joining("&"));
            return q.isEmpty() ? path : path + "?" + q;
        }

        public String body() {
            if (route.body() == null) {
                return null;
            }
            if (slot.equals(WHOLE_BODY)) {
                return value;
            }
            return route.body().entrySet().stream()
                    .map(e -> Hostile.jsonString(e.getKey()) + ":" + (e.getKey().equals(slot) ? value : e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }

        /** Raw tricks ({@code %2F}, {@code ..}) as they are, anything else percent-encoded. */
        private static String pathValue(String value) {
            return value.startsWith(RAW) ? value.substring(RAW.length()) : Hostile.percentEncoded(value);
        }

        @Override
        public String toString() {
            String shown = value.length() > 200 ? value.substring(0, 200) + "… (" + value.length() + " chars)" : value;
            return route.method() + " " + route.path() + " with " + slot + " = " + Hostile.jsonString(shown);
        }
    }

    private static final String RAW = "raw:";
    /** Tomcat's limit of the request line and headers (8 kB), less room for the headers. */
    private static final int SERVER_LINE_LIMIT = 7_000;

    /** Requests of {@code routes}, each with one hostile slot. */
    public static Arbitrary<Request> requests(List<Route> routes) {
        return Arbitraries.of(routes).flatMap(route -> Arbitraries.of(route.slots())
                .flatMap(slot -> hostileValue(route, slot).map(v -> new Request(route, slot, v))));
    }

    private static Arbitrary<String> hostileValue(Route route, String slot) {
        if (slot.equals(WHOLE_BODY)) {
            return Hostile.malformedJson();
        }
        boolean lsn = route.lsnSlots().contains(slot);
        Arbitrary<String> text = lsn
                ? Arbitraries.frequencyOf(Tuple.of(3, Hostile.lsn()), Tuple.of(1, Hostile.text()))
                : Arbitraries.frequencyOf(Tuple.of(3, Hostile.text()), Tuple.of(1, Hostile.number()));
        if (route.ids().containsKey(slot)) {
            return Arbitraries.frequencyOf(
                    Tuple.of(6, text.filter(s -> !s.isEmpty())),
                    Tuple.of(
                            1,
                            Arbitraries.of(
                                            "%2e%2e",
                                            "%2F", "a%2Fb", "%00", "%5C", "a;b=c", "%C0%AF", "%ED%A0%80", "%FF")
                                    .map(s -> RAW + s)));
        }
        if (route.query().containsKey(slot)) {
            return text;
        }
        return Arbitraries.frequencyOf(
                Tuple.of(3, text.map(Hostile::jsonString)),
                Tuple.of(1, Hostile.jsonValue()),
                Tuple.of(1, Hostile.number()));
    }

    /** Sends {@code request} to {@code baseUrl} with the node token. */
    public static HttpResponse<String> send(HttpClient http, String baseUrl, String token, Request request)
            throws IOException, InterruptedException {
        String body = request.body();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + request.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(
                        request.route().method(),
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Null when {@code response} is an allowed answer to {@code request}, else what is wrong with it. */
    public static String problem(Request request, HttpResponse<String> response) {
        int status = response.statusCode();
        String answer = status + " " + abbreviate(response.body());
        if (status >= 500) {
            return "a 5xx: " + answer;
        }
        if (status < 400) {
            return status >= 200 && status < 300 ? null : "neither a 2xx nor a 4xx: " + answer;
        }
        JsonNode error;
        try {
            error = JSON.readTree(response.body());
        } catch (RuntimeException e) {
            return "a 4xx without a JSON body: " + answer;
        }
        if (error == null
                || error.path("code").asString("").isBlank()
                || error.path("message").asString("").isBlank()) {
            return "a 4xx without {code, message}: " + answer;
        }
        if (status != 400 || request.slot().equals(WHOLE_BODY)) {
            return null;
        }
        String field = error.path("field").asString(null);
        boolean refusedBeforeAnyController = request.route().ids().containsKey(request.slot())
                || request.path().length() > SERVER_LINE_LIMIT;
        if (field == null && refusedBeforeAnyController) {
            return null; // Tomcat's own 400: an encoded slash, a path that is not UTF-8, a request line over 8 kB
        }
        return field != null && (field.equals(request.slot()) || field.startsWith(request.slot() + "."))
                ? null
                : "a 400 naming " + field + ", not " + request.slot() + ": " + answer;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
