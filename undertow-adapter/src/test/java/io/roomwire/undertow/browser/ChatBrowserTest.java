package io.roomwire.undertow.browser;

import io.roomwire.engine.Engine;
import io.roomwire.undertow.RoomwireServer;
import io.roomwire.undertow.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo page in two windows of headless Chromium, as two users in one room over the default transport
 * (WebSocket): each sees the other in the member list, a message typed and sent in one appears in both with its
 * author and the same seq, typing in the box shows "… is typing" in the other and stops on send, and leaving the room
 * takes the user off the other's member list.
 */
@Timeout(60)
class ChatBrowserTest
{
    private static RoomwireServer server;
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
        browser = Browsers.launch("chat");
        final String url = "http://127.0.0.1:" + server.port() + "/";
        alice = DemoPage.open(browser, url).connect("alice", "auto");
        bob = DemoPage.openInNewWindow(browser, url).connect("bob", "auto");
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
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldConnectOverWebSocketByDefault()
    {
        for (final DemoPage page : List.of(alice, bob))
        {
            assertEquals("open", page.state());
            assertEquals("websocket", page.transport());
            assertEquals("open (websocket)", page.stateText());
        }
    }

    @Test
    void shouldShowEachOtherInTheMemberList()
    {
        alice.join("members", "alice");
        bob.join("members", "bob");

        bob.await("bob sees alice and himself", () -> bob.members().equals(List.of("alice", "bob")));
        alice.await("alice sees bob join", () -> alice.members().equals(List.of("alice", "bob")));
    }

    @Test
    void shouldShowAMessageSentInOnePageInBothWithItsAuthor()
    {
        alice.join("chat", "alice");
        bob.join("chat", "bob");
        alice.await("alice sees bob", () -> alice.members().contains("bob"));

        alice.send("hello from alice");
        bob.await("bob sees alice's message", () -> bob.messageTexts().contains("hello from alice"));
        alice.await("alice sees her own message", () -> alice.messageTexts().contains("hello from alice"));

        bob.send("hi alice");
        alice.await("alice sees bob's answer", () -> alice.messageTexts().contains("hi alice"));
        bob.await("bob sees his answer", () -> bob.messageTexts().contains("hi alice"));

        final List<DemoPage.Message> atAlice = alice.messages();
        final List<DemoPage.Message> atBob = bob.messages();
        assertEquals(2, atAlice.size(), atAlice::toString);
        assertEquals(2, atBob.size(), atBob::toString);
        for (int i = 0; i < 2; i++)
        {
            final DemoPage.Message a = atAlice.get(i);
            final DemoPage.Message b = atBob.get(i);
            assertEquals(a.seq(), b.seq(), "one record, one seq, in both pages");
            assertEquals(a.epoch(), b.epoch());
            assertEquals(a.author(), b.author());
            assertEquals(a.text(), b.text());
            assertEquals("chat", a.room());
            assertEquals("text", a.type());
        }
        assertEquals("alice", atBob.get(0).author());
        assertEquals("bob", atBob.get(1).author());
        assertTrue(atBob.get(0).seq() < atBob.get(1).seq(), "in seq order");
        assertTrue(atAlice.get(0).isMine() && !atAlice.get(1).isMine(), "alice's own message is marked mine");
        assertTrue(!atBob.get(0).isMine() && atBob.get(1).isMine(), "bob's own message is marked mine");
    }

    @Test
    void shouldShowTypingInTheOtherPageUntilTheMessageIsSent()
    {
        alice.join("typing", "alice");
        bob.join("typing", "bob");
        alice.await("alice sees bob", () -> alice.members().contains("bob"));

        alice.type("I am writ");
        bob.await("bob sees alice typing", () -> "alice is typing…".equals(bob.typingText()));
        assertEquals("alice", bob.typists());
        assertEquals("", alice.typingText(), "a user's own typing is not shown to them");

        alice.send("ing a message");
        bob.await("bob sees the message", () -> bob.messageTexts().contains("I am writing a message"));
        bob.await("the indicator clears when the message is sent", () -> bob.typingText().isEmpty());
        assertEquals("", bob.typists());
    }

    @Test
    void shouldTakeAUserWhoLeavesOffTheOthersMemberList()
    {
        alice.join("leaving", "alice");
        bob.join("leaving", "bob");
        alice.await("alice sees bob", () -> alice.members().equals(List.of("alice", "bob")));

        bob.leave("leaving");
        alice.await("alice no longer sees bob", () -> alice.members().equals(List.of("alice")));
        assertFalse(alice.members().contains("bob"));
    }
}
