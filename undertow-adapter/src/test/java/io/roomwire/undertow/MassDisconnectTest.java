package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Many peers leaving at once: every connection whose peer left, by closing its socket or by the close handshake, is
 * closed and its descriptor released, its session ended, and the connections that stay keep being served. The server
 * runs in this JVM, so its socket descriptors are counted in {@code /proc/self/fd}: a connection whose close was lost
 * on the way keeps one.
 */
@Timeout(60)
class MassDisconnectTest
{
    private static final int LEAVERS = 300;
    private static final int ROOMS = 15;
    /** Sockets this JVM may open or close meanwhile besides the test's (the HTTP client's pooled connections). */
    private static final int SOCKET_SLACK = 8;
    private static final String WEBSOCKETS = "roomwire_connections{transport=\"websocket\"}";
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).maxConnectionsPerIp(LEAVERS + 10),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldCloseEveryConnectionWhosePeerLeftAtOnceAndServeTheRest() throws Exception
    {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "needs /proc/self/fd");
        try (RawWs talker = RawWs.connect(server.port(), "/ws/calm", 0);
            RawWs listener = RawWs.connect(server.port(), "/ws/calm", 0))
        {
            talker.awaitType("join", true);
            listener.awaitType("join", true);
            awaitWebSockets(2);
            final long socketsBefore = TestServers.openSocketDescriptors();

            final List<RawWs> leavers = connectLeavers();
            assertTrue(TestServers.openSocketDescriptors() >= socketsBefore + 2L * LEAVERS, "both ends of every leaver are open");

            // every end of stream arrives together: thousands of them once made each close cost a select over the rest
            leavers.forEach(RawWs::close);

            awaitWebSockets(2);
            awaitSocketsAtMost(socketsBefore + SOCKET_SLACK, "after " + LEAVERS + " peers closed their sockets");

            talker.sendText("{\"text\":\"still here\"}");
            assertEquals("still here", listener.awaitType("message", true).path("data").path("text").asText());
        }
    }

    @Test
    void shouldCloseEveryConnectionThatClosedWithTheHandshake() throws Exception
    {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "needs /proc/self/fd");
        awaitWebSockets(0);
        final long socketsBefore = TestServers.openSocketDescriptors();

        final List<RawWs> leavers = connectLeavers();
        final byte[] normal = {0x03, (byte)0xE8};
        for (final RawWs leaver : leavers)
        {
            leaver.send(RawWs.FIN | RawWs.CLOSE, normal, true);
        }
        for (final RawWs leaver : leavers)
        {
            assertEquals(1000, leaver.awaitClose(null).closeCode());
            assertTrue(leaver.isEndOfStream(), "the server closes the connection after its close frame");
            leaver.close();
        }

        awaitWebSockets(0);
        awaitSocketsAtMost(socketsBefore + SOCKET_SLACK, "after " + LEAVERS + " close handshakes");
    }

    private static List<RawWs> connectLeavers() throws IOException
    {
        final List<RawWs> leavers = new ArrayList<>();
        for (int i = 0; i < LEAVERS; i++)
        {
            final RawWs leaver = RawWs.connect(server.port(), "/ws/storm-" + (i % ROOMS), 0);
            assertEquals(101, leaver.status, leaver.head);
            leavers.add(leaver);
        }
        for (final RawWs leaver : leavers)
        {
            leaver.awaitType("join", true);
        }
        return leavers;
    }

    private static void awaitWebSockets(final long expected)
    {
        Http.awaitTrue(() ->
        {
            try
            {
                return Http.metric(server, WEBSOCKETS) == expected;
            }
            catch (final IOException | InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, 20_000, () -> "WebSocket connections did not come to " + expected);
    }

    private static void awaitSocketsAtMost(final long most, final String when)
    {
        Http.awaitTrue(() -> TestServers.openSocketDescriptors() <= most, 20_000,
            () -> "socket descriptors " + when + ": " + TestServers.openSocketDescriptors() + ", expected at most " + most);
    }
}
