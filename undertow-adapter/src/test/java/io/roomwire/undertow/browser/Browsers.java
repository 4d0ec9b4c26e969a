package io.roomwire.undertow.browser;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.net.PortProber;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Starts headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages for the browser tests:
 * both binaries at fixed paths, so Selenium Manager is never asked and never downloads anything (checked on every
 * launch from Selenium's own log records), a fresh profile under {@code target/browser-profiles/}, and no name
 * resolved but {@code 127.0.0.1}, so the browser reaches nothing but the server under test. Tests are skipped, naming
 * the missing file, where the packages are not installed ({@code .ci/install-deps} installs them).
 * <p>
 * Thread safety: call from the test thread.
 */
final class Browsers
{
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Bound of every wait on the page. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private static final Logger SELENIUM_MANAGER_LOGGER = Logger.getLogger("org.openqa.selenium.manager");
    private static final Logger DRIVER_FINDER_LOGGER = Logger.getLogger("org.openqa.selenium.remote.service");
    private static final Logger CDP_VERSION_LOGGER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");
    private static final List<String> SELENIUM_MANAGER_RECORDS = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> DRIVER_FINDER_RECORDS = Collections.synchronizedList(new ArrayList<>());

    static
    {
        capture(SELENIUM_MANAGER_LOGGER, SELENIUM_MANAGER_RECORDS);
        capture(DRIVER_FINDER_LOGGER, DRIVER_FINDER_RECORDS);
        // ChromeDriver looks for a DevTools module matching the browser's version and warns that there is none; these
        // tests use no DevTools, so the warning is noise.
        CDP_VERSION_LOGGER.setLevel(Level.SEVERE);
    }

    private Browsers()
    {
    }

    /**
     * @return true when Debian's Chromium and ChromeDriver are installed.
     */
    static boolean isInstalled()
    {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    /**
     * Skip the calling test unless Debian's Chromium and ChromeDriver are installed, naming the missing file. Call it
     * from {@code @BeforeEach}: Surefire shows tests skipped there, with the reason, but says nothing of a class
     * whose {@code @BeforeAll} was skipped.
     */
    static void assumeInstalled()
    {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)),
            CHROMIUM + " is missing: install Debian's chromium package (.ci/install-deps) to run the browser tests");
        assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)),
            CHROMEDRIVER + " is missing: install Debian's chromium-driver package (.ci/install-deps) to run the " +
            "browser tests");
    }

    /**
     * Start one headless Chromium with a fresh profile.
     *
     * @param name of the profile folder under {@code target/browser-profiles/}.
     * @return the browser; close it after the test class.
     * @throws IOException when the profile folder cannot be made.
     */
    static Chromium launch(final String name) throws IOException
    {
        assumeInstalled();
        final Path profiles = Files.createDirectories(Path.of("target", "browser-profiles"));
        final Path profile = Files.createTempDirectory(profiles, name + "-");

        final ChromeOptions options = new ChromeOptions();
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
            // Chromium still looks up and calls Google services (autofill predictions for the page's inputs, sign-in,
            // component and extension updates) despite the switches above: resolve no name but the server's address,
            // so nothing leaves the machine, and turn off what would try.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationHintsFetching," +
                "OptimizationGuideModelDownloading,MediaRouter,Translate",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-default-browser-check",
            "--disable-client-side-phishing-detection",
            "--disable-domain-reliability",
            "--no-pings",
            "--window-size=1200,900",
            "--user-data-dir=" + profile.toAbsolutePath());

        final int driverPort = PortProber.findFreePort();
        final ChromeDriverService service = new ChromeDriverService(
            new File(CHROMEDRIVER), driverPort, Duration.ofSeconds(20), List.of("--port=" + driverPort), Map.of());
        service.sendOutputTo(OutputStream.nullOutputStream());

        SELENIUM_MANAGER_RECORDS.clear();
        DRIVER_FINDER_RECORDS.clear();
        final ChromeDriver driver = new ChromeDriver(service, options);
        if (!SELENIUM_MANAGER_RECORDS.isEmpty() || !isSeleniumManagerSkipped())
        {
            driver.quit();
            throw new IllegalStateException("Selenium Manager ran (it may download drivers and browsers): " +
                SELENIUM_MANAGER_RECORDS + " " + DRIVER_FINDER_RECORDS);
        }
        driver.manage().timeouts().scriptTimeout(WAIT);
        return new Chromium(driver, profile);
    }

    private static boolean isSeleniumManagerSkipped()
    {
        synchronized (DRIVER_FINDER_RECORDS)
        {
            return DRIVER_FINDER_RECORDS.stream()
                .anyMatch((message) -> message.startsWith("Skipping Selenium Manager") && message.contains(CHROMEDRIVER));
        }
    }

    /**
     * Keep every record of a Selenium logger, at every level (the console still prints only what it did before).
     */
    private static void capture(final Logger logger, final List<String> records)
    {
        logger.setLevel(Level.ALL);
        logger.addHandler(new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                records.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        });
    }
}
