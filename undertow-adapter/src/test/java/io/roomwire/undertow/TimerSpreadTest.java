package io.roomwire.undertow;

import io.roomwire.engine.EngineCounters.SystemCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections opened together are not pinged together: a quiet WebSocket's first ping, and its session's first
 * keep-alive to the engine, come up to half an interval early at random. Without that, a wave of reconnects after a
 * restart was pinged, and answered, within the same second every interval, and kept alive toward the engine in the
 * same second too.
 */
@Timeout(60)
class TimerSpreadTest
{
    private static final long INTERVAL_MS = 6_000;
    private static final int CONNECTIONS = 40;
    /** Without the jitter, first pings land within the second of tick slices plus the time to open them all. */
    private static final long LEAST_SPREAD_MS = 2_000;
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
    void shouldSpreadTheFirstPingsAndKeepAlivesOfConnectionsOpenedTogether() throws Exception
    {
        final List<RawWs> connections = new ArrayList<>();
        final AtomicLongArray pingedAtNs = new AtomicLongArray(CONNECTIONS);
        final CountDownLatch pinged = new CountDownLatch(CONNECTIONS);
        final List<Thread> readers = new ArrayList<>();
        try
        {
            final long openedNs = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++)
            {
                final RawWs ws = RawWs.connect(server.port(), "/ws/spread-" + i, 0);
                ws.awaitType("join", true);
                connections.add(ws);
            }
            final long commandsAfterJoins = server.engine().engineCounters().get(SystemCounter.COMMANDS);

            for (int i = 0; i < CONNECTIONS; i++)
            {
                final int index = i;
                final RawWs ws = connections.get(i);
                final Thread reader = new Thread(() -> awaitPing(ws, index, pingedAtNs, pinged), "reader-" + i);
                reader.start();
                readers.add(reader);
            }

            // keep-alives: the engine counts each as a command, and these sessions send nothing else
            final List<Long> keepAliveAtNs = new ArrayList<>();
            long commandsSeen = commandsAfterJoins;
            while (pinged.getCount() > 0 || keepAliveAtNs.size() < CONNECTIONS)
            {
                assertTrue(System.nanoTime() - openedNs < TimeUnit.MILLISECONDS.toNanos(3 * INTERVAL_MS),
                    "pings " + (CONNECTIONS - pinged.getCount()) + ", keep-alives " + keepAliveAtNs.size());
                final long commands = server.engine().engineCounters().get(SystemCounter.COMMANDS);
                for (long c = commandsSeen; c < commands; c++)
                {
                    keepAliveAtNs.add(System.nanoTime());
                }
                commandsSeen = commands;
                Thread.sleep(20);
            }

            long firstPingNs = Long.MAX_VALUE;
            long lastPingNs = Long.MIN_VALUE;
            for (int i = 0; i < CONNECTIONS; i++)
            {
                firstPingNs = Math.min(firstPingNs, pingedAtNs.get(i));
                lastPingNs = Math.max(lastPingNs, pingedAtNs.get(i));
            }
            final long pingSpreadMs = TimeUnit.NANOSECONDS.toMillis(lastPingNs - firstPingNs);
            final long firstPingMs = TimeUnit.NANOSECONDS.toMillis(firstPingNs - openedNs);
            assertTrue(firstPingMs >= INTERVAL_MS / 2 - 100, "first ping " + firstPingMs + " ms after opening");
            assertTrue(pingSpreadMs >= LEAST_SPREAD_MS, "first pings spread over " + pingSpreadMs + " ms");

            assertEquals(CONNECTIONS, keepAliveAtNs.size());
            final long keepAliveSpreadMs =
                TimeUnit.NANOSECONDS.toMillis(keepAliveAtNs.get(CONNECTIONS - 1) - keepAliveAtNs.get(0));
            assertTrue(keepAliveSpreadMs >= LEAST_SPREAD_MS, "first keep-alives spread over " + keepAliveSpreadMs + " ms");
        }
        finally
        {
            for (final RawWs ws : connections)
            {
                ws.close();
            }
            for (final Thread reader : readers)
            {
                reader.join(TimeUnit.SECONDS.toMillis(15));
            }
        }
    }

    private static void awaitPing(
        final RawWs ws, final int index, final AtomicLongArray pingedAtNs, final CountDownLatch pinged)
    {
        try
        {
            while (true)
            {
                final RawWs.Frame frame = ws.read();
                if (frame.opcode() == RawWs.PING)
                {
                    pingedAtNs.set(index, System.nanoTime());
                    pinged.countDown();
                    return;
                }
            }
        }
        catch (final Exception ex)
        {
            // closed by the test's end; an unpinged connection fails the wait above
        }
    }
}
