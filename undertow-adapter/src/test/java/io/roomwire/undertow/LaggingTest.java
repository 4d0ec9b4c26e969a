package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that stops reading in a flooded room is closed with {@code 4040 lagging} while a reading receiver gets
 * every record in order, and the lagging one can resume from the last record it received. One that never reads again
 * is dropped after a grace period, freeing its place.
 */
@Timeout(60)
class LaggingTest
{
    /**
     * Enough ~1 KB records to fill what the kernel buffers for a connection that does not read (its send buffer grows
     * up to {@code tcp_wmem} max, 4 MiB by default) and then the connection's outbound budget.
     */
    private static final int MAX_RECORDS = 8000;
    /**
     * Records published before waiting for the reading client: their log bytes stay within its outbound budget.
     */
    private static final int BATCH = 16;
    private static final int MAX_CONNECTIONS_PER_IP = 3;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        // One I/O thread: the reading and the lagging client share its gateway, so a session is cut loose only once
        // its connection takes no more (the kernel's buffers and its outbound buffer are full), never because its
        // thread fell behind the reader's.
        server = TestServers.dev((config) -> config.ioThreads(1)
                .maxMessageLength(8 * 1024).outboundLength(16 * 1024).maxConnectionsPerIp(MAX_CONNECTIONS_PER_IP),
            new Engine.Context()
                .outboundRecords(64)
                .outboundLength(64 * 1024)
                .historyRecords(MAX_RECORDS + 100)
                .historyLength(32 * 1024 * 1024));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static long laggingCuts()
    {
        return server.engine().engineCounters().total(EngineCounters.GatewayCounter.LAGGING_CUTS);
    }

    /**
     * Publish ~1 KB records to a room from the server, in batches the reader receives before the next, until a session
     * is cut loose for lagging. Checks that the reader gets every record, in order.
     *
     * @param room   to flood.
     * @param reader a reading member of the room, its {@code join} taken.
     * @param from   first seq the reader receives.
     * @return the seq after the last record the reader received.
     */
    private static long floodUntilLagging(final String room, final WsClient reader, final long from) throws Exception
    {
        final String padding = "abcdefghij".repeat(100);
        final long cutsBefore = laggingCuts();
        final Gateway publisher = server.engine().newGateway();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[2048]);
        long expectedSeq = from;
        long published = 0;
        long lastN = -1;
        try
        {
            while (published < MAX_RECORDS && laggingCuts() == cutsBefore)
            {
                for (int i = 0; i < BATCH; i++)
                {
                    final int length = payload.putStringWithoutLengthUtf8(0,
                        "{\"n\":" + published + ",\"pad\":\"" + padding + "\"}");
                    while (publisher.serverPublish(room, MessageKind.TEXT, PayloadFormat.JSON, "feed", null,
                        payload, 0, length) < 0)
                    {
                        Thread.onSpinWait();
                    }
                    published++;
                }
                while (lastN < published - 1)
                {
                    final JsonNode message = reader.next();
                    if (message.has("seq"))
                    {
                        assertEquals(expectedSeq, message.path("seq").asLong(), "reader got a gap or a duplicate");
                        expectedSeq++;
                        if (message.path("type").asText().equals("text"))
                        {
                            assertEquals(lastN + 1, message.path("data").path("n").asLong());
                            lastN = message.path("data").path("n").asLong();
                        }
                    }
                }
            }
        }
        finally
        {
            publisher.close();
        }
        assertTrue(laggingCuts() > cutsBefore, "no lagging cut after " + published + " records");
        assertFalse(reader.isClosed(), "the reading client stays open");

        return expectedSeq;
    }

    @Test
    void shouldCloseAReceiverThatStopsReadingWith4040WhileOthersGetEveryRecordAndLetItResume() throws Exception
    {
        final String room = "lag-room";
        try (WsClient reader = WsClient.connect(Http.ws(server, "/ws/" + room));
            RawWs lagger = RawWs.connect(server.port(), "/ws/" + room, 4096))
        {
            final JsonNode readerJoin = reader.awaitType("join");
            final long epoch = readerJoin.path("data").path("epoch").asLong();
            final long laggerFrom = lagger.awaitType("join", true).path("data").path("from").asLong();
            final long next = floodUntilLagging(room, reader, readerJoin.path("data").path("from").asLong());

            final List<String> texts = new ArrayList<>();
            final RawWs.Frame close = lagger.awaitClose(texts);
            assertEquals(4040, close.closeCode());
            assertEquals("lagging", close.closeReason());

            long lastSeq = laggerFrom - 1;
            JsonNode leave = null;
            for (final String text : texts)
            {
                final JsonNode message = WsClient.MAPPER.readTree(text);
                if (message.has("seq") && room.equals(message.path("room").asText()))
                {
                    assertEquals(lastSeq + 1, message.path("seq").asLong(), "lagger got a gap or a duplicate");
                    lastSeq = message.path("seq").asLong();
                }
                else if (message.path("type").asText().equals("leave"))
                {
                    leave = message;
                }
            }
            assertTrue(null != leave, "the lagger is told it left");
            assertEquals("lagging", leave.path("data").path("reason").asText(), leave.toString());
            assertEquals(lastSeq, leave.path("data").path("seq").asLong(), leave.toString());
            assertTrue(lastSeq < next - 1, "the lagger fell behind the reader");

            try (WsClient resumed = WsClient.connect(Http.ws(server, "/ws")))
            {
                resumed.send("{\"type\":\"resume\",\"id\":\"r1\",\"room\":\"" + room + "\",\"data\":{\"epoch\":" + epoch +
                    ",\"seq\":" + lastSeq + "}}");
                final JsonNode join = resumed.awaitType("join");
                assertEquals(lastSeq + 1, join.path("data").path("from").asLong(), join.toString());
                long expected = lastSeq + 1;
                while (expected < next)
                {
                    final JsonNode message = resumed.next();
                    assertFalse(message.path("type").asText().equals("resume"), "resync: " + message);
                    if (message.has("seq"))
                    {
                        assertEquals(expected, message.path("seq").asLong());
                        expected++;
                    }
                }
            }

            assertTrue(server.metrics().render(server.engine().engineCounters())
                .matches("(?s).*\nroomwire_lagging_disconnects_total [1-9][0-9]*\n.*"));
        }
    }

    @Test
    void shouldDropALaggingConnectionThatNeverReadsItsCloseFrame() throws Exception
    {
        final String address = "127.0.0.2";
        final String room = "lag-stuck";
        try (WsClient reader = WsClient.connect(Http.ws(server, "/ws/" + room));
            RawWs lagger = RawWs.connectFrom(address, server.port(), "/ws/" + room, 4096);
            RawWs filler = RawWs.connectFrom(address, server.port(), "/ws/lag-filler", 0);
            RawWs otherFiller = RawWs.connectFrom(address, server.port(), "/ws/lag-filler", 0))
        {
            assertEquals(101, filler.status, filler.head);
            assertEquals(101, otherFiller.status, otherFiller.head);
            final long from = reader.awaitType("join").path("data").path("from").asLong();
            lagger.awaitType("join", true);
            floodUntilLagging(room, reader, from);

            try (RawWs refused = RawWs.connectFrom(address, server.port(), "/ws/lag-filler", 0))
            {
                assertEquals(429, refused.status, "the lagger still holds its place: " + refused.head);
            }
            final long startNs = System.nanoTime();
            Http.awaitTrue(() ->
            {
                try (RawWs probe = RawWs.connectFrom(address, server.port(), "/ws/lag-filler", 0))
                {
                    if (probe.status != 101)
                    {
                        Thread.sleep(100);
                    }
                    return probe.status == 101;
                }
                catch (final Exception ex)
                {
                    return false;
                }
            }, 10_000, () -> "a lagging connection that never reads its close frame is never dropped");
            assertTrue(System.nanoTime() - startNs > 1_000_000_000L, "dropped after a grace period, not at once");
        }
    }
}
