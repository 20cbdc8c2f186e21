package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The authorization matrix (must-show 3, issue 9): every route of API v2 — the account routes and
 * every project route — and of the proxy's internal API, each called as five callers:
 *
 * <ul>
 *   <li><b>owner</b> (Alice): the exact 2xx Neon answers. The owner's calls build and tear down
 *       what later rows use (a child branch, a throwaway endpoint, role, database, project and API
 *       key), and every owner mutation waits for its operations, so none meets a 423;
 *   <li><b>other user</b> (Bob): on Alice's resources 404 {@code {code, message}}, exactly what an
 *       unknown id gets, so ids of others can't be probed; on the account routes Bob's own answer,
 *       with nothing of Alice's in it;
 *   <li><b>no key</b>, an <b>unknown key</b> and a <b>revoked key</b> (Alice's, revoked through
 *       {@code DELETE /api_keys/{key_id}}): 401 {@code UNAUTHORIZED}.
 * </ul>
 *
 * Rows run in order, and in each row the four refused callers go before the owner, so whatever a
 * row names still exists when they try it (the owner's 2xx proves it). The internal routes have the
 * internal token as their owner, and Alice's API key is "another user" there: 401. One failure list
 * names every failing cell.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationIT extends ConsoleIntegrationTest {

    @Autowired
    dev.xenon.console.account.ApiKeyService keys;

    String bobKey;
    String revokedKey;
    /** Ids the rows' {@code {name}} placeholders stand for; owner answers add more. */
    final Map<String, String> ids = new LinkedHashMap<>();

    enum Caller {
        NO_KEY,
        UNKNOWN_KEY,
        REVOKED_KEY,
        OTHER_USER,
        OWNER
    }

    /** Whose route it is, which decides what the other user gets. */
    enum Scope {
        /** A resource of Alice's: the other user gets 404. */
        ALICES,
        /** The caller's own account (their projects, keys, user): the other user gets their own answer. */
        OWN_ACCOUNT,
        /** The proxy's internal API: the owner is the internal token, an API key gets 401. */
        INTERNAL
    }

    /**
     * One route: {@code path} and {@code body} may name ids as {@code {p}}, {@code {b}}, …; the
     * owner's answer may add one ({@code captureAs} from the JSON pointer {@code captureFrom}).
     */
    record Row(
            String method,
            String path,
            String body,
            int ownerStatus,
            Scope scope,
            String captureAs,
            String captureFrom) {

        Row capturing(String name, String pointer) {
            return new Row(method, path, body, ownerStatus, scope, name, pointer);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Row alices(String method, String path, String body, int ownerStatus) {
        return new Row(method, path, body, ownerStatus, Scope.ALICES, null, null);
    }

    static Row account(String method, String path, String body, int ownerStatus) {
        return new Row(method, path, body, ownerStatus, Scope.OWN_ACCOUNT, null, null);
    }

    static Row internal(String method, String path, String body, int ownerStatus) {
        return new Row(method, path, body, ownerStatus, Scope.INTERNAL, null, null);
    }

    @BeforeAll
    void aliceHasAProjectAndAKeyToRevokeAndBobHasAKey() {
        var bob = keys.userByEmail("bob@example.com");
        bobKey = keys.create(bob.getId(), "bob's key").key();

        ApiClient.Response created =
                api().post(ALICE_KEY, "/api/v2/api_keys", "{\"key_name\":\"alice-matrix-revoked\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        revokedKey = created.body().get("key").asString();
        assertThat(api().get(revokedKey, "/api/v2/users/me").status()).isEqualTo(200);
        ApiClient.Response revoked = api().call(
                        ALICE_KEY,
                        "DELETE",
                        "/api/v2/api_keys/" + created.body().get("id").asLong(),
                        null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.body().get("revoked").asBoolean()).isTrue();

        JsonNode project = createProject(ALICE_KEY, "{\"project\":{\"name\":\"alice's\"}}");
        ids.put("p", project.get("project").get("id").asString());
        ids.put("b", project.get("branch").get("id").asString());
        ids.put("e", project.get("endpoints").get(0).get("id").asString());
        ids.put("op", project.get("operations").get(0).get("id").asString());
        ids.put(
                "k",
                Long.toString(keys.create(keys.userByEmail("alice@example.com").getId(), "alice-matrix-target")
                        .record()
                        .getId()));
        awaitOperations(ALICE_KEY, ids.get("p"));
    }

    /** Every route, in an order in which each owner call is a 2xx. */
    static List<Row> rows() {
        String p = "/api/v2/projects/{p}";
        String b = p + "/branches/{b}";
        String c = p + "/branches/{c}";
        String e2 = p + "/endpoints/{e2}";
        return List.of(
                account("GET", "/api/v2/users/me", null, 200),
                account("GET", "/api/v2/projects", null, 200),
                account("POST", "/api/v2/projects", "{\"project\":{\"name\":\"matrix-throwaway\"}}", 201)
                        .capturing("p2", "/project/id"),
                account("GET", "/api/v2/api_keys", null, 200),
                account("POST", "/api/v2/api_keys", "{\"key_name\":\"matrix\"}", 200),
                alices("DELETE", "/api/v2/api_keys/{k}", null, 200),
                alices("GET", p, null, 200),
                alices("PATCH", p, "{\"project\":{\"name\":\"alice's\"}}", 200),
                alices("GET", p + "/connection_uri?database_name=neondb&role_name=neondb_owner", null, 200),
                alices("GET", p + "/operations", null, 200),
                alices("GET", p + "/operations?limit=1", null, 200),
                alices("GET", p + "/operations/{op}", null, 200),
                alices("GET", p + "/branches", null, 200),
                alices("GET", p + "/branches?search=main", null, 200),
                alices("POST", p + "/branches", "{\"branch\":{\"name\":\"matrix-child\"}}", 201)
                        .capturing("c", "/branch/id"),
                alices("GET", b, null, 200),
                alices("PATCH", c, "{\"branch\":{\"name\":\"matrix-child-renamed\"}}", 200),
                alices("POST", b + "/set_as_default", null, 200),
                alices("GET", b + "/endpoints", null, 200),
                alices("GET", p + "/endpoints", null, 200),
                alices("POST", p + "/endpoints", "{\"endpoint\":{\"branch_id\":\"{c}\",\"type\":\"read_write\"}}", 201)
                        .capturing("e2", "/endpoint/id"),
                alices("GET", e2, null, 200),
                alices("PATCH", e2, "{\"endpoint\":{\"suspend_timeout_seconds\":60}}", 200),
                alices("POST", e2 + "/suspend", null, 200),
                alices("POST", e2 + "/start", null, 200),
                alices("POST", e2 + "/restart", null, 200),
                alices("DELETE", e2, null, 200),
                alices("GET", b + "/roles", null, 200),
                alices("POST", b + "/roles", "{\"role\":{\"name\":\"matrix_role\"}}", 201),
                alices("GET", b + "/roles/matrix_role", null, 200),
                alices("GET", b + "/roles/matrix_role/reveal_password", null, 200),
                alices("POST", b + "/roles/matrix_role/reveal_password", null, 200),
                alices("POST", b + "/roles/matrix_role/reset_password", null, 200),
                alices("DELETE", b + "/roles/matrix_role", null, 200),
                alices("GET", b + "/databases", null, 200),
                alices(
                        "POST",
                        b + "/databases",
                        "{\"database\":{\"name\":\"matrixdb\",\"owner_name\":\"neondb_owner\"}}",
                        201),
                alices("GET", b + "/databases/matrixdb", null, 200),
                alices("PATCH", b + "/databases/matrixdb", "{\"database\":{\"name\":\"matrixdb2\"}}", 200),
                alices("DELETE", b + "/databases/matrixdb2", null, 200),
                alices("POST", c + "/restore", "{\"source_branch_id\":\"{b}\"}", 200),
                alices("DELETE", c, null, 200),
                internal("POST", "/internal/v1/endpoints/{e}/wake", null, 200),
                internal("POST", "/internal/v1/endpoints/{e}/connections", "{\"count\":1}", 204),
                alices("DELETE", "/api/v2/projects/{p2}", null, 200));
    }

    @Test
    void everyRouteAnswersEachCallerAsItMay() {
        List<String> failures = new ArrayList<>();
        int cells = 0;
        for (Row row : rows()) {
            String path = resolve(row.path());
            String body = row.body() == null ? null : resolve(row.body());
            if (path == null || (row.body() != null && body == null)) {
                failures.add(row + ": not run, an id it names is unknown (an earlier owner call failed)");
                continue;
            }
            for (Caller caller : Caller.values()) {
                ApiClient.Response r = api().call(key(caller, row.scope()), row.method(), path, body);
                cells++;
                String problem = check(row, caller, r);
                if (problem != null) {
                    failures.add(row + " × "
                            + caller.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + problem + ", got "
                            + r.status() + " " + abbreviate(r.raw().body()));
                }
                if (caller == Caller.OWNER && r.status() == row.ownerStatus()) {
                    if (row.captureAs() != null) {
                        ids.put(row.captureAs(), r.body().at(row.captureFrom()).asString());
                    }
                    awaitTheProjectsOperations(row, path, r);
                }
            }
        }
        assertThat(failures)
                .as("failing cells of the authorization matrix (" + cells + " cells)")
                .isEmpty();
    }

    @Test
    void anotherUsersProjectIsNotListed() {
        ApiClient.Response bobs = api().get(bobKey, "/api/v2/projects");
        assertThat(bobs.status()).isEqualTo(200);
        assertThat(StreamSupport.stream(bobs.body().get("projects").spliterator(), false)
                        .map(p -> p.get("id").asString()))
                .doesNotContain(ids.get("p"));
    }

    @AfterAll
    void bobsProjectsGo() {
        ApiClient.Response bobs = api().get(bobKey, "/api/v2/projects");
        for (JsonNode project : bobs.body().get("projects")) {
            String id = project.get("id").asString();
            awaitOperations(bobKey, id);
            api().call(bobKey, "DELETE", "/api/v2/projects/" + id, null);
        }
    }

    private String key(Caller caller, Scope scope) {
        return switch (caller) {
            case NO_KEY -> null;
            case UNKNOWN_KEY -> "xenon_not_a_key_of_anyone_at_all";
            case REVOKED_KEY -> revokedKey;
            case OTHER_USER -> scope == Scope.INTERNAL ? ALICE_KEY : bobKey;
            case OWNER -> scope == Scope.INTERNAL ? INTERNAL_TOKEN : ALICE_KEY;
        };
    }

    /** Null when {@code r} is what {@code caller} must get on {@code row}, else what was expected. */
    private String check(Row row, Caller caller, ApiClient.Response r) {
        boolean unauthorized = caller != Caller.OWNER && (caller != Caller.OTHER_USER || row.scope() == Scope.INTERNAL);
        if (unauthorized) {
            return r.status() == 401 && hasError(r, "UNAUTHORIZED") ? null : "expected 401 UNAUTHORIZED";
        }
        if (caller == Caller.OWNER) {
            if (r.status() != row.ownerStatus()) {
                return "expected " + row.ownerStatus();
            }
            if (row.path().startsWith("/api/v2/api_keys/")
                    && !r.body().path("revoked").asBoolean(false)) {
                return "expected the revoked key {id, name, created_at, revoked: true}";
            }
            return null;
        }
        if (row.scope() == Scope.ALICES) {
            return r.status() == 404 && hasError(r, "NOT_FOUND") ? null : "expected 404 NOT_FOUND as for an unknown id";
        }
        if (r.status() != row.ownerStatus()) {
            return "expected " + row.ownerStatus() + " on the other user's own account";
        }
        String text = r.raw().body();
        for (String alices : List.of(ids.get("p"), "alice", ids.getOrDefault("p2", "alice"))) {
            if (text.toLowerCase(Locale.ROOT).contains(alices.toLowerCase(Locale.ROOT))) {
                return "expected nothing of Alice's in the other user's answer, found '" + alices + "'";
            }
        }
        return null;
    }

    private static boolean hasError(ApiClient.Response r, String code) {
        return r.body() != null
                && code.equals(r.body().path("code").asString(""))
                && !r.body().path("message").asString("").isBlank();
    }

    private static final Pattern PROJECT_PATH = Pattern.compile("^/api/v2/projects/([^/?]+)");

    /** After an owner's mutation: waits until the project it touched has no unfinished operation. */
    private void awaitTheProjectsOperations(Row row, String path, ApiClient.Response r) {
        if (row.method().equals("GET") || row.scope() == Scope.INTERNAL) {
            return;
        }
        Matcher m = PROJECT_PATH.matcher(path);
        String project = m.find()
                ? m.group(1)
                : r.body() == null ? null : r.body().at("/project/id").asString(null);
        if (project != null && !(row.method().equals("DELETE") && path.equals("/api/v2/projects/" + project))) {
            awaitOperations(ALICE_KEY, project);
        }
    }

    private static final Pattern UNRESOLVED = Pattern.compile("\\{[a-z0-9]+}");

    /** {@code template} with its ids, or null when one of them is not known (yet). */
    private String resolve(String template) {
        String resolved = template;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            resolved = resolved.replace("{" + id.getKey() + "}", id.getValue());
        }
        return UNRESOLVED.matcher(resolved).find() ? null : resolved;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
