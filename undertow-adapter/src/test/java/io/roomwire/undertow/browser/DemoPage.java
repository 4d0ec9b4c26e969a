package io.roomwire.undertow.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo page ({@code GET /}) in one window of a browser, driven through the element ids and hooks that
 * docs/client.md promises browser tests: {@code #name}, {@code #transport}, {@code #connect}, {@code #state},
 * {@code #room-input}, {@code #members}, {@code #messages}, {@code #typing}, {@code #message-input}, and
 * {@code window.roomwire}. Several pages may share one driver: each switches to its own window before it acts.
 * <p>
 * Thread safety: call from the test thread.
 */
final class DemoPage
{
    /** A message as the page rendered it in {@code #messages}. */
    record Message(String room, long epoch, long seq, String type, String author, String text, boolean isMine)
    {
    }

    /** A room record (message or presence) as the client emitted it, in emission order. */
    record Emitted(String event, String room, long epoch, long seq, String author, String text)
    {
    }

    private final Chromium browser;
    private final ChromeDriver driver;
    private final String window;
    private final String url;

    private DemoPage(final Chromium browser, final String window, final String url)
    {
        this.browser = browser;
        this.driver = browser.driver();
        this.window = window;
        this.url = url;
    }

    /**
     * Open the page in the browser's current window.
     *
     * @param browser to use.
     * @param url     of the page.
     * @return the page.
     */
    static DemoPage open(final Chromium browser, final String url)
    {
        final DemoPage page = new DemoPage(browser, browser.focusedWindow(), url);
        page.reload();
        return page;
    }

    /**
     * Open the page in a new window of the browser.
     *
     * @param browser to use.
     * @param url     of the page.
     * @return the page.
     */
    static DemoPage openInNewWindow(final Chromium browser, final String url)
    {
        final DemoPage page = new DemoPage(browser, browser.newWindow(), url);
        page.reload();
        return page;
    }

    /**
     * Load the page afresh (a new page: no client, no rooms).
     *
     * @return this.
     */
    DemoPage reload()
    {
        focus();
        driver.get(url);
        await("the page's script to run", () -> Boolean.TRUE.equals(
            driver.executeScript("return typeof window.roomwireDemo === 'object' && window.roomwire === null")));
        recordEmitted();
        return this;
    }

    /**
     * Enter a name, pick a transport in the selector and press Connect; waits until the state indicator says open.
     *
     * @param name      of the user.
     * @param transport {@code auto}, {@code websocket}, {@code sse} or {@code longpoll}.
     * @return this.
     */
    DemoPage connect(final String name, final String transport)
    {
        focus();
        final WebElement nameInput = driver.findElement(By.id("name"));
        nameInput.clear();
        nameInput.sendKeys(name);
        new Select(driver.findElement(By.id("transport"))).selectByValue(transport);
        driver.findElement(By.id("connect")).click();
        await("state open after Connect", () -> "open".equals(state()));
        return this;
    }

    /**
     * Change the transport selector while connected (the page reconnects with it, resuming every room).
     *
     * @param transport to select.
     * @return this.
     */
    DemoPage switchTransport(final String transport)
    {
        focus();
        new Select(driver.findElement(By.id("transport"))).selectByValue(transport);
        return this;
    }

    /**
     * Join a room with the room box and Enter, and wait until this user is in its member list.
     *
     * @param room to join.
     * @param user this page's user, expected among the members.
     * @return this.
     */
    DemoPage join(final String room, final String user)
    {
        focus();
        driver.findElement(By.id("room-input")).sendKeys(room, Keys.ENTER);
        await("joined " + room, () -> room.equals(currentRoom()) && members().contains(user));
        return this;
    }

    /**
     * Leave a room with its leave button in the room list, and wait until the list no longer has it.
     *
     * @param room to leave.
     * @return this.
     */
    DemoPage leave(final String room)
    {
        focus();
        driver.findElement(By.cssSelector("#rooms button.leave[data-leave='" + room + "']")).click();
        await("left " + room, () -> driver.findElements(By.cssSelector("#rooms li[data-room='" + room + "']")).isEmpty());
        return this;
    }

    /**
     * Type into the message box without sending.
     *
     * @param text to type.
     * @return this.
     */
    DemoPage type(final String text)
    {
        focus();
        driver.findElement(By.id("message-input")).sendKeys(text);
        return this;
    }

    /**
     * Type a message and press Enter.
     *
     * @param text to send.
     * @return this.
     */
    DemoPage send(final String text)
    {
        focus();
        driver.findElement(By.id("message-input")).sendKeys(text, Keys.ENTER);
        return this;
    }

    /**
     * Publish messages through {@code window.roomwire.publish}, one after another, waiting for each ack.
     *
     * @param room  to publish to.
     * @param texts to publish as {@code {content: text}}.
     * @return the seq of each ack, in order.
     */
    List<Long> publish(final String room, final List<String> texts)
    {
        focus();
        final Object result = driver.executeAsyncScript(
            "const [room, texts, done] = arguments;" +
            "(async () => {" +
            "  const seqs = [];" +
            "  for (const text of texts) {" +
            "    seqs.push((await window.roomwire.publish(room, {content: text})).seq);" +
            "  }" +
            "  return seqs;" +
            "})().then(done, (err) => done('failed: ' + err.code + ' ' + err.reason));",
            room, texts);
        if (!(result instanceof List))
        {
            throw new AssertionError("publish from the page " + result);
        }
        final List<Long> seqs = new ArrayList<>();
        for (final Object seq : (List<?>)result)
        {
            seqs.add(((Number)seq).longValue());
        }
        return seqs;
    }

    /**
     * @return {@code #state}'s {@code data-state}.
     */
    String state()
    {
        focus();
        return driver.findElement(By.id("state")).getDomAttribute("data-state");
    }

    /**
     * @return {@code #state}'s {@code data-transport}.
     */
    String transport()
    {
        focus();
        return driver.findElement(By.id("state")).getDomAttribute("data-transport");
    }

    /**
     * @return {@code #state}'s text, e.g. {@code open (sse)}.
     */
    String stateText()
    {
        focus();
        return driver.findElement(By.id("state")).getText();
    }

    /**
     * @return the room in {@code #current-room}.
     */
    String currentRoom()
    {
        focus();
        return driver.findElement(By.id("current-room")).getDomAttribute("data-room");
    }

    /**
     * @return the users in {@code #members}, as listed.
     */
    List<String> members()
    {
        focus();
        final List<String> users = new ArrayList<>();
        for (final Object user : (List<?>)driver.executeScript(
            "return [...document.querySelectorAll('#members li[data-user]')].map((li) => li.dataset.user);"))
        {
            users.add((String)user);
        }
        return users;
    }

    /**
     * @return {@code #typing}'s text.
     */
    String typingText()
    {
        focus();
        return driver.findElement(By.id("typing")).getText();
    }

    /**
     * @return {@code #typing}'s {@code data-typists}.
     */
    String typists()
    {
        focus();
        return driver.findElement(By.id("typing")).getDomAttribute("data-typists");
    }

    /**
     * @return the selected room's messages as rendered in {@code #messages}, top to bottom.
     */
    List<Message> messages()
    {
        focus();
        final List<Message> messages = new ArrayList<>();
        // One script for the whole list: reading element by element races with the page appending to it.
        final Object rows = driver.executeScript(
            "return [...document.querySelectorAll('#messages li.message')].map((li) => ({" +
            "  room: li.dataset.room, epoch: li.dataset.epoch, seq: li.dataset.seq, type: li.dataset.type," +
            "  author: li.dataset.author, text: li.querySelector('.text').textContent," +
            "  mine: li.classList.contains('mine')}));");
        for (final Object row : (List<?>)rows)
        {
            final Map<?, ?> m = (Map<?, ?>)row;
            messages.add(new Message(
                (String)m.get("room"),
                Long.parseLong((String)m.get("epoch")),
                Long.parseLong((String)m.get("seq")),
                (String)m.get("type"),
                (String)m.get("author"),
                (String)m.get("text"),
                Boolean.TRUE.equals(m.get("mine"))));
        }
        return messages;
    }

    /**
     * @return the texts of the rendered messages, top to bottom.
     */
    List<String> messageTexts()
    {
        final List<String> texts = new ArrayList<>();
        for (final Message message : messages())
        {
            texts.add(message.text());
        }
        return texts;
    }

    /**
     * @return every {@code message} and {@code presence} event the page's clients emitted since the page was loaded,
     * in order (recorded by handlers added through {@code window.roomwire.on}).
     */
    List<Emitted> emitted()
    {
        focus();
        final Object rows = driver.executeScript("return window.__emitted ?? [];");
        final List<Emitted> emitted = new ArrayList<>();
        for (final Object row : (List<?>)rows)
        {
            final Map<?, ?> m = (Map<?, ?>)row;
            emitted.add(new Emitted(
                (String)m.get("event"),
                (String)m.get("room"),
                ((Number)m.get("epoch")).longValue(),
                ((Number)m.get("seq")).longValue(),
                (String)m.get("author"),
                (String)m.get("text")));
        }
        return emitted;
    }

    /**
     * @return every {@code state} event ({@code state/transport}) the page's clients emitted since the page was loaded.
     */
    List<String> states()
    {
        focus();
        final List<String> states = new ArrayList<>();
        for (final Object state : (List<?>)driver.executeScript("return window.__states ?? [];"))
        {
            states.add((String)state);
        }
        return states;
    }

    /**
     * @return the texts of {@code #log}, newest first.
     */
    List<String> log()
    {
        focus();
        final List<String> lines = new ArrayList<>();
        for (final WebElement li : driver.findElements(By.cssSelector("#log li")))
        {
            lines.add(li.getDomAttribute("data-level") + " " + li.getText());
        }
        return lines;
    }

    /**
     * Run a script in this page.
     *
     * @param script to run.
     * @param args   of the script.
     * @return its result.
     */
    Object script(final String script, final Object... args)
    {
        focus();
        return driver.executeScript(script, args);
    }

    /**
     * Wait, for at most {@link Browsers#WAIT}, until a condition on this page holds.
     *
     * @param what      is awaited, for the failure message.
     * @param condition polled on this page.
     */
    void await(final String what, final Supplier<Boolean> condition)
    {
        await(what, Browsers.WAIT, condition);
    }

    /**
     * Wait, for at most {@code timeout}, until a condition on this page holds.
     *
     * @param what      is awaited, for the failure message.
     * @param timeout   bound of the wait.
     * @param condition polled on this page.
     */
    void await(final String what, final Duration timeout, final Supplier<Boolean> condition)
    {
        focus();
        new WebDriverWait(driver, timeout, Duration.ofMillis(50))
            .withMessage(() -> what + "; page " + url + " state " + stateText() + ", log " + log())
            .until((ignore) -> condition.get());
    }

    /**
     * Make {@code window.roomwire} an accessor that adds recording handlers to each client the page puts there, before
     * the page calls its {@code connect()}: its room records go to {@code window.__emitted} and its states to
     * {@code window.__states}, from the first one on.
     */
    private void recordEmitted()
    {
        driver.executeScript(
            "window.__emitted = [];" +
            "window.__states = [];" +
            "let current = window.roomwire;" +
            "Object.defineProperty(window, 'roomwire', {" +
            "  configurable: true," +
            "  get: () => current," +
            "  set: (client) => {" +
            "    current = client;" +
            "    if (!client) return;" +
            "    client.on('message', (m) => window.__emitted.push({event: 'message', room: m.room, epoch: m.epoch," +
            "      seq: m.seq, author: m.author ?? null, text: m.data?.content ?? null}));" +
            "    client.on('presence', (p) => window.__emitted.push({event: 'presence', room: p.room," +
            "      epoch: p.epoch, seq: p.seq, author: p.user, text: p.status}));" +
            "    client.on('state', (s) => window.__states.push(s.state + '/' + s.transport));" +
            "  }," +
            "});");
    }

    private void focus()
    {
        browser.focus(window);
    }
}
