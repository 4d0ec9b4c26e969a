package io.roomwire.undertow.browser;

import io.roomwire.engine.Engine;
import io.roomwire.undertow.RoomwireServer;
import io.roomwire.undertow.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fallback transports in headless Chromium. With the demo page's transport selector on {@code sse}, then on
 * {@code longpoll}, the state indicator shows that transport and the exchange works as over WebSocket: presence both
 * ways, messages both ways with their authors and the same seqs in both pages, typing both ways. Switching the
 * selector while connected moves to the chosen transport, keeping the room and its members, without losing or
 * repeating a message. And with WebSocket upgrades blocked between browser and server (a {@link CuttableProxy} that
 * resets every {@code GET /ws}, as a proxy that passes only plain HTTP would), the page left on {@code auto} ends up
 * on SSE by itself and works there.
 */
@Timeout(60)
class FallbackBrowserTest
{
    private static RoomwireServer server;
    private static CuttableProxy proxy;
    private static Chromium browser;
    private static DemoPage alice;
    private static DemoPage bob;

    @BeforeAll
    static void start() throws Exception
    {
        if (!Browsers.isInstalled())
        {
            return; // every test is skipped by assumeInstalled(), which names the missing file
        }
        server = RoomwireServer.start(new ServerConfig().dev(true).port(0).host("127.0.0.1").ioThreads(2),
            new Engine.Context());
        proxy = CuttableProxy.start(server.port());
        browser = Browsers.launch("fallback");
        final String url = "http://127.0.0.1:" + server.port() + "/";
        alice = DemoPage.open(browser, url).connect("alice", "websocket");
        bob = DemoPage.openInNewWindow(browser, url);
    }

    @BeforeEach
    void assumeBrowserInstalled()
    {
        Browsers.assumeInstalled();
    }

    @AfterAll
    static void stop()
    {
        if (null != browser)
        {
            browser.close();
        }
        if (null != proxy)
        {
            proxy.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "sse", "longpoll" })
    void shouldChatOverTheTransportChosenInTheSelector(final String transport)
    {
        final String room = "chat-" + transport;
        bob.reload().connect("bob", transport);
        assertEquals(transport, bob.transport());
        assertEquals("open (" + transport + ")", bob.stateText());

        alice.join(room, "alice");
        bob.join(room, "bob");
        assertEquals("open (" + transport + ")", bob.stateText(), "still on " + transport + " with a room");
        bob.await("bob sees alice", () -> bob.members().equals(List.of("alice", "bob")));
        alice.await("alice sees bob", () -> alice.members().equals(List.of("alice", "bob")));

        bob.send("hello over " + transport);
        alice.await("alice receives bob's message", () -> alice.messageTexts().contains("hello over " + transport));
        bob.await("bob receives his own message", () -> bob.messageTexts().contains("hello over " + transport));
        alice.send("hello back");
        bob.await("bob receives alice's message", () -> bob.messageTexts().contains("hello back"));
        alice.await("alice receives her own message", () -> alice.messageTexts().contains("hello back"));

        final List<DemoPage.Message> atBob = bob.messages();
        assertEquals(List.of("hello over " + transport, "hello back"), bob.messageTexts());
        assertEquals(List.of("bob", "alice"), List.of(atBob.get(0).author(), atBob.get(1).author()));
        assertTrue(atBob.get(0).isMine() && !atBob.get(1).isMine(), atBob::toString);
        assertEquals(seqsOf(alice.messages()), seqsOf(atBob), "the same records in both pages");

        bob.type("bob types");
        alice.await("alice sees bob typing (HTTP typing)", () -> "bob is typing…".equals(alice.typingText()));
        alice.type("alice types");
        bob.await("bob sees alice typing (over " + transport + ")", () -> "alice is typing…".equals(bob.typingText()));
        bob.send("!");
        alice.send("!");
        alice.await("typing stops on send", () -> alice.typingText().isEmpty());
        bob.await("typing stops on send", () -> bob.typingText().isEmpty());
    }

    @Test
    void shouldMoveToTheTransportPickedWhileConnectedWithoutLosingOrRepeatingAMessage()
    {
        final String room = "switching";
        alice.join(room, "alice");
        bob.reload().connect("bob", "websocket").join(room, "bob");
        alice.await("alice sees bob", () -> alice.members().contains("bob"));

        final List<String> expected = new ArrayList<>();
        for (final String transport : List.of("websocket", "sse", "longpoll", "websocket"))
        {
            if (!transport.equals(bob.transport()))
            {
                bob.switchTransport(transport);
                bob.await("bob's page on " + transport,
                    () -> "open".equals(bob.state()) && transport.equals(bob.transport()));
                assertEquals("open (" + transport + ")", bob.stateText());
            }
            bob.await("bob's members on " + transport, () -> bob.members().equals(List.of("alice", "bob")));
            alice.await("alice's members with bob on " + transport,
                () -> alice.members().equals(List.of("alice", "bob")));
            final String fromAlice = "alice while bob is on " + transport;
            final String fromBob = "bob on " + transport;
            alice.send(fromAlice);
            expected.add(fromAlice);
            bob.await("bob receives " + fromAlice, () -> bob.messageTexts().size() == expected.size());
            bob.send(fromBob);
            expected.add(fromBob);
            alice.await("alice receives " + fromBob, () -> alice.messageTexts().size() == expected.size());
            bob.await("bob receives " + fromBob, () -> bob.messageTexts().size() == expected.size());
        }

        assertEquals(expected, bob.messageTexts(), "each message once, in order, across three transport switches");
        assertEquals(expected, alice.messageTexts());
        assertEquals(seqsOf(alice.messages()), seqsOf(bob.messages()));
    }

    @Test
    void shouldFallBackToSseWhenWebSocketsCannotOpen()
    {
        proxy.blockWebSocketUpgrades(true);
        try
        {
            final int refusedBefore = proxy.refusedCount();
            final DemoPage carol = DemoPage.openInNewWindow(browser, proxy.pageUrl());
            alice.join("blocked", "alice");

            carol.connect("carol", "auto");
            assertEquals("sse", carol.transport(), () -> "states " + carol.states());
            assertEquals("open (sse)", carol.stateText());
            final List<String> states = carol.states();
            assertEquals("connecting/websocket", states.get(0), states::toString);
            assertEquals("open/sse", states.get(states.size() - 1), states::toString);
            assertFalse(states.contains("open/websocket"), states::toString);
            assertTrue(proxy.refusedCount() - refusedBefore >= 2, "two WebSocket attempts before falling back");

            carol.join("blocked", "carol");
            alice.await("alice sees carol", () -> alice.members().contains("carol"));
            carol.send("from behind the proxy");
            alice.await("alice receives carol's message", () -> alice.messageTexts().contains("from behind the proxy"));
            alice.send("to carol");
            carol.await("carol receives alice's message", () -> carol.messageTexts().contains("to carol"));
            assertEquals(List.of("from behind the proxy", "to carol"), carol.messageTexts());
            assertEquals("open (sse)", carol.stateText());
        }
        finally
        {
            proxy.blockWebSocketUpgrades(false);
        }
    }

    private static List<Long> seqsOf(final List<DemoPage.Message> messages)
    {
        final List<Long> seqs = new ArrayList<>();
        for (final DemoPage.Message message : messages)
        {
            seqs.add(message.seq());
        }
        return seqs;
    }
}
