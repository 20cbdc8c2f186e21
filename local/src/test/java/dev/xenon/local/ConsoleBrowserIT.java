package dev.xenon.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.net.LoopbackPorts;
import dev.xenon.testsupport.TestDirectories;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, driven by Selenium) against the whole platform in this JVM: sign up → log in →
 * create a project → read the connection string from the page → connect with pgjdbc through the
 * proxy → create a branch in the UI → see it in the SVG tree → suspend and start the endpoint. Each
 * page is saved as a PNG in {@code target/screenshots}; with {@code
 * -Dxenon.screenshots.dir=../docs/screenshots} (as the committed ones were made) there too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(180);
    static final String PASSWORD = "browser-walk-2026";

    Path dataDir;
    Path profileDir;
    LocalPlatform platform;
    String base;
    WebDriver driver;
    List<Path> shotDirs;

    @BeforeAll
    void start() throws IOException {
        assertThat(new File(CHROMIUM).canExecute())
                .as("apt-get install chromium")
                .isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute())
                .as("apt-get install chromium-driver")
                .isTrue();
        // a storage size sample every 2 s, so the chart has a history within the walk
        System.setProperty("xenon.console.web.storage-sample-interval", "2s");
        dataDir = TestDirectories.create("browser-it");
        platform = new LocalPlatform(new LocalPlatform.Options(
                dataDir, LoopbackPorts.free(), LoopbackPorts.free(), 0, 0, LocalPlatform.generateApiKey()));
        base = platform.start().consoleUrl().replaceAll("/$", "");

        profileDir = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--user-data-dir=" + profileDir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));

        shotDirs = new java.util.ArrayList<>(List.of(Path.of("target", "screenshots")));
        String extra = System.getProperty("xenon.screenshots.dir");
        if (extra != null && !extra.isBlank()) {
            shotDirs.add(Path.of(extra));
        }
        for (Path dir : shotDirs) {
            Files.createDirectories(dir);
        }
    }

    @AfterAll
    void stop() {
        System.clearProperty("xenon.console.web.storage-sample-interval");
        if (driver != null) {
            driver.quit();
        }
        if (platform != null) {
            platform.close();
        }
        if (profileDir != null) {
            TestDirectories.deleteRecursively(profileDir);
        }
        if (dataDir != null) {
            TestDirectories.deleteRecursively(dataDir);
        }
    }

    @Test
    void signUpCreateConnectBranchSuspendAndStart() throws Exception {
        String email = "walker-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";

        // sign up: a weak password is refused with the email kept, then a good one
        open("/signup");
        type("email", email);
        type("password", "weak");
        click(By.id("signup-submit"));
        assertThat(text(By.id("password-error"))).contains("at least");
        assertThat(driver.findElement(By.id("email")).getAttribute("value")).isEqualTo(email);
        shot("01-signup");
        type("password", PASSWORD);
        click(By.id("signup-submit"));

        // log in (the form comes back with the email filled in)
        await(d -> d.getCurrentUrl().contains("/login"));
        assertThat(driver.findElement(By.id("email")).getAttribute("value")).isEqualTo(email);
        type("password", PASSWORD);
        shot("02-login");
        click(By.id("login-submit"));
        await(d -> d.getCurrentUrl().endsWith("/projects"));
        assertThat(driver.findElement(By.id("no-projects")).isDisplayed()).isTrue();

        // create a project
        click(By.id("new-project"));
        type("name", "browser-demo");
        shot("03-new-project");
        click(By.id("create-project"));
        await(d -> d.getCurrentUrl().matches(".*/projects/[a-z0-9-]+$"));
        String projectUrl = driver.getCurrentUrl();
        assertThat(text(By.id("project-name"))).isEqualTo("browser-demo");

        // the connection string: masked, revealed by the button, then used with pgjdbc via the proxy
        String masked = text(By.id("connection-string"));
        assertThat(masked).startsWith("postgresql://").contains(":********@");
        click(By.id("reveal"));
        String uri = text(By.id("connection-string"));
        assertThat(uri).startsWith("postgresql://").doesNotContain("********");
        click(By.id("copy"));
        await(d -> d.findElement(By.id("copy")).getText().equals("Copied"));
        try (Connection c = connect(uri)) {
            exec(c, "CREATE TABLE visits (page text)");
            exec(c, "INSERT INTO visits VALUES ('dashboard')");
            assertThat(value(c, "SELECT count(*) FROM visits")).isEqualTo("1");
        }
        awaitEndpointState("active");
        click(By.id("reveal")); // masked again for the picture
        assertThat(text(By.id("connection-string"))).isEqualTo(masked);
        shot("04-dashboard");

        // a branch from the UI, drawn in the SVG tree under main
        click(By.id("tab-branches"));
        type("branch-name", "feature-x");
        click(By.id("create-branch"));
        await(d -> d.getCurrentUrl().endsWith("/branches"));
        await(d -> !d.findElements(By.cssSelector("#branch-tree g.branch-row[data-name='feature-x']"))
                .isEmpty());
        String featureId = driver.findElement(By.cssSelector("#branch-tree g.branch-row[data-name='feature-x']"))
                .getAttribute("data-branch");
        assertThat(driver.findElements(By.cssSelector("#branch-tree g.branch-point[data-child='" + featureId + "']")))
                .as("a branch point from main to feature-x")
                .hasSize(1);
        await(d -> d.findElement(By.cssSelector("#branch-tree g.branch-row[data-name='feature-x'] text"))
                .getText()
                .endsWith("ready"));
        shot("05-branches");

        // the operations log: everything finished (a branch with a running operation takes no changes)
        open(projectUrl.substring(base.length()) + "/operations");
        await(d -> {
            List<String> statuses = d.findElements(By.cssSelector(".operation-status")).stream()
                    .map(WebElement::getText)
                    .toList();
            return statuses.size() >= 3 && statuses.stream().allMatch(st -> st.equals("finished"));
        });
        assertThat(driver.findElements(By.cssSelector(".operation"))).hasSizeGreaterThanOrEqualTo(3);
        shot("06-operations");

        // roles and databases of the new branch; a new role's password is shown once
        open(projectUrl.substring(base.length()) + "/branches/" + featureId);
        type("roleName", "reporter");
        click(By.cssSelector("#role-form button"));
        assertThat(driver.findElements(By.id("form-error")))
                .as(
                        "no error: %s",
                        driver.findElements(By.id("form-error")).stream()
                                .map(WebElement::getText)
                                .toList())
                .isEmpty();
        assertThat(text(By.id("secret-value"))).hasSizeGreaterThan(8);
        shot("07-roles-and-databases");

        // storage of main: the layer map and a sampled size chart
        open(projectUrl.substring(base.length()));
        click(By.id("storage-link"));
        await(d -> d.findElement(By.id("layer-map")).isDisplayed());
        assertThat(driver.findElements(By.cssSelector("#layer-map rect.delta, #layer-map line.image")))
                .isNotEmpty();
        assertThat(driver.findElements(By.id("gc-horizon"))).hasSize(1);
        Thread.sleep(4000); // a few more samples for the chart
        driver.navigate().refresh();
        assertThat(driver.findElement(By.cssSelector("#size-chart polyline.series-layers"))
                        .getAttribute("points"))
                .contains(" ");
        shot("08-storage");
        ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("document.getElementById('size-chart').scrollIntoView()");
        shot("08b-storage-size");

        // an API key, shown once
        open("/account/api-keys");
        type("keyName", "ci");
        click(By.id("create-key"));
        assertThat(text(By.id("created-key-value"))).startsWith("xenon_");
        shot("09-api-keys");

        // suspend and start the endpoint from the dashboard
        open(projectUrl.substring(base.length()));
        awaitEndpointState("active");
        click(By.cssSelector(".suspend-endpoint"));
        assertThat(driver.findElements(By.id("failure"))).isEmpty();
        awaitEndpointState("idle");
        shot("10-suspended");
        click(By.cssSelector(".start-endpoint"));
        assertThat(driver.findElements(By.id("failure"))).isEmpty();
        awaitEndpointState("active");
        try (Connection c = connect(uri)) {
            assertThat(value(c, "SELECT page FROM visits")).isEqualTo("dashboard");
        }

        // another account's view of this project is a 404 page
        click(By.id("logout"));
        await(d -> d.getCurrentUrl().contains("/login"));
        driver.get(projectUrl);
        await(d -> d.getCurrentUrl().contains("/login"));
    }

    /** Waits (the page refreshes its compute card by itself) until the endpoint shows {@code state}. */
    private void awaitEndpointState(String state) {
        await(d -> {
            try {
                List<WebElement> states = d.findElements(By.cssSelector(".endpoint-state"));
                return !states.isEmpty()
                        && states.getFirst().getText().equals(state)
                        && d.findElements(By.cssSelector(".pending-state")).isEmpty();
            } catch (StaleElementReferenceException e) {
                return false;
            }
        });
    }

    private Connection connect(String uri) throws SQLException {
        return PlatformApi.connect(uri, 180, 180);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private void open(String path) {
        driver.get(base + path);
    }

    private void type(String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private void click(By by) {
        driver.findElement(by).click();
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    private void await(java.util.function.Function<WebDriver, Boolean> condition) {
        // live regions replace their elements every few seconds: a stale element is retried
        new WebDriverWait(driver, WAIT, Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private void shot(String name) {
        File png = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        try {
            for (Path dir : shotDirs) {
                Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
