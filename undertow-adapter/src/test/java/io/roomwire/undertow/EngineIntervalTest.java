package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters.SystemCounter;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the engine on the I/O thread, an idle node runs the engine's duty cycle a little more often than the timer
 * wheel ticks, not once a millisecond: that is all its timers need while the thread's own gateway is the only one. An
 * embedder's gateway brings the millisecond back, since its commands wait for a duty cycle; and the timers keep firing
 * on an idle node either way.
 */
@Timeout(30)
class EngineIntervalTest
{
    private static final long TICK_NS = 1L << 23;
    private static final long ROOM_IDLE_TIMEOUT_MS = 200;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).engineOnIoThread(true),
            new Engine.Context().timerTickNs(TICK_NS)
                .roomIdleTimeoutNs(TimeUnit.MILLISECONDS.toNanos(ROOM_IDLE_TIMEOUT_MS)));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldWaitUnderATimerTickWithOnlyItsOwnGatewayAndAMillisecondWithOthers()
    {
        assertEquals(7, IoLoop.engineIntervalMs(1, TICK_NS), "default tick, 8.4 ms: under it, with XNIO's slack");
        assertEquals(19, IoLoop.engineIntervalMs(1, TimeUnit.MILLISECONDS.toNanos(20)));
        assertEquals(1, IoLoop.engineIntervalMs(1, TimeUnit.MILLISECONDS.toNanos(2)));
        assertEquals(1, IoLoop.engineIntervalMs(1, TimeUnit.MILLISECONDS.toNanos(1)));
        assertEquals(1, IoLoop.engineIntervalMs(1, TimeUnit.MICROSECONDS.toNanos(100)), "never below a millisecond");
        assertEquals(1, IoLoop.engineIntervalMs(2, TICK_NS), "another gateway's commands wait for a duty cycle");
        assertEquals(1, IoLoop.engineIntervalMs(3, TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void shouldFireTimersOnAnIdleNodeWithOnlyItsOwnGateway() throws Exception
    {
        // an embedder's gateway of another test is released by the engine's next duty cycle
        awaitCounter(SystemCounter.GATEWAYS, 1);
        final long retiredBefore = server.engine().engineCounters().get(SystemCounter.ROOMS_RETIRED);
        try (RawWs ws = RawWs.connect(server.port(), "/ws/interval-timers", 0))
        {
            ws.awaitType("join", false);
        }

        // nothing reaches the node after the close: only the engine's interval runs its timers, which retire the room
        // (and any other test's room, empty too by now)
        awaitCounter(SystemCounter.ROOMS, 0);
        assertTrue(server.engine().engineCounters().get(SystemCounter.ROOMS_RETIRED) > retiredBefore,
            "the empty room retired by the engine's timer on an idle node");
    }

    private static void awaitCounter(final SystemCounter counter, final long expected) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.engine().engineCounters().get(counter) != expected && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
        }
        assertEquals(expected, server.engine().engineCounters().get(counter), counter.name());
    }

    @Test
    void shouldServeAnEmbeddersGatewayOnAnIdleNode() throws Exception
    {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/interval-embedder", 0))
        {
            ws.awaitType("join", true);
            final Gateway publisher = server.engine().newGateway();
            try
            {
                // the node is idle from here on: only the engine's interval reads the embedder's commands
                for (int i = 0; i < 3; i++)
                {
                    Thread.sleep(50);
                    final byte[] body = ("{\"embedded\":" + i + "}").getBytes(StandardCharsets.US_ASCII);
                    assertTrue(publisher.serverPublish("interval-embedder", MessageKind.TEXT, PayloadFormat.JSON,
                        "feed", null, new UnsafeBuffer(body), 0, body.length) > 0);
                    assertTrue(ws.awaitType("text", true).toString().contains("\"embedded\":" + i),
                        "publish " + i + " of an embedder's gateway delivered");
                }
            }
            finally
            {
                publisher.close();
            }
        }
    }
}
