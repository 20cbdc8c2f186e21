package dev.xenon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The web console's security over real HTTP, as a browser without JavaScript: sign-up rules, CSRF on
 * every form, a new session id at login, another user's project answered 404, failed logins
 * throttled, and the REST API still on Bearer keys beside the session login.
 */
class WebConsoleIT extends ConsoleIntegrationTest {

    static final String PASSWORD = "correct-horse-42";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** A browser: its own cookie jar, no redirects followed. */
    final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(uri(path)).GET());
        }

        /** POSTs a form; {@code _csrf} is sent only when the map has it. */
        HttpResponse<String> post(String path, Map<String, String> form) {
            String body = form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        /** The CSRF token of the form on the page at {@code path}. */
        String csrf(String path) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            Matcher m = CSRF.matcher(page.body());
            assertThat(m.find()).as("a CSRF field on " + path).isTrue();
            return m.group(1);
        }

        String sessionId() {
            return cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue)
                    .findFirst()
                    .orElse(null);
        }

        HttpResponse<String> signUp(String email, String password) {
            return post("/signup", form("_csrf", csrf("/signup"), "email", email, "password", password));
        }

        HttpResponse<String> logIn(String email, String password) {
            return post("/login", form("_csrf", csrf("/login"), "email", email, "password", password));
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    static String newEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** A browser with a new account, logged in. */
    Browser signedIn(String who) {
        Browser browser = new Browser();
        String email = newEmail(who);
        assertThat(browser.signUp(email, PASSWORD).statusCode()).isEqualTo(302);
        HttpResponse<String> login = browser.logIn(email, PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/projects"));
        return browser;
    }

    @Test
    void pagesNeedALoginAndTheApiStillAnswersBearerKeysOnly() {
        Browser browser = new Browser();
        HttpResponse<String> projects = browser.get("/projects");
        assertThat(projects.statusCode()).isEqualTo(302);
        assertThat(projects.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        // the API is no form login: 401 JSON without a key (no redirect), 200 with one
        assertThat(api().get(null, "/api/v2/projects").status()).isEqualTo(401);
        assertThat(api().get(ALICE_KEY, "/api/v2/projects").status()).isEqualTo(200);
        // and a console session is no API credential
        Browser signedIn = signedIn("session-no-api");
        assertThat(signedIn.get("/api/v2/projects").statusCode()).isEqualTo(401);
    }

    @Test
    void signUpRefusesAWeakPasswordAndABadEmailAndKeepsWhatWasTyped() {
        Browser browser = new Browser();
        String email = newEmail("weak");
        HttpResponse<String> weak = browser.signUp(email, "short1");
        assertThat(weak.statusCode()).isEqualTo(200);
        assertThat(weak.body()).contains("id=\"password-error\"").contains("value=\"" + email + "\"");

        HttpResponse<String> lettersOnly = browser.signUp(email, "onlyletterslong");
        assertThat(lettersOnly.body()).contains("Mix letters with digits or symbols.");

        HttpResponse<String> badEmail = browser.signUp("not-an-email", PASSWORD);
        assertThat(badEmail.statusCode()).isEqualTo(200);
        assertThat(badEmail.body()).contains("id=\"email-error\"").contains("value=\"not-an-email\"");

        assertThat(browser.signUp(email, PASSWORD).statusCode()).isEqualTo(302);
        HttpResponse<String> again = browser.signUp(email.toUpperCase(java.util.Locale.ROOT), PASSWORD);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("exists already");
    }

    @Test
    void theStoredPasswordIsABcryptHash() throws Exception {
        Browser browser = new Browser();
        String email = newEmail("hash");
        assertThat(browser.signUp(email, PASSWORD).statusCode()).isEqualTo(302);
        try (var c = java.sql.DriverManager.getConnection(
                        Platform.METADATA.jdbcUrl("postgres"),
                        Platform.METADATA.superuser(),
                        Platform.METADATA.password());
                var s = c.prepareStatement("select password_hash from users where email = ?")) {
            s.setString(1, email);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("$2a$10$").doesNotContain(PASSWORD);
            }
        }
    }

    @Test
    void formsWithoutTheCsrfTokenAre403() {
        Browser browser = signedIn("csrf");
        HttpResponse<String> withoutToken = browser.post("/projects", form("name", "no-token"));
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = browser.post("/projects", form("_csrf", "forged", "name", "forged"));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(browser.post("/account/api-keys", form("keyName", "x")).statusCode())
                .isEqualTo(403);
        assertThat(browser.post("/logout", form()).statusCode()).isEqualTo(403);
        // signing up and logging in need it too (login CSRF)
        Browser anonymous = new Browser();
        anonymous.get("/signup");
        assertThat(anonymous
                        .post("/signup", form("email", newEmail("csrf"), "password", PASSWORD))
                        .statusCode())
                .isEqualTo(403);
        assertThat(anonymous
                        .post("/login", form("email", "a@example.com", "password", PASSWORD))
                        .statusCode())
                .isEqualTo(403);
        // nothing was made: the projects list is still empty
        assertThat(browser.get("/projects").body()).contains("id=\"no-projects\"");
        // with the token the same form works
        HttpResponse<String> key = browser.post(
                "/account/api-keys", form("_csrf", browser.csrf("/account/api-keys"), "keyName", "with-token"));
        assertThat(key.statusCode()).isEqualTo(302);
    }

    @Test
    void theSessionIdChangesAtLogin() {
        Browser browser = new Browser();
        String email = newEmail("fixation");
        assertThat(browser.signUp(email, PASSWORD).statusCode()).isEqualTo(302);
        String token = browser.csrf("/login");
        String before = browser.sessionId();
        assertThat(before).isNotNull();
        HttpResponse<String> login = browser.post("/login", form("_csrf", token, "email", email, "password", PASSWORD));
        assertThat(login.statusCode()).isEqualTo(302);
        String after = browser.sessionId();
        assertThat(after).isNotNull().isNotEqualTo(before);
        assertThat(browser.get("/projects").statusCode()).isEqualTo(200);

        // a browser that plants the old session id is not logged in
        Browser attacker = new Browser();
        HttpCookie planted = new HttpCookie("JSESSIONID", before);
        planted.setPath("/");
        planted.setVersion(0);
        attacker.cookies.getCookieStore().add(URI.create("http://127.0.0.1:" + port), planted);
        assertThat(attacker.get("/projects").statusCode()).isEqualTo(302);
    }

    @Test
    void anotherUsersProjectIs404OnEveryPage() {
        String alices = createProject(ALICE_KEY, "{\"project\":{\"name\":\"alice-private\"}}")
                .path("project")
                .path("id")
                .asString();
        String branch = api().get(ALICE_KEY, "/api/v2/projects/" + alices + "/branches")
                .body()
                .path("branches")
                .path(0)
                .path("id")
                .asString();
        Browser bob = signedIn("bob");
        for (String path : new String[] {
            "/projects/" + alices,
            "/projects/" + alices + "/branches",
            "/projects/" + alices + "/operations",
            "/projects/" + alices + "/branches/" + branch,
            "/projects/" + alices + "/branches/" + branch + "/storage"
        }) {
            HttpResponse<String> page = bob.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(404);
            assertThat(page.body()).as(path).doesNotContain("alice-private");
        }
        String token = bob.csrf("/projects/new");
        assertThat(bob.post("/projects/" + alices + "/delete", form("_csrf", token))
                        .statusCode())
                .isEqualTo(404);
        assertThat(bob.post("/projects/" + alices + "/branches", form("_csrf", token, "name", "steal"))
                        .statusCode())
                .isEqualTo(404);
        // the project is untouched
        assertThat(api().get(ALICE_KEY, "/api/v2/projects/" + alices).status()).isEqualTo(200);
    }

    @Test
    void failedLoginsAreThrottledPerEmail() {
        Browser browser = new Browser();
        String email = newEmail("throttle");
        assertThat(browser.signUp(email, PASSWORD).statusCode()).isEqualTo(302);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> failed = browser.logIn(email, "wrong-password-" + i);
            assertThat(failed.statusCode()).isEqualTo(302);
            assertThat(failed.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
        }
        // the failed page keeps the email
        assertThat(browser.get("/login?error").body()).contains("value=\"" + email + "\"");
        // the sixth attempt is refused even with the right password
        HttpResponse<String> throttled = browser.logIn(email, PASSWORD);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("Too many failed logins");
        // another account from the same address is not locked out by it
        Browser other = new Browser();
        String otherEmail = newEmail("unthrottled");
        assertThat(other.signUp(otherEmail, PASSWORD).statusCode()).isEqualTo(302);
        assertThat(other.logIn(otherEmail, PASSWORD).statusCode()).isEqualTo(302);
    }

    @Test
    void formsKeepWhatWasTypedOnErrorsAndANewBranchIsDrawnInTheTree() {
        Browser browser = signedIn("forms");
        // a project without a name: the form comes back with the error and the chosen values
        HttpResponse<String> unnamed =
                browser.post("/projects", form("_csrf", browser.csrf("/projects/new"), "name", " ", "region", "local"));
        assertThat(unnamed.statusCode()).isEqualTo(200);
        assertThat(unnamed.body()).contains("id=\"form-error\"").contains("Give the project a name.");
        HttpResponse<String> badVersion = browser.post(
                "/projects",
                form("_csrf", browser.csrf("/projects/new"), "name", "kept-name", "pgVersion", "9", "region", "local"));
        assertThat(badVersion.statusCode()).isEqualTo(200);
        assertThat(badVersion.body()).contains("value=\"kept-name\"").contains("pg_version");

        HttpResponse<String> created = browser.post(
                "/projects", form("_csrf", browser.csrf("/projects/new"), "name", "forms-demo", "region", "local"));
        assertThat(created.statusCode()).isEqualTo(302);
        String project = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/projects/", "");
        HttpResponse<String> dashboard = browser.get("/projects/" + project);
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("id=\"connection-string\"").contains(":********@");
        awaitPageOperations(browser, project);
        String branches = "/projects/" + project + "/branches";

        // a branch from a malformed LSN: refused, the name and the choice kept
        HttpResponse<String> badLsn = browser.post(
                branches, form("_csrf", browser.csrf(branches), "name", "at-lsn", "from", "lsn", "point", "zz"));
        assertThat(badLsn.statusCode()).isEqualTo(200);
        assertThat(badLsn.body())
                .contains("id=\"form-error\"")
                .contains("value=\"at-lsn\"")
                .contains("value=\"zz\"");
        assertThat(badLsn.body()).doesNotContain("data-name=\"at-lsn\"");

        // from the head: drawn in the tree with a branch point from main
        HttpResponse<String> fromHead =
                browser.post(branches, form("_csrf", browser.csrf(branches), "name", "from-head", "from", "head"));
        assertThat(fromHead.statusCode()).as(fromHead.body()).isEqualTo(302);
        String tree = browser.get(branches).body();
        Matcher row = Pattern.compile("data-branch=\"(br-[^\"]+)\" data-name=\"from-head\"")
                .matcher(tree);
        assertThat(row.find()).as(tree).isTrue();
        assertThat(tree).contains("class=\"branch-point\" data-child=\"" + row.group(1) + "\"");
    }

    /** Waits until the operations page of the project shows operations, all finished. */
    static void awaitPageOperations(Browser browser, String project) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    String page =
                            browser.get("/projects/" + project + "/operations").body();
                    assertThat(page).contains("operation-status finished");
                    assertThat(page)
                            .doesNotContain("operation-status scheduling")
                            .doesNotContain("operation-status running")
                            .doesNotContain("operation-status failed");
                });
    }
}
