package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.testsupport.fuzz.FuzzSettings;
import dev.xenon.testsupport.fuzz.Hostile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;
import org.springframework.test.context.TestContextManager;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 (a): every route of API v2 and of the internal API fed hostile requests — path ids that
 * are not ids, query parameters and JSON fields with SQL, NUL, emoji, right-to-left text, lone
 * surrogates, 10 kB strings, negative, huge and non-numeric numbers, values of the wrong JSON type,
 * missing and unknown fields, malformed and absurdly nested JSON, the wrong {@code Content-Type} —
 * answers each with a 4xx {@code {code, message}}, or with a 2xx where the input happens to be
 * valid (a project named in Hebrew is a project), never with a 5xx and never late.
 *
 * <p>A jqwik property (jqwik 1.9 runs on the JUnit Platform 6 of Boot 4): it shrinks a failing
 * request to a small one and prints the seed. {@code -Dxenon.fuzz.cases=N} runs N requests instead
 * of 200, {@code -Dxenon.fuzz.seed=S} replays a run ({@link FuzzSettings}). jqwik does not run
 * Jupiter's extensions, so the shared Spring context (the same one as every console IT's) is
 * injected through Spring's {@link TestContextManager}.
 *
 * <p>The requests go to a project of their own, with a child branch and a database to spare: routes
 * that would act on real ids without a body to fuzz (deletes, start/suspend/restart, reset
 * password, set as default) always get at least one hostile id, so the fixture survives. At the
 * end every operation the valid requests scheduled must have finished — a hostile role or database
 * name that reached the compute's SQL must not have broken it — and every project made is deleted.
 */
@AddLifecycleHook(FuzzSettings.class)
class RestFuzzIT extends ConsoleIntegrationTest {

    private static final TestContextManager SPRING = new TestContextManager(RestFuzzIT.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9]+)}");

    /** The fuzz project's ids, for {@code {p}}, {@code {b}}, …; made once per run. */
    private static volatile Map<String, String> ids;

    private static volatile int serverPort;
    private static final List<String> projectsMade = Collections.synchronizedList(new ArrayList<>());

    // ---- the routes and the shapes of their bodies ----

    /** A JSON body's shape: an object of fields, an array of one shape, or a leaf with valid values (JSON text). */
    sealed interface Shape permits Obj, Arr, Leaf {}

    record Obj(Map<String, Shape> fields) implements Shape {}

    record Arr(Shape element) implements Shape {}

    record Leaf(List<String> valid) implements Shape {}

    static Obj obj(Object... nameAndShape) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameAndShape.length; i += 2) {
            fields.put((String) nameAndShape[i], (Shape) nameAndShape[i + 1]);
        }
        return new Obj(fields);
    }

    static Leaf text(String... valid) {
        return new Leaf(Stream.of(valid).map(Hostile::jsonString).toList());
    }

    static Leaf number(int... valid) {
        return new Leaf(
                java.util.Arrays.stream(valid).mapToObj(Integer::toString).toList());
    }

    static final Leaf BOOL = new Leaf(List.of("true", "false"));
    static final Leaf NAME = text("fuzz", "名前 😀", "שלום");

    static final Obj PROJECT = obj(
            "project",
            obj(
                    "name", NAME,
                    "pg_version", number(17, 16),
                    "region_id", text("local"),
                    "history_retention_seconds", number(0, 3600),
                    "default_endpoint_settings", obj("suspend_timeout_seconds", number(-1, 0, 300)),
                    "branch", obj("name", NAME, "role_name", text("fuzz_owner"), "database_name", text("fuzzdb"))));
    static final Obj BRANCH = obj(
            "branch",
            obj(
                    "name", NAME,
                    "parent_id", text("{b}"),
                    "parent_lsn", text("{lsn}"),
                    "parent_timestamp", text("2025-01-01T00:00:00Z")),
            "endpoints",
            new Arr(obj("type", text("read_write", "read_only"), "suspend_timeout_seconds", number(60))));
    static final Obj RESTORE = obj(
            "source_branch_id", text("{c}"),
            "source_lsn", text("{lsn}"),
            "source_timestamp", text("2025-01-01T00:00:00Z"),
            "preserve_under_name", NAME);
    static final Obj ENDPOINT = obj(
            "endpoint",
            obj(
                    "branch_id",
                    text("{b}"),
                    "type",
                    text("read_write"),
                    "suspend_timeout_seconds",
                    number(-1, 60),
                    "disabled",
                    new Leaf(List.of("false"))));
    static final Obj ROLE = obj("role", obj("name", text("fuzz_role", "rôle 😀"), "no_login", BOOL));
    static final Obj DATABASE =
            obj("database", obj("name", text("fuzzdb2", "base 😀"), "owner_name", text("neondb_owner")));

    /**
     * One route. {@code query}: parameter name → its valid value. {@code hostileIdOnly}: it would act
     * on real ids with nothing else to fuzz, so at least one of its ids is hostile.
     */
    record Route(
            String method,
            String path,
            Map<String, String> query,
            Shape body,
            boolean hostileIdOnly,
            boolean internal) {

        List<String> params() {
            List<String> names = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(path);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Route route(String method, String path) {
        return new Route(method, path, Map.of(), null, false, false);
    }

    static Route route(String method, String path, Shape body) {
        return new Route(method, path, Map.of(), body, false, false);
    }

    static Route withQuery(String method, String path, Map<String, String> query) {
        return new Route(method, path, query, null, false, false);
    }

    static Route hostileIdOnly(String method, String path) {
        return new Route(method, path, Map.of(), null, true, false);
    }

    static final String P = "/api/v2/projects/{p}";
    static final String B = P + "/branches/{b}";
    static final String E = P + "/endpoints/{e}";

    static final List<Route> ROUTES = List.of(
            route("POST", "/api/v2/projects", PROJECT),
            route("POST", "/api/v2/api_keys", obj("key_name", text("fuzz", "clé 😀"))),
            hostileIdOnly("DELETE", "/api/v2/api_keys/{k}"),
            route("GET", P),
            route("PATCH", P, PROJECT),
            hostileIdOnly("DELETE", P),
            withQuery(
                    "GET",
                    P + "/connection_uri",
                    map(
                            "branch_id",
                            "{b}",
                            "endpoint_id",
                            "{e}",
                            "database_name",
                            "neondb",
                            "role_name",
                            "neondb_owner",
                            "pooled",
                            "true")),
            withQuery("GET", P + "/branches", map("search", "main")),
            route("POST", P + "/branches", BRANCH),
            route("GET", B),
            route("PATCH", B, BRANCH),
            hostileIdOnly("DELETE", B),
            route("POST", P + "/branches/{c}/restore", RESTORE),
            hostileIdOnly("POST", B + "/set_as_default"),
            route("GET", B + "/endpoints"),
            route("GET", P + "/endpoints"),
            route("POST", P + "/endpoints", ENDPOINT),
            route("GET", E),
            route("PATCH", E, ENDPOINT),
            hostileIdOnly("DELETE", E),
            hostileIdOnly("POST", E + "/start"),
            hostileIdOnly("POST", E + "/suspend"),
            hostileIdOnly("POST", E + "/restart"),
            route("GET", B + "/roles"),
            route("POST", B + "/roles", ROLE),
            route("GET", B + "/roles/{role}"),
            hostileIdOnly("DELETE", B + "/roles/{role}"),
            route("GET", B + "/roles/{role}/reveal_password"),
            route("POST", B + "/roles/{role}/reveal_password"),
            hostileIdOnly("POST", B + "/roles/{role}/reset_password"),
            route("GET", B + "/databases"),
            route("POST", B + "/databases", DATABASE),
            route("GET", B + "/databases/{db}"),
            route("PATCH", B + "/databases/{db}", DATABASE),
            hostileIdOnly("DELETE", B + "/databases/{db}"),
            withQuery("GET", P + "/operations", map("limit", "10")),
            route("GET", P + "/operations/{op}"),
            new Route("POST", "/internal/v1/endpoints/{e}/wake", Map.of(), null, false, true),
            new Route(
                    "POST", "/internal/v1/endpoints/{e}/connections", Map.of(), obj("count", number(1)), false, true));

    static Map<String, String> map(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ---- generation ----

    /** One request: the route, a value per path id and query parameter ("" = left out), a body. */
    record Request(Route route, List<String> ids, List<String> query, Optional<String> body, String contentType) {

        boolean anyHostileId() {
            return ids.stream().anyMatch(id -> !PLACEHOLDER.matcher(id).matches());
        }

        String pathTemplate() {
            StringBuilder path = new StringBuilder();
            Matcher m = PLACEHOLDER.matcher(route.path());
            int i = 0;
            while (m.find()) {
                m.appendReplacement(path, Matcher.quoteReplacement(ids.get(i++)));
            }
            m.appendTail(path);
            String q = query.stream().filter(s -> !s.isEmpty()).collect(Collectors.joining("&"));
            return q.isEmpty() ? path.toString() : path + "?" + q;
        }

        @Override
        public String toString() {
            String b = body.map(s -> s.length() > 300 ? s.substring(0, 300) + "… (" + s.length() + " chars)" : s)
                    .orElse("(none)");
            String p = pathTemplate();
            return route.method() + " " + (p.length() > 400 ? p.substring(0, 400) + "…" : p) + " [" + contentType + "] "
                    + b;
        }
    }

    @Provide
    Arbitrary<Request> requests() {
        return Arbitraries.of(ROUTES).flatMap(RestFuzzIT::requestsOf);
    }

    static Arbitrary<Request> requestsOf(Route route) {
        List<Arbitrary<String>> idValues = route.params().stream()
                .map(name -> name.equals("k")
                        // never an id a key may have: revoking ALICE_KEY would end this run and every other IT's
                        ? Arbitraries.oneOf(Hostile.number(), Hostile.pathSegment())
                                .filter(RestFuzzIT::notAKeyId)
                        : Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just("{" + name + "}")), Tuple.of(2, Hostile.pathSegment())))
                .toList();
        List<Arbitrary<String>> queryValues = route.query().entrySet().stream()
                .map(q -> Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(q.getKey() + "=" + q.getValue())),
                        Tuple.of(3, Hostile.queryValue().map(v -> q.getKey() + "=" + v)),
                        Tuple.of(1, Arbitraries.just(""))))
                .toList();
        Arbitrary<List<String>> path = idValues.isEmpty()
                ? Arbitraries.just(List.of())
                : Combinators.combine(idValues).as(l -> l);
        Arbitrary<List<String>> query = queryValues.isEmpty()
                ? Arbitraries.just(List.of())
                : Combinators.combine(queryValues).as(l -> l);
        Arbitrary<Optional<String>> body = route.body() == null
                ? Arbitraries.frequencyOf(
                        Tuple.of(5, Arbitraries.just(Optional.empty())),
                        Tuple.of(1, Hostile.jsonValue().map(Optional::of)))
                : Arbitraries.frequencyOf(
                        Tuple.of(8, json(route.body()).map(Optional::of)),
                        Tuple.of(2, Hostile.malformedJson().map(Optional::of)),
                        Tuple.of(1, Arbitraries.just(Optional.empty())));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("application/json")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "text/plain", "application/xml", "application/json; charset=ISO-8859-1", "*/*")));
        Arbitrary<Request> requests =
                Combinators.combine(path, query, body, contentType).as((p, q, b, c) -> new Request(route, p, q, b, c));
        return route.hostileIdOnly() ? requests.filter(Request::anyHostileId) : requests;
    }

    /** False for what the server would convert to a key id that may exist (as Spring converts it: trimmed, hex too). */
    static boolean notAKeyId(String value) {
        try {
            String decoded = java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
            long id = org.springframework.util.NumberUtils.parseNumber(decoded, Long.class);
            return id <= 0 || id > 1_000_000;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** JSON text of {@code shape}: each field valid, hostile, of the wrong type or left out; unknown fields added. */
    static Arbitrary<String> json(Shape shape) {
        return switch (shape) {
            case Leaf leaf ->
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(leaf.valid())), Tuple.of(4, Hostile.jsonValue()));
            case Arr arr ->
                Arbitraries.frequencyOf(
                        Tuple.of(3, json(arr.element()).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]")),
                        Tuple.of(1, Hostile.jsonValue()));
            case Obj obj -> {
                List<Arbitrary<String>> fields = new ArrayList<>();
                obj.fields()
                        .forEach((name, value) -> fields.add(Arbitraries.frequencyOf(
                                Tuple.of(5, json(value).map(v -> Hostile.jsonString(name) + ":" + v)),
                                Tuple.of(1, Hostile.jsonValue().map(v -> Hostile.jsonString(name) + ":" + v)),
                                Tuple.of(2, Arbitraries.just("")))));
                fields.add(Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.just("")),
                        Tuple.of(
                                1,
                                Combinators.combine(Hostile.text(), Hostile.jsonValue())
                                        .as((k, v) -> Hostile.jsonString(k) + ":" + v))));
                yield Combinators.combine(fields)
                        .as(parts ->
                                "{" + parts.stream().filter(s -> !s.isEmpty()).collect(Collectors.joining(",")) + "}");
            }
        };
    }

    // ---- the property ----

    @BeforeProperty
    void springContextAndAFuzzProject() throws Exception {
        SPRING.prepareTestInstance(this);
        serverPort = port;
        if (ids == null) {
            ids = fuzzProject();
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void everyHostileRequestGetsA4xxWithCodeAndMessageOrA2xx(@ForAll("requests") Request request) {
        String path = resolve(request.pathTemplate());
        ApiClient.Response r = api().call(
                        request.route().internal() ? INTERNAL_TOKEN : ALICE_KEY,
                        request.route().method(),
                        path,
                        request.body().map(RestFuzzIT::resolve).orElse(null),
                        request.body().isPresent() ? request.contentType() : null);
        String answer = r.status() + " " + abbreviate(r.raw().body());
        Statistics.label("answers").collect(r.status() / 100 + "xx");
        assertThat(r.status()).as("never a 5xx: %s", answer).isLessThan(500);
        if (r.status() >= 200 && r.status() < 300) {
            if (request.route().path().equals("/api/v2/projects") && r.status() == 201) {
                projectsMade.add(r.body().at("/project/id").asString());
            }
            return;
        }
        assertThat(r.status()).as("a 2xx or a 4xx: %s", answer).isBetween(400, 499);
        assertThat(r.body()).as("a JSON body: %s", answer).isNotNull();
        assertThat(r.body().path("code").asString("")).as("a code: %s", answer).isNotBlank();
        assertThat(r.body().path("message").asString(""))
                .as("a message: %s", answer)
                .isNotBlank();
    }

    /**
     * Deletes what the run made, after checking that every operation the valid requests scheduled
     * on the fuzz project finished: hostile names that reached a compute's SQL must not break it.
     */
    @AfterContainer
    static void operationsFinishedAndProjectsGo() {
        if (ids == null) {
            return;
        }
        RestFuzzIT self = new RestFuzzIT();
        self.port = serverPort;
        List<JsonNode> operations = self.awaitOperations(ALICE_KEY, ids.get("p"));
        List<String> broken = operations.stream()
                .filter(o -> !o.get("status").asString().equals("finished"))
                .map(o -> o.get("action").asString() + " " + o.get("status").asString() + ": "
                        + o.path("error").asString(""))
                .toList();
        for (String project :
                Stream.concat(Stream.of(ids.get("p")), projectsMade.stream()).toList()) {
            self.awaitOperations(ALICE_KEY, project);
            self.api().call(ALICE_KEY, "DELETE", "/api/v2/projects/" + project, null);
        }
        ids = null;
        assertThat(broken)
                .as("operations of the fuzz project that did not finish")
                .isEmpty();
    }

    private Map<String, String> fuzzProject() {
        Map<String, String> made = new LinkedHashMap<>();
        JsonNode project = createProject(ALICE_KEY, "{\"project\":{\"name\":\"fuzz\"}}");
        String p = project.get("project").get("id").asString();
        made.put("p", p);
        made.put("b", project.get("branch").get("id").asString());
        made.put("e", project.get("endpoints").get(0).get("id").asString());
        made.put("op", project.get("operations").get(0).get("id").asString());
        made.put("role", "neondb_owner");
        made.put("db", "fuzzdb");
        awaitFinished(ALICE_KEY, p);
        made.put(
                "c",
                created(ALICE_KEY, "/api/v2/projects/" + p + "/branches", "{\"branch\":{\"name\":\"fuzz-spare\"}}")
                        .get("branch")
                        .get("id")
                        .asString());
        awaitFinished(ALICE_KEY, p);
        // the spare branch starts at main's head: a point both can branch or restore from
        made.put(
                "lsn",
                ok(ALICE_KEY, "GET", "/api/v2/projects/" + p + "/branches/" + made.get("c"), null)
                        .at("/branch/parent_lsn")
                        .asString());
        created(
                ALICE_KEY,
                "/api/v2/projects/" + p + "/branches/" + made.get("b") + "/databases",
                "{\"database\":{\"name\":\"fuzzdb\",\"owner_name\":\"neondb_owner\"}}");
        awaitFinished(ALICE_KEY, p);
        return made;
    }

    /** {@code text} with the fuzz project's ids for its placeholders. */
    private static String resolve(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = ids.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(id == null ? m.group() : id));
        }
        return m.appendTail(out).toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
