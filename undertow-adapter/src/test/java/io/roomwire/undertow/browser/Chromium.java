package io.roomwire.undertow.browser;

import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One running headless Chromium ({@link Browsers#launch(String)}) whose windows {@link DemoPage}s share: it remembers
 * the window the driver is switched to, so a page switches only when another page acted last. Closing it quits the
 * browser and deletes its profile.
 * <p>
 * Thread safety: call from the test thread.
 */
final class Chromium implements AutoCloseable
{
    private final ChromeDriver driver;
    private final Path profile;
    private String focusedWindow;

    Chromium(final ChromeDriver driver, final Path profile)
    {
        this.driver = driver;
        this.profile = profile;
        this.focusedWindow = driver.getWindowHandle();
    }

    /**
     * @return the driver, switched to the window that acted last.
     */
    ChromeDriver driver()
    {
        return driver;
    }

    /**
     * @return the window the driver is switched to.
     */
    String focusedWindow()
    {
        return focusedWindow;
    }

    /**
     * Switch the driver to a window, unless it is there already.
     *
     * @param window handle.
     * @return the driver.
     */
    ChromeDriver focus(final String window)
    {
        if (!window.equals(focusedWindow))
        {
            driver.switchTo().window(window);
            focusedWindow = window;
        }
        return driver;
    }

    /**
     * Open a new window and switch to it.
     *
     * @return its handle.
     */
    String newWindow()
    {
        driver.switchTo().newWindow(WindowType.WINDOW);
        focusedWindow = driver.getWindowHandle();
        return focusedWindow;
    }

    /**
     * Quit the browser and delete its profile, never throwing (it runs in {@code @AfterAll}, which must go on to close
     * the server).
     */
    public void close()
    {
        try
        {
            driver.quit();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("browser: quit failed: " + ex);
        }
        try (Stream<Path> paths = Files.walk(profile))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("browser: profile " + profile + " not deleted: " + ex);
        }
    }
}
