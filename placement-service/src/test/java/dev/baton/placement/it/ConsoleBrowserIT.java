package dev.baton.placement.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.RoleMoved;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.placement.PlacementService;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operator console in Debian's Chromium, driven headless through Debian's chromedriver (never a downloaded
 * browser or driver), against a real placement-service on the real broker and database with simulated agents. One
 * system for the class; the scenarios run in order: a read-only sign-in, the seed procedure end to end, a conflict
 * on Apply, maintenance with its preview, and a host silenced at once (as after {@code kill -9}) seen live.
 *
 * <p>With {@code -Dbaton.console.screenshots=<dir>} each page is saved there as PNG (docs/console.md).
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String READ_TOKEN = "read-only-token";
    /** Generous: the machine running the suite may be shared and loaded; nothing here waits longer than needed. */
    private static final Duration T = Duration.ofSeconds(60);

    private final TestKafka kafka;
    private final Map<String, SimulatedAgent> agents = new LinkedHashMap<>();
    private PlacementService placement;
    private AdminClient admin;
    private ChromeDriver browser;
    private String base;
    private Path userData;

    ConsoleBrowserIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    void start(TestDatabase database) throws Exception {
        assertThat(new File(CHROMEDRIVER).canExecute()).as("Debian's chromium-driver package (apt-get install chromium "
                + "chromium-driver; .ci/run installs it)").isTrue();
        placement = PlacementService.start(PlacementFixture.settings(kafka, database, "console-it",
                Map.of("api.read.token", READ_TOKEN)));
        admin = new AdminClient(placement.httpPort(), PlacementFixture.TOKEN);
        for (String serverId : List.of("srv-a", "srv-b", "srv-c")) {
            agents.put(serverId, new SimulatedAgent(kafka, serverId, ServerKind.EXPANSION));
        }
        Await.until("servers registered", T, () -> {
            String body;
            try {
                body = admin.send("GET", "/api/v1/servers", null).body();
            } catch (IllegalStateException slow) {
                return false; // a loaded machine may answer after the client's timeout: ask again
            }
            return body.contains("\"srv-a\"") && body.contains("\"srv-b\"") && body.contains("\"srv-c\"");
        });
        userData = Files.createTempDirectory("baton-chromium");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + userData);
        browser = new ChromeDriver(service, options);
        base = "http://127.0.0.1:" + placement.httpPort() + "/console/";
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        agents.values().forEach(SimulatedAgent::close);
        if (placement != null) {
            placement.close();
        }
        if (userData != null) {
            try (var files = Files.walk(userData)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void shouldShowEverythingButNoChangeToAReadOnlyToken() {
        signIn(READ_TOKEN);

        awaitVisible(By.id("roles-table"));
        Await.until("the read-only badge", T, () -> shown(() -> "read-only".equals(browser.findElement(By.id("access")).getText())));
        assertThat(browser.findElement(By.id("new-role")).isDisplayed()).isFalse();
        browser.get(base + "#/servers");
        Await.until("servers listed", T, () -> shown(() -> browser.findElements(By.cssSelector("#servers-table tr[data-server]"))
                .size() == 3));
        assertThat(browser.findElements(By.cssSelector("button[data-maintenance]")))
                .allSatisfy(button -> assertThat(button.isDisplayed()).isFalse());
        browser.findElement(By.id("sign-out")).click();
    }

    @Test
    @Order(2)
    void shouldCarryOutTheSeedProcedure() {
        signIn(PlacementFixture.TOKEN);
        browser.get(base + "#/new");
        awaitVisible(By.id("role-id")).sendKeys("billing");

        addFromDialog("srv-b");
        addFromDialog("srv-a");
        assertThat(serverList()).containsExactly("srv-b", "srv-a");
        browser.findElement(By.cssSelector("button[aria-label='Move srv-a up']")).click();
        assertThat(serverList()).containsExactly("srv-a", "srv-b");
        browser.findElement(By.id("failback")).click();
        type("failback-delay", "5");
        type("db-server", "(local)");
        type("db-host", "db.corp.example");
        type("db-port", "1433");
        screenshot("role");
        browser.findElement(By.id("apply")).click();

        Await.until("the (local) rejection next to the database", T,
                () -> shown(() -> browser.findElement(By.id("database-error")).getText().contains("(local)")));
        assertThat(browser.findElement(By.id("database-error")).getText()).contains("seed procedure forbids");
        assertThat(admin.send("GET", "/api/v1/roles/billing", null).statusCode()).as("nothing stored").isEqualTo(404);

        type("db-server", "DBHOST\\SQLEXPRESS");
        browser.findElement(By.id("apply")).click();

        Await.until("applied", T, () -> shown(() -> browser.findElement(By.id("apply-ok")).getText().contains("version 1")));
        String stored = admin.ok("GET", "/api/v1/roles/billing", null);
        assertThat(stored).contains("\"servers\":[\"srv-a\",\"srv-b\"]", "\"forceHighestPriority\":true",
                "\"failbackDelayMs\":5000", "DBHOST\\\\SQLEXPRESS");
        Await.until("the green light on srv-a", T, () -> shown(() -> litServer().equals("srv-a")));
        screenshot("role-running");
        browser.get(base + "#/roles");
        Await.until("billing listed RUNNING", T, () -> shown(() -> roleRow("billing").getText().contains("RUNNING")));
        screenshot("roles");
    }

    @Test
    @Order(3)
    void shouldSayClearlyThatSomeoneElseChangedTheRoleOnApply() {
        browser.get(base + "#/role/billing");
        awaitVisible(By.id("failback-delay"));
        Await.until("the form filled", T, () -> shown(() -> "5".equals(browser.findElement(By.id("failback-delay"))
                .getAttribute("value"))));

        admin.ok("PUT", "/api/v1/roles/billing/failback", "{\"forceHighestPriority\":true,\"failbackDelayMs\":7000}");
        type("failback-delay", "9");
        browser.findElement(By.id("apply")).click();

        Await.until("the conflict message", T, () -> shown(() -> browser.findElement(By.id("apply-error")).getText()
                .contains("Someone else changed this role")));
        assertThat(admin.ok("GET", "/api/v1/roles/billing", null)).contains("\"failbackDelayMs\":7000");
    }

    @Test
    @Order(4)
    void shouldPreviewMaintenanceAndAskToConfirm() {
        browser.get(base + "#/servers");
        Await.until("servers listed", T, () -> shown(() -> browser.findElements(By.cssSelector("button[data-maintenance]"))
                .size() == 3));
        screenshot("servers");
        browser.findElement(By.cssSelector("button[data-maintenance='srv-a']")).click();

        WebElement preview = awaitVisible(By.id("maintenance-preview"));
        Await.until("the planned move previewed", T, () -> shown(() -> preview.getText().contains("billing: srv-a → srv-b")));
        assertThat(preview.getText()).contains("MAINTENANCE");
        assertThat(preview.getText()).as("the dialog is not re-rendered by live updates").isNotBlank();
        assertThat(admin.ok("GET", "/api/v1/servers/srv-a", null)).as("nothing changed before the confirmation")
                .contains("\"maintenance\":false");
        screenshot("maintenance-preview");
        browser.findElement(By.id("maintenance-confirm")).click();

        Await.until("srv-a in maintenance, shown live", T, () -> shown(() -> serverRow("srv-a").getText().contains("MAINTENANCE")));
        Await.until("billing moved to srv-b", T, () -> admin.ok("GET", "/api/v1/roles/billing", null)
                .contains("\"hostingServer\":\"srv-b\""));
        admin.ok("PUT", "/api/v1/servers/srv-a/maintenance", "{\"on\":false}");
    }

    @Test
    @Order(5)
    void shouldShowAFailoverLiveWithoutAReload() {
        browser.get(base + "#/roles");
        Await.until("billing RUNNING", T, () -> shown(() -> roleRow("billing").getText().contains("RUNNING")));
        String host = Await.until("billing's host", T, () -> {
            try {
                return roleRow("billing").findElement(By.className("host")).getText().trim();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return "";
            }
        }, h -> h.startsWith("srv-"));
        SimulatedAgent hosting = agents.get(host);
        ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true;");

        long killed = System.nanoTime();
        hosting.silence();
        RoleMoved moved = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("billing") && host.equals(m.from()), T);
        long decided = System.nanoTime();

        Await.until("the new host shown live", Duration.ofSeconds(2), () -> shown(() -> roleRow("billing").getText()
                .contains(moved.to()) && !roleRow("billing").findElement(By.className("host")).getText().contains(host)));
        long shown = System.nanoTime();
        Await.until("a toast saying why", Duration.ofSeconds(2), () -> shown(() -> browser.findElement(By.id("toasts")).getText()
                .contains("billing: " + host + " → " + moved.to())));
        assertThat(browser.findElement(By.id("toasts")).getText()).contains(host + " DOWN");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;"))
                .as("the page was not reloaded").isEqualTo(true);
        System.out.printf("console: %s silenced; move decided after %d ms, shown in the browser %d ms later "
                + "(%d ms after the silence)%n", host, (decided - killed) / 1_000_000, (shown - decided) / 1_000_000,
                (shown - killed) / 1_000_000);
        screenshot("failover-toast");
        browser.get(base + "#/what-if");
        awaitVisible(By.id("what-if-server"));
        Await.until("servers offered", T, () -> shown(() -> !browser.findElements(By.cssSelector("#what-if-server option")).isEmpty()));
        browser.findElement(By.id("what-if-ask")).click();
        Await.until("an answer", T, () -> shown(() -> !browser.findElement(By.id("what-if-result")).getText().isBlank()));
        screenshot("what-if");
    }

    // ---- helpers

    /**
     * A condition on the page, false while the element it reads is being re-rendered: live updates replace the
     * lists, so an element found a moment ago may be gone.
     */
    private static boolean shown(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        try {
            return condition.call();
        } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
            return false;
        }
    }

    private void signIn(String token) {
        browser.get(base);
        awaitVisible(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in-button")).click();
        awaitVisible(By.id("roles-table"));
    }

    private WebElement awaitVisible(By by) {
        return Await.until("visible: " + by, T, () -> {
            List<WebElement> found = browser.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        }, element -> element != null);
    }

    private void type(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    private void addFromDialog(String serverId) {
        browser.findElement(By.id("add-server")).click();
        WebElement dialog = awaitVisible(By.id("add-dialog"));
        Await.until("the dialog lists " + serverId, T,
                () -> shown(() -> !dialog.findElements(By.cssSelector("button[data-server='" + serverId + "']")).isEmpty()));
        List<String> offered = dialog.findElements(By.cssSelector("button[data-server]")).stream()
                .map(button -> button.getAttribute("data-server")).toList();
        for (String listed : serverList()) {
            assertThat(offered).as("only servers not yet in the list").doesNotContain(listed);
        }
        dialog.findElement(By.cssSelector("button[data-server='" + serverId + "']")).click();
    }

    private List<String> serverList() {
        return browser.findElements(By.cssSelector("#server-list li[data-server]")).stream()
                .map(li -> li.getAttribute("data-server")).toList();
    }

    private String litServer() {
        return browser.findElements(By.cssSelector("#server-list li[data-server]")).stream()
                .filter(li -> !li.findElements(By.cssSelector(".led.on")).isEmpty())
                .map(li -> li.getAttribute("data-server")).findFirst().orElse("");
    }

    private WebElement roleRow(String roleId) {
        return browser.findElement(By.cssSelector("#roles-table tr[data-role='" + roleId + "']"));
    }

    private WebElement serverRow(String serverId) {
        return browser.findElement(By.cssSelector("#servers-table tr[data-server='" + serverId + "']"));
    }

    /** Saves the page as {@code <name>.png} when {@code baton.console.screenshots} names a directory. */
    private void screenshot(String name) {
        String dir = System.getProperty("baton.console.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Path target = Path.of(dir).resolve(name + ".png");
            Files.createDirectories(target.getParent());
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot save screenshot " + name, e);
        }
    }
}
