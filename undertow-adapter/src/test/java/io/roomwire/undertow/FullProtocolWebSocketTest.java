package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
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
 * The full protocol on {@code /ws}: rooms, publishes and acks, typing, ping, leave, resume, and typed errors.
 */
@Timeout(30)
class FullProtocolWebSocketTest
{
    private static final int HISTORY_RECORDS = 32;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2),
            new Engine.Context().historyRecords(HISTORY_RECORDS).typingRate(100));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static WsClient connect() throws Exception
    {
        final WsClient client = WsClient.connect(Http.ws(server, "/ws"));
        assertEquals("connected", client.awaitType("system").path("data").path("event").asText());
        return client;
    }

    private static String user(final WsClient client)
    {
        return client.seen.get(0).path("data").path("user").asText();
    }

    private static JsonNode join(final WsClient client, final String room, final String id) throws Exception
    {
        client.send("{\"type\":\"join\",\"id\":\"" + id + "\",\"room\":\"" + room + "\"}");
        final JsonNode join = client.await((m) -> m.path("type").asText().equals("join") &&
            m.path("id").asText().equals(id));
        assertEquals(room, join.path("room").asText(), join.toString());
        return join;
    }

    private static boolean isRecord(final JsonNode message, final String room)
    {
        return message.has("seq") && room.equals(message.path("room").asText());
    }

    @Test
    void shouldJoinTwoRoomsAndAckPublishesWithTheSeqOfTheRecordEveryMemberGets() throws Exception
    {
        try (WsClient a = connect(); WsClient b = connect())
        {
            join(a, "fp-one", "j1");
            join(a, "fp-two", "j2");
            join(b, "fp-one", "j3");

            a.send("{\"type\":\"text\",\"id\":\"m1\",\"room\":\"fp-one\",\"data\":{\"content\":\"hi\"}}");
            final JsonNode ack = a.await((m) -> m.path("type").asText().equals("ack"));
            assertEquals("m1", ack.path("id").asText(), ack.toString());
            assertEquals("fp-one", ack.path("room").asText());
            assertEquals("delivered", ack.path("data").path("status").asText());
            final long seq = ack.path("data").path("seq").asLong();
            assertTrue(seq > 0, ack.toString());

            for (final WsClient client : new WsClient[]{ a, b })
            {
                final JsonNode record = client.await((m) -> m.path("type").asText().equals("text"));
                assertEquals("fp-one", record.path("room").asText(), record.toString());
                assertEquals(seq, record.path("seq").asLong());
                assertEquals(ack.path("data").path("epoch").asLong(), record.path("epoch").asLong());
                assertEquals("hi", record.path("data").path("content").asText());
                assertEquals(user(a), record.path("data").path("author").asText());
            }

            a.send("{\"type\":\"text\",\"id\":\"m2\",\"room\":\"fp-two\",\"data\":{\"content\":\"two\"}}");
            a.send("{\"type\":\"text\",\"id\":\"m3\",\"room\":\"fp-one\",\"data\":{\"content\":\"three\"}}");
            final JsonNode atA = a.await((m) -> m.path("type").asText().equals("text"));
            assertEquals("fp-two", atA.path("room").asText(), atA.toString());
            final JsonNode atB = b.await((m) -> m.path("type").asText().equals("text"));
            assertEquals("three", atB.path("data").path("content").asText(), "b is not in fp-two: " + atB);
        }
    }

    @Test
    void shouldSendTypingToOtherMembersButNotToTheTypist() throws Exception
    {
        try (WsClient a = connect(); WsClient b = connect())
        {
            join(a, "fp-typing", "j1");
            join(b, "fp-typing", "j2");

            a.send("{\"type\":\"typing\",\"room\":\"fp-typing\",\"data\":{\"typing\":true}}");
            final JsonNode typing = b.awaitType("typing");
            assertEquals(user(a), typing.path("data").path("user").asText(), typing.toString());
            assertTrue(typing.path("data").path("typing").asBoolean());
            assertEquals("fp-typing", typing.path("room").asText());

            a.send("{\"type\":\"ping\",\"data\":{\"timestamp\":5}}");
            final JsonNode pong = a.await((m) -> m.path("type").asText().equals("pong") ||
                m.path("type").asText().equals("typing"));
            assertEquals("pong", pong.path("type").asText(), "the typist got its own typing: " + a.seen);
        }
    }

    @Test
    void shouldAnswerPingWithPong() throws Exception
    {
        try (WsClient a = connect())
        {
            final long before = System.currentTimeMillis();
            a.send("{\"type\":\"ping\",\"data\":{\"timestamp\":1711000000123}}");
            final JsonNode pong = a.awaitType("pong");
            assertEquals(1711000000123L, pong.path("data").path("timestamp").asLong(), pong.toString());
            assertTrue(pong.path("data").path("serverTimestamp").asLong() >= before - 1000, pong.toString());
        }
    }

    @Test
    void shouldAnswerLeaveAndDeliverNothingMoreOfTheRoom() throws Exception
    {
        try (WsClient a = connect(); WsClient b = connect())
        {
            join(a, "fp-leave", "j1");
            join(b, "fp-leave", "j2");

            a.send("{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"fp-leave\"}");
            final JsonNode leave = a.awaitType("leave");
            assertEquals("l1", leave.path("id").asText(), leave.toString());
            assertEquals("fp-leave", leave.path("room").asText());
            assertEquals("left", leave.path("data").path("reason").asText());

            b.send("{\"type\":\"text\",\"id\":\"m1\",\"room\":\"fp-leave\",\"data\":{\"content\":\"gone?\"}}");
            b.awaitType("ack");
            a.send("{\"type\":\"ping\"}");
            a.awaitType("pong");
            for (final JsonNode message : a.seen)
            {
                assertFalse(message.path("type").asText().equals("text"), "after leave: " + a.seen);
            }
        }
    }

    @Test
    void shouldResumeAfterAReconnectWithExactlyTheMissingRecords() throws Exception
    {
        final String room = "fp-resume";
        long epoch;
        long lastSeq;
        try (WsClient writer = connect())
        {
            join(writer, room, "j0");
            try (WsClient reader = connect())
            {
                join(reader, room, "j1");
                writer.send("{\"type\":\"text\",\"id\":\"before\",\"room\":\"" + room + "\",\"data\":{\"n\":0}}");
                final JsonNode record = reader.await((m) -> m.path("type").asText().equals("text"));
                epoch = record.path("epoch").asLong();
                lastSeq = record.path("seq").asLong();
            }

            long head = 0;
            for (int i = 1; i <= 5; i++)
            {
                writer.send("{\"type\":\"text\",\"id\":\"m" + i + "\",\"room\":\"" + room + "\",\"data\":{\"n\":" + i + "}}");
                final String id = "m" + i;
                head = writer.await((m) -> m.path("type").asText().equals("ack") && m.path("id").asText().equals(id))
                    .path("data").path("seq").asLong();
            }

            try (WsClient reader = connect())
            {
                reader.send("{\"type\":\"resume\",\"id\":\"r1\",\"room\":\"" + room + "\",\"data\":{\"epoch\":" + epoch +
                    ",\"seq\":" + lastSeq + "}}");
                final JsonNode join = reader.await((m) -> m.path("type").asText().equals("join"));
                assertEquals("r1", join.path("id").asText(), join.toString());
                assertEquals(lastSeq + 1, join.path("data").path("from").asLong(), join.toString());

                final List<Long> seqs = new ArrayList<>();
                final List<Integer> numbers = new ArrayList<>();
                final long target = head;
                while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < target)
                {
                    final JsonNode message = reader.next();
                    assertFalse(message.path("type").asText().equals("resume"), "unexpected resync: " + message);
                    if (isRecord(message, room))
                    {
                        seqs.add(message.path("seq").asLong());
                        if (message.path("type").asText().equals("text"))
                        {
                            numbers.add(message.path("data").path("n").asInt());
                        }
                    }
                }
                for (int i = 0; i < seqs.size(); i++)
                {
                    assertEquals(lastSeq + 1 + i, seqs.get(i), "gap or duplicate: " + seqs);
                }
                assertEquals(List.of(1, 2, 3, 4, 5), numbers, reader.seen.toString());
            }
        }
    }

    @Test
    void shouldAnswerAResumeFromBeyondHistoryWithResync() throws Exception
    {
        final String room = "fp-resync";
        try (WsClient writer = connect())
        {
            final JsonNode joined = join(writer, room, "j0");
            final long epoch = joined.path("data").path("epoch").asLong();
            long head = 0;
            for (int i = 1; i <= HISTORY_RECORDS + 8; i++)
            {
                writer.send("{\"type\":\"text\",\"id\":\"m" + i + "\",\"room\":\"" + room + "\",\"data\":{\"n\":" + i + "}}");
                final String id = "m" + i;
                head = writer.await((m) -> m.path("type").asText().equals("ack") && m.path("id").asText().equals(id))
                    .path("data").path("seq").asLong();
            }

            try (WsClient reader = connect())
            {
                reader.send("{\"type\":\"resume\",\"id\":\"r1\",\"room\":\"" + room + "\",\"data\":{\"epoch\":" + epoch +
                    ",\"seq\":1}}");
                final JsonNode resync = reader.await((m) -> m.path("type").asText().equals("resume"));
                assertEquals("resync", resync.path("data").path("status").asText(), resync.toString());
                assertEquals(1, resync.path("data").path("requested").path("seq").asLong());
                final long from = resync.path("data").path("from").asLong();
                assertTrue(from > 2, resync.toString());
                final JsonNode join = reader.awaitType("join");
                assertEquals("r1", join.path("id").asText());

                long expected = from;
                while (expected <= head)
                {
                    final JsonNode message = reader.next();
                    if (isRecord(message, room))
                    {
                        assertEquals(expected, message.path("seq").asLong(), reader.seen.toString());
                        expected++;
                    }
                }
            }
        }
    }

    @Test
    void shouldAnswerBadRequestsWithTypedErrorsCarryingTheirIdAndStayOpen() throws Exception
    {
        try (WsClient a = connect())
        {
            join(a, "fp-errors", "j1");
            final String[][] cases = {
                { "{\"id\":\"e1\",\"type\":\"text\",\"room\":\"fp-errors\",\"data\":{\"x\":", "not_json", "e1" },
                { "{\"type\":\"bogus\",\"id\":\"e2\",\"room\":\"fp-errors\"}", "unknown_type", "e2" },
                { "{\"type\":\"join\",\"id\":\"e3\",\"room\":\"no spaces allowed\"}", "invalid_room", "e3" },
                { "{\"type\":\"text\",\"id\":\"e4\",\"room\":\"fp-errors\",\"data\":{\"author\":\"me\"}}",
                    "reserved_field", "e4" },
                { "[1,2,3]", "not_an_object", null },
                { "{\"type\":\"text\",\"id\":\"e6\",\"data\":{}}", "missing_field", "e6" },
            };
            for (final String[] c : cases)
            {
                a.send(c[0]);
                final JsonNode error = a.awaitType("error");
                assertEquals(c[1], error.path("data").path("code").asText(), c[0] + " -> " + error);
                if (null != c[2])
                {
                    assertEquals(c[2], error.path("id").asText(), c[0] + " -> " + error);
                }
                a.send("{\"type\":\"ping\",\"data\":{\"timestamp\":1}}");
                a.awaitType("pong");
                assertFalse(a.isClosed(), c[0]);
            }

            a.send("{\"type\":\"text\",\"id\":\"ok\",\"room\":\"fp-errors\",\"data\":{\"content\":\"fine\"}}");
            assertEquals("ok", a.awaitType("ack").path("id").asText());
        }
    }
}
