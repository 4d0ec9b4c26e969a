package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed form on {@code /ws/{room}}: any JSON object is a message to the room, broadcast to every member.
 */
@Timeout(30)
class SeedFormWebSocketTest
{
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldSendConnectedThenJoinFirst() throws Exception
    {
        try (WsClient client = WsClient.connect(Http.ws(server, "/ws/seed-first")))
        {
            final JsonNode connected = client.next();
            assertEquals("system", connected.path("type").asText(), connected.toString());
            assertEquals("connected", connected.path("data").path("event").asText());
            final String user = connected.path("data").path("user").asText();
            assertTrue(user.startsWith("guest-"), user);

            final JsonNode join = client.next();
            assertEquals("join", join.path("type").asText(), join.toString());
            assertEquals("seed-first", join.path("room").asText());
            assertTrue(join.path("data").path("epoch").asLong() > 0, join.toString());
            assertTrue(join.path("data").path("members").toString().contains(user), join.toString());
        }
    }

    @Test
    void shouldBroadcastAnyObjectToEveryMemberWithTheSenderAsAuthor() throws Exception
    {
        try (WsClient a = WsClient.connect(Http.ws(server, "/ws/seed-chat"));
            WsClient b = WsClient.connect(Http.ws(server, "/ws/seed-chat")))
        {
            final String userA = a.awaitType("system").path("data").path("user").asText();
            a.awaitType("join");
            b.awaitType("join");

            a.send("{\"text\":\"hello\",\"n\":7,\"nested\":{\"x\":[1,2]}}");
            for (final WsClient client : new WsClient[]{ a, b })
            {
                final JsonNode message = client.awaitType("message");
                assertEquals("seed-chat", message.path("room").asText(), message.toString());
                assertEquals("hello", message.path("data").path("text").asText());
                assertEquals(7, message.path("data").path("n").asInt());
                assertEquals(2, message.path("data").path("nested").path("x").get(1).asInt());
                assertEquals(userA, message.path("data").path("author").asText());
                assertTrue(message.path("seq").asLong() > 0, message.toString());
                assertTrue(message.path("epoch").asLong() > 0, message.toString());
                assertTrue(message.path("timestamp").asLong() > 0, message.toString());
                assertFalse(message.has("id"), message.toString());
            }

            b.send("{\"type\":\"chat\",\"msg\":\"a type the protocol does not know\"}");
            final JsonNode chat = a.awaitType("message");
            assertEquals("chat", chat.path("data").path("type").asText(), chat.toString());
            assertEquals("a type the protocol does not know", chat.path("data").path("msg").asText());
        }
    }

    @Test
    void shouldShowAMemberThatDisconnectsAsPresenceLeft() throws Exception
    {
        try (WsClient a = WsClient.connect(Http.ws(server, "/ws/seed-presence")))
        {
            a.awaitType("join");
            final String userB;
            try (WsClient b = WsClient.connect(Http.ws(server, "/ws/seed-presence")))
            {
                userB = b.awaitType("system").path("data").path("user").asText();
                b.awaitType("join");
                final JsonNode joined = a.await((m) -> m.path("type").asText().equals("presence") &&
                    m.path("data").path("user").asText().equals(userB));
                assertEquals("joined", joined.path("data").path("status").asText(), joined.toString());
            }

            final JsonNode left = a.await((m) -> m.path("type").asText().equals("presence") &&
                m.path("data").path("user").asText().equals(userB) &&
                m.path("data").path("status").asText().equals("left"));
            assertTrue(left.path("seq").asLong() > 0, left.toString());
            assertEquals("seed-presence", left.path("room").asText());
        }
    }

    @Test
    void shouldRefuseAnInvalidRoomBeforeTheUpgrade() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/no%20spaces", 0))
        {
            assertEquals(400, raw.status, raw.head);
            assertEquals("invalid_room", raw.bodyJson().path("data").path("code").asText());
        }
    }

    @Test
    void shouldRefuseAnObjectWithAnAuthorAndStayOpen() throws Exception
    {
        try (WsClient a = WsClient.connect(Http.ws(server, "/ws/seed-author")))
        {
            a.awaitType("join");
            a.send("{\"text\":\"x\",\"author\":\"someone-else\"}");
            final JsonNode error = a.awaitType("error");
            assertEquals("reserved_field", error.path("data").path("code").asText(), error.toString());
            a.send("{\"text\":\"still here\"}");
            assertEquals("still here", a.awaitType("message").path("data").path("text").asText());
            assertFalse(a.isClosed());
        }
    }
}
