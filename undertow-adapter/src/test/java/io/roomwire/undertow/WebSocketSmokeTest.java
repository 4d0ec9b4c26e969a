package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebSocketSmokeTest
{
    static RoomwireServer server;

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
    void shouldBroadcastSeedFormMessagesToTheRoom() throws Exception
    {
        try (WsClient a = WsClient.connect("ws://127.0.0.1:" + server.port() + "/ws/general");
            WsClient b = WsClient.connect("ws://127.0.0.1:" + server.port() + "/ws/general"))
        {
            a.awaitType("join");
            b.awaitType("join");
            a.send("{\"text\":\"hello\"}");
            final JsonNode atB = b.await((m) -> m.path("type").asText().equals("message"));
            assertEquals("hello", atB.path("data").path("text").asText());
            assertEquals("general", atB.path("room").asText());
            final JsonNode atA = a.await((m) -> m.path("type").asText().equals("message"));
            assertEquals("hello", atA.path("data").path("text").asText());
        }
    }
}
