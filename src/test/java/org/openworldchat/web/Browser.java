package org.openworldchat.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openworldchat.support.RequiredServices;

/**
 * A headless Chromium showing the chat page, as one guest: its own cookies and its own tab.
 * Both binaries come from the system (Debian's {@code chromium} and {@code chromium-driver}),
 * found on the PATH or named by {@code CHROMIUM_BIN} and {@code CHROMEDRIVER_BIN}; nothing is
 * downloaded. Starting Chromium takes seconds, so the test run keeps the ones it started (each
 * with a fresh profile) and hands them out again clean: cookies cleared, a new tab, no emulation
 * (screen, touch, colour scheme or network).
 */
final class Browser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    private static final Deque<ChromeDriver> IDLE = new ArrayDeque<>();

    /** Bytes a second that no test comes near: chromedriver's emulation has no "off" per direction. */
    private static final int UNTHROTTLED = 1 << 30;

    private final ChromeDriver driver;
    private boolean throttled;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the test (fails it in CI) when Chromium or chromedriver is missing. */
    static void assumeAvailable() {
        RequiredServices.assume(chromium().isPresent() && chromedriver().isPresent(),
                "Chromium and chromedriver (apt-get install chromium chromium-driver)");
    }

    /** Starts browsers in parallel until {@code count} are idle, so that a test does not wait for them one by one. */
    static void warmUp(int count) {
        int missing;
        synchronized (IDLE) {
            missing = count - IDLE.size();
        }
        List<CompletableFuture<ChromeDriver>> starting = IntStream.range(0, Math.max(0, missing))
                .mapToObj(i -> CompletableFuture.supplyAsync(Browser::start)).toList();
        for (CompletableFuture<ChromeDriver> started : starting) {
            release(started.join());
        }
    }

    /** A desktop window (1280 × 800 CSS pixels, with a mouse) showing {@code url}. */
    static Browser open(String url) {
        return open(url, 1280, 800);
    }

    static Browser open(String url, int width, int height) {
        Browser browser = new Browser(acquire());
        browser.cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        browser.driver.get(url);
        return browser;
    }

    /** A phone: a touch screen of {@code width × height} CSS pixels, two device pixels each. */
    static Browser openPhone(String url, int width, int height) {
        Browser browser = new Browser(acquire());
        browser.cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
        browser.cdp("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        browser.driver.get(url);
        return browser;
    }

    WebDriver driver() {
        return driver;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .withMessage(what)
                .until(condition);
    }

    /** Waits until the page has joined the chat. */
    Browser awaitLive() {
        await("the page to join the chat", d -> "live".equals(find("body").getDomAttribute("data-connection")));
        return this;
    }

    /** The stored (not pending) message whose text is exactly {@code text}, once it is shown. */
    WebElement message(String text) {
        return await("a message \"" + text + "\"", d -> (WebElement) script(
                "return [...document.querySelectorAll('#messages > li')]"
                        + ".find(li => li.querySelector('.msg-text')?.textContent === arguments[0]) ?? null", text));
    }

    /** The texts of the stored messages shown, top to bottom. */
    @SuppressWarnings("unchecked")
    List<String> texts() {
        return (List<String>) script("return [...document.querySelectorAll('#messages > li')]"
                + ".map(li => li.querySelector('.msg-text')?.textContent ?? '')");
    }

    /** The {@code emoji} reaction chip on the message {@code message}, once it shows {@code count}. */
    WebElement chip(String message, String emoji, String count) {
        return await(emoji + " " + count + " on \"" + message + "\"", d -> message(message)
                .findElements(By.cssSelector(".chip")).stream()
                .filter(c -> emoji.equals(c.getDomAttribute("data-emoji"))
                        && c.findElement(By.cssSelector(".chip-count")).getText().equals(count))
                .findFirst().orElse(null));
    }

    /** How many stored messages show exactly {@code text}. */
    long count(String text) {
        return (Long) script("return [...document.querySelectorAll('#messages > li')]"
                + ".filter(li => li.querySelector('.msg-text')?.textContent === arguments[0]).length", text);
    }

    /** The name dialog's field, once the dialog is open. */
    WebElement nameDialog() {
        return await("the name dialog", d -> find("#username-dialog").isDisplayed() ? find("#username-input") : null);
    }

    /** Chooses a name through the dialog behind the "pick a name" button in the header. */
    Browser chooseName(String name) {
        awaitLive();
        find("#me-button").click();
        WebElement field = nameDialog();
        field.clear();
        field.sendKeys(name, Keys.ENTER);
        await("the name to be taken", d -> name.equals(find("#me-name").getText()));
        return this;
    }

    /** Types into the message box and presses Enter. */
    void send(String text) {
        find("#message-input").sendKeys(text, Keys.ENTER);
    }

    /**
     * A slow uplink: requests send at most {@code bytesPerSecond}, answers come as fast as ever.
     * Chromium's own network emulation (chromedriver enables the DevTools network domain it needs),
     * so it holds on localhost too, and XMLHttpRequest reports the upload as it goes.
     */
    void throttleUploads(int bytesPerSecond) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setUploadThroughput(bytesPerSecond);
        conditions.setDownloadThroughput(UNTHROTTLED);
        driver.setNetworkConditions(conditions);
        throttled = true;
    }

    void emulateDarkMode() {
        colorScheme("dark");
    }

    void emulateLightMode() {
        colorScheme("light");
    }

    private void colorScheme(String scheme) {
        cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Script errors and Content-Security-Policy violations the page reported since it was opened.
     * Failed requests are left out: a refused upload or a server that is down is logged as one.
     */
    List<String> errors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()
                        || e.getMessage().contains("Content Security Policy"))
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource"))
                .toList();
    }

    private void cdp(String command, Map<String, Object> parameters) {
        driver.executeCdpCommand(command, parameters);
    }

    /** Hands the browser back clean: its tab (and with it the page's sockets and storage) closed, no cookies. */
    @Override
    public void close() {
        try {
            String old = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            String fresh = driver.getWindowHandle();
            driver.switchTo().window(old).close();
            driver.switchTo().window(fresh);
            cdp("Network.clearBrowserCookies", Map.of());
            cdp("Emulation.clearDeviceMetricsOverride", Map.of());
            cdp("Emulation.setTouchEmulationEnabled", Map.of("enabled", false));
            cdp("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            if (throttled) {
                driver.deleteNetworkConditions(); // chromedriver keeps them in its session, not in the tab
            }
            driver.manage().logs().get(LogType.BROWSER);
            release(driver);
        } catch (RuntimeException e) {
            quit(driver);
        }
    }

    private static ChromeDriver acquire() {
        synchronized (IDLE) {
            if (!IDLE.isEmpty()) {
                return IDLE.pop();
            }
        }
        return start();
    }

    private static void release(ChromeDriver driver) {
        synchronized (IDLE) {
            IDLE.push(driver);
        }
    }

    private static ChromeDriver start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("owc-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().orElseThrow().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                "--password-store=basic", "--lang=en-US", "--hide-scrollbars", "--window-size=1280,800",
                "--user-data-dir=" + profile,
                // Headless Chromium has no pointing device; a desktop page should see a mouse.
                "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().orElseThrow().toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            quit(driver);
            deleteQuietly(profile);
        }));
        return driver;
    }

    private static void quit(ChromeDriver driver) {
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }

    private static Optional<Path> chromium() {
        return binary("CHROMIUM_BIN", "chromium", "chromium-browser");
    }

    private static Optional<Path> chromedriver() {
        return binary("CHROMEDRIVER_BIN", "chromedriver");
    }

    private static Optional<Path> binary(String variable, String... names) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .flatMap(dir -> Stream.of(names).map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
