package io.roomwire.undertow;

import io.roomwire.engine.EngineCounters.SystemCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-connection housekeeping costs nothing for a connection that talks: a WebSocket that sends frames is not
 * pinged (its frames prove it alive) and its session needs no keep-alives toward the engine (its commands are
 * signs of life there). Only a quiet connection is pinged, and it is pinged within a ping interval plus a tick.
 */
@Timeout(30)
class HousekeepingTest
{
    private static final long INTERVAL_MS = 300;
    private static final long TALK_GAP_MS = 100;
    private static final int MESSAGES = 20;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.devWithLivenessInterval(INTERVAL_MS);
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldNeitherPingNorKeepAliveAConnectionThatTalksButPingItOnceQuiet() throws Exception
    {
        try (RawWs talker = RawWs.connect(server.port(), "/ws/housekeeping", 0))
        {
            talker.awaitType("join", false);
            talker.sendText("{\"text\":\"first\"}");
            talker.awaitType("message", false);

            final long commandsBefore = server.engine().engineCounters().get(SystemCounter.COMMANDS);
            int pings = 0;
            for (int i = 0; i < MESSAGES; i++)
            {
                Thread.sleep(TALK_GAP_MS);
                talker.sendText("{\"text\":\"" + i + "\"}");
                pings += pingsUntilMessage(talker);
            }
            final long commands = server.engine().engineCounters().get(SystemCounter.COMMANDS) - commandsBefore;

            assertEquals(0, pings, "pings to a connection that sent a frame every " + TALK_GAP_MS + " ms");
            assertEquals(MESSAGES, commands, "commands the engine read: the publishes and no keep-alive");

            final long quietSinceNs = System.nanoTime();
            final RawWs.Frame frame = talker.read();
            final long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSinceNs);
            assertEquals(RawWs.PING, frame.opcode(), "a quiet connection is pinged");
            assertTrue(quietMs >= INTERVAL_MS - 50, "pinged after " + quietMs + " ms of quiet");
            assertTrue(quietMs <= INTERVAL_MS + 1_500, "pinged after " + quietMs + " ms of quiet");
        }
    }

    private static int pingsUntilMessage(final RawWs ws) throws IOException
    {
        int pings = 0;
        while (true)
        {
            final RawWs.Frame frame;
            try
            {
                frame = ws.read();
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("no message echoed", ex);
            }
            if (frame.opcode() == RawWs.PING)
            {
                pings++;
            }
            else if (frame.opcode() == RawWs.TEXT && "message".equals(frame.json().path("type").asText()))
            {
                return pings;
            }
        }
    }
}
