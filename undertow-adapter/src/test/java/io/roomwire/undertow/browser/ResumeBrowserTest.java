package io.roomwire.undertow.browser;

import io.roomwire.engine.Engine;
import io.roomwire.undertow.RoomwireServer;
import io.roomwire.undertow.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drop and resume in headless Chromium, once per transport: bob's demo page reaches the server through a
 * {@link CuttableProxy}, alice's directly. While bob's page is receiving, the proxy cuts the network (every connection
 * reset, every new one refused); bob's page notices and keeps retrying; alice publishes from her page; the network
 * comes back; bob's page reconnects by itself and resumes the room. It must then show every message exactly once and
 * in seq order, the same list as alice's, and the records its client emitted must have consecutive seqs: no gap, no
 * duplicate.
 */
@Timeout(60)
class ResumeBrowserTest
{
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(15);

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
        browser = Browsers.launch("resume");
        alice = DemoPage.open(browser, "http://127.0.0.1:" + server.port() + "/").connect("alice", "websocket");
        bob = DemoPage.openInNewWindow(browser, proxy.pageUrl());
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
    @ValueSource(strings = { "websocket", "sse", "longpoll" })
    void shouldShowWhatWasPublishedWhileCutOffExactlyOnceAndInOrder(final String transport)
    {
        final String room = "resume-" + transport;
        alice.join(room, "alice");
        bob.reload().connect("bob", transport).join(room, "bob");
        alice.await("alice sees bob", () -> alice.members().contains("bob"));

        final List<String> expected = new ArrayList<>(texts("before", 3));
        final List<Long> ackedSeqs = new ArrayList<>(alice.publish(room, expected));
        bob.await("bob receives the first messages", () -> bob.messageTexts().equals(expected));

        proxy.cut();
        bob.await("bob's page notices the cut", () -> "reconnecting".equals(bob.state()));
        final List<String> during = texts("during", 10);
        ackedSeqs.addAll(alice.publish(room, during));
        expected.addAll(during);
        assertEquals(texts("before", 3), bob.messageTexts(), "bob is cut off while alice publishes");
        proxy.restore();

        bob.await("bob's page reconnects over " + transport, RECONNECT_WAIT,
            () -> "open".equals(bob.state()) && transport.equals(bob.transport()));
        bob.await("bob receives what he missed", () -> bob.messageTexts().size() >= expected.size());
        final List<String> after = texts("after", 2);
        ackedSeqs.addAll(alice.publish(room, after));
        expected.addAll(after);
        bob.await("bob receives what comes after", () -> bob.messageTexts().size() >= expected.size());

        bob.await("bob's member list after the resume", () -> bob.members().equals(List.of("alice", "bob")));
        alice.await("alice's member list after bob's resume", () -> alice.members().equals(List.of("alice", "bob")));

        final List<DemoPage.Message> atBob = bob.messages();
        assertEquals(expected, bob.messageTexts(), "every message once, in order");
        assertEquals(ackedSeqs, seqsOf(atBob), "the seqs the server acknowledged to alice");
        for (final DemoPage.Message message : atBob)
        {
            assertEquals("alice", message.author(), message::toString);
            assertEquals(atBob.get(0).epoch(), message.epoch(), "one epoch");
        }
        assertEquals(alice.messages(), withMine(atBob), "bob's page shows what alice's shows");

        final List<DemoPage.Emitted> records = bob.emitted();
        assertTrue(records.size() >= expected.size(), records::toString);
        for (int i = 1; i < records.size(); i++)
        {
            final DemoPage.Emitted previous = records.get(i - 1);
            final DemoPage.Emitted record = records.get(i);
            assertEquals(room, record.room());
            assertEquals(previous.epoch(), record.epoch(), () -> "one epoch: " + records);
            assertEquals(previous.seq() + 1, record.seq(), () -> "no gap, no duplicate: " + records);
        }
        final List<String> emittedTexts = new ArrayList<>();
        for (final DemoPage.Emitted record : records)
        {
            if ("message".equals(record.event()))
            {
                emittedTexts.add(record.text());
            }
        }
        assertEquals(expected, emittedTexts, "the client emitted each message once");
    }

    private static List<String> texts(final String prefix, final int count)
    {
        final List<String> texts = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            texts.add(prefix + "-" + i);
        }
        return texts;
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

    /**
     * Bob's messages as alice's page shows them: all hers, so all marked mine.
     */
    private static List<DemoPage.Message> withMine(final List<DemoPage.Message> messages)
    {
        final List<DemoPage.Message> mine = new ArrayList<>();
        for (final DemoPage.Message m : messages)
        {
            mine.add(new DemoPage.Message(m.room(), m.epoch(), m.seq(), m.type(), m.author(), m.text(), true));
        }
        return mine;
    }
}
