package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.engine.SessionHandler;
import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.codec.ErrorCode;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the engine has to overrun an I/O thread's gateway (the thread fell so far behind that its control ring and
 * backlog filled), every connection of that thread is closed with {@code lagging}, so clients reconnect and resume,
 * and the thread takes a new gateway: connections accepted afterwards work. Without this an overrun left its sockets
 * open but dead, and refused every later connection on that thread.
 */
@Timeout(30)
class GatewayOverrunTest
{
    private static final int TYPISTS = 1000;
    private static final SessionHandler IGNORING = new SessionHandler()
    {
        public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
        }

        public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            return true;
        }
    };

    private RoomwireServer server;

    @BeforeEach
    void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1),
            new Engine.Context().gatewayRingLength(16 * 1024).gatewayBacklogLength(0));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldCloseEveryConnectionOfAnOverrunThreadWithLaggingAndServeNewConnections() throws Exception
    {
        try (RawWs a = RawWs.connect(server.port(), "/ws/busy", 0);
            RawWs b = RawWs.connect(server.port(), "/ws/busy", 0))
        {
            a.awaitType("join", true);
            b.awaitType("join", true);

            // Sessions of another gateway that may join the room type in it without joining: each typing indicator
            // is a control record for the server's gateway, more than its ring holds while its thread is stalled.
            final Gateway typists = server.engine().newGateway();
            // opened a few at a time: their own gateway is as small, and is read only here
            final long[] sessions = new long[TYPISTS];
            for (int i = 0; i < TYPISTS; i++)
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((sessions[i] = typists.openSession("typist-" + i, new String[] {"*"}, new String[0])) < 0)
                {
                    assertTrue(System.nanoTime() < deadlineNs, "the engine takes new sessions");
                    typists.poll(IGNORING, 1000);
                    Thread.yield();
                }
                if (i % 20 == 19)
                {
                    awaitCounter(EngineCounters.SystemCounter.SESSIONS, i + 1 + 2, typists);
                }
            }
            assertEquals(0, server.engine().engineCounters().get(EngineCounters.SystemCounter.GATEWAY_OVERRUNS));

            final IoLoop loop = server.loops().get(0);
            final CountDownLatch stalled = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            loop.thread().execute(() ->
            {
                stalled.countDown();
                awaitQuietly(release);
            });
            assertTrue(stalled.await(5, TimeUnit.SECONDS));
            for (final long session : sessions)
            {
                while (typists.typing(session, "busy", true) < 0)
                {
                    typists.poll(IGNORING, 1000);
                }
            }
            awaitCounter(EngineCounters.SystemCounter.GATEWAY_OVERRUNS, 1, typists);
            release.countDown();
            assertTrue(typists.isOpen(sessions[0]), "the typists' gateway, read here, was not overrun");

            final String lagging = ErrorCodes.jsonName(ErrorCode.LAGGING);
            final RawWs.Frame closeA = a.awaitClose(null);
            assertEquals(ErrorCodes.closeCode(ErrorCode.LAGGING), closeA.closeCode());
            assertEquals(lagging, closeA.closeReason());
            assertEquals(ErrorCodes.closeCode(ErrorCode.LAGGING), b.awaitClose(null).closeCode());
            typists.close();
        }

        try (RawWs c = RawWs.connect(server.port(), "/ws/busy", 0))
        {
            c.awaitType("join", true);
            c.sendText("{\"type\":\"text\",\"id\":\"m1\",\"data\":{\"content\":\"after the overrun\"}}");
            JsonNode ack = null;
            JsonNode text = null;
            while (null == ack || null == text)
            {
                final RawWs.Frame frame = c.read();
                if (frame.opcode() == RawWs.TEXT)
                {
                    final JsonNode json = frame.json();
                    final String type = json.path("type").asText();
                    ack = "ack".equals(type) ? json : ack;
                    text = "text".equals(type) ? json : text;
                }
            }
            assertEquals("delivered", ack.path("data").path("status").asText(), "the ack and the broadcast, either first");
            assertEquals("after the overrun", text.path("data").path("content").asText());
        }
    }

    private void awaitCounter(final EngineCounters.SystemCounter counter, final long atLeast, final Gateway gateway)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.engine().engineCounters().get(counter) < atLeast)
        {
            gateway.poll(IGNORING, 1000);
            assertTrue(System.nanoTime() < deadlineNs, () -> counter + " did not reach " + atLeast + ": " +
                server.engine().engineCounters().get(counter));
            Thread.yield();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
