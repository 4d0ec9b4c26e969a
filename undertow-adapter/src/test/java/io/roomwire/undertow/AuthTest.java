package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens on every transport, outside dev mode and in it; the origin allow-list.
 */
@Timeout(30)
class AuthTest
{
    private static final String ALLOWED_ORIGIN = "https://app.example";
    private static RoomwireServer secure;
    private static RoomwireServer dev;

    @BeforeAll
    static void start()
    {
        secure = RoomwireServer.start(new ServerConfig().dev(false).secret(Tokens.SECRET).port(0).host("127.0.0.1")
            .ioThreads(2).allowedOrigins(ALLOWED_ORIGIN), new Engine.Context());
        dev = TestServers.dev((config) -> config.ioThreads(1),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        if (null != secure)
        {
            secure.close();
        }
        if (null != dev)
        {
            dev.close();
        }
    }

    private static String bearer(final String token)
    {
        return "Bearer " + token;
    }

    private static void assertRefusedWebSocket(final String path, final Map<String, String> headers, final String reason)
        throws Exception
    {
        try (WsClient client = WsClient.connect(Http.ws(secure, path), headers))
        {
            assertEquals(1008, client.awaitClose(), path);
            assertEquals(reason, client.closeReason, path);
            assertTrue(client.messages.isEmpty(), "nothing before the close: " + client.messages);
        }
    }

    private static void assertRefusedHttp(final String token, final int status, final String code) throws Exception
    {
        final String[] headers = null == token ? new String[0] : new String[]{ "Authorization", bearer(token) };
        try (SseClient sse = SseClient.open(secure, "/events/auth-room", headers))
        {
            assertEquals(status, sse.status(), "events");
            assertEquals(code, WsClient.MAPPER.readTree(sse.body()).path("data").path("code").asText(), "events");
        }
        final HttpResponse<String> poll = Http.get(secure, "/poll/auth-room", headers);
        assertEquals(status, poll.statusCode(), "poll");
        assertEquals("error", Http.json(poll).path("type").asText(), "poll");
        assertEquals(code, Http.json(poll).path("data").path("code").asText(), "poll");
        final HttpResponse<String> post = Http.post(secure, "/rooms/auth-room/messages",
            "{\"type\":\"text\",\"data\":{\"x\":1}}", headers);
        assertEquals(status, post.statusCode(), "publish");
        assertEquals(code, Http.json(post).path("data").path("code").asText(), "publish");
    }

    @Test
    void shouldRefuseARequestWithoutATokenOutsideDevMode() throws Exception
    {
        assertRefusedWebSocket("/ws/auth-room", Map.of(), "not_authenticated");
        assertRefusedWebSocket("/ws", Map.of(), "not_authenticated");
        assertRefusedHttp(null, 401, "not_authenticated");
    }

    @Test
    void shouldRefuseAForgedToken() throws Exception
    {
        final String forged = Tokens.forged("mallory");
        assertRefusedWebSocket("/ws/auth-room", Map.of("Authorization", bearer(forged)), "not_authenticated");
        assertRefusedHttp(forged, 401, "not_authenticated");
    }

    @Test
    void shouldRefuseAnExpiredToken() throws Exception
    {
        final String expired = Tokens.expired("alice");
        assertRefusedWebSocket("/ws/auth-room?token=" + expired, Map.of(), "token_expired");
        assertRefusedHttp(expired, 401, "token_expired");
    }

    @Test
    void shouldRefuseATokenWithoutAGrantForTheRoom() throws Exception
    {
        final String other = Tokens.token("bob", new String[]{ "other-*" }, new String[]{ "other-*" });
        assertRefusedWebSocket("/ws/auth-room", Map.of("Authorization", bearer(other)), "not_permitted");
        assertRefusedHttp(other, 403, "not_permitted");

        final String readOnly = Tokens.token("carol", new String[]{ "auth-*" }, new String[0]);
        final HttpResponse<String> post = Http.post(secure, "/rooms/auth-room/messages", "{\"text\":\"x\"}",
            "Authorization", bearer(readOnly));
        assertEquals(403, post.statusCode(), post.body());
        assertEquals("not_permitted", Http.json(post).path("data").path("code").asText());

        try (WsClient client = WsClient.connect(Http.ws(secure, "/ws"), Map.of("Authorization", bearer(other))))
        {
            client.awaitType("system");
            client.send("{\"type\":\"join\",\"id\":\"j1\",\"room\":\"auth-room\"}");
            final JsonNode error = client.awaitType("error");
            assertEquals("not_permitted", error.path("data").path("code").asText(), error.toString());
            assertEquals("j1", error.path("id").asText());
        }
    }

    @Test
    void shouldAcceptATokenFromTheHeaderTheQueryOrTheSubprotocol() throws Exception
    {
        final String token = Tokens.token("dave");
        try (WsClient header = WsClient.connect(Http.ws(secure, "/ws/auth-ok"), Map.of("Authorization", bearer(token)));
            WsClient query = WsClient.connect(Http.ws(secure, "/ws/auth-ok?token=" + token));
            WsClient subprotocol = WsClient.connect(Http.ws(secure, "/ws/auth-ok"), Map.of(),
                "roomwire.json", "roomwire.token." + token))
        {
            for (final WsClient client : new WsClient[]{ header, query, subprotocol })
            {
                assertEquals("dave", client.awaitType("system").path("data").path("user").asText());
                client.awaitType("join");
            }
            assertEquals("roomwire.json", subprotocol.socket.getSubprotocol());
        }

        try (RawWs raw = RawWs.connect(secure.port(), "/ws/auth-ok", 0,
            "Sec-WebSocket-Protocol: roomwire.token." + token + ", roomwire.json"))
        {
            assertEquals(101, raw.status, raw.head);
            assertEquals("roomwire.json", raw.header("Sec-WebSocket-Protocol"), raw.head);
            assertFalse(raw.head.contains(token), "the token is never echoed: " + raw.head);
        }

        try (SseClient sse = SseClient.open(secure, "/events/auth-ok?token=" + token))
        {
            assertEquals(200, sse.status());
            sse.awaitEvent("join");
        }
        final HttpResponse<String> poll = Http.get(secure, "/poll/auth-ok", "Authorization", bearer(token));
        assertEquals(200, poll.statusCode(), poll.body());
        final HttpResponse<String> post = Http.post(secure, "/rooms/auth-ok/messages",
            "{\"type\":\"text\",\"id\":\"a1\",\"data\":{\"x\":1}}", "Authorization", bearer(token));
        assertEquals(200, post.statusCode(), post.body());
        assertEquals("a1", Http.json(post).path("id").asText());
    }

    @Test
    void shouldRefuseAnOriginNotInTheAllowList() throws Exception
    {
        final String token = Tokens.token("erin");
        try (RawWs raw = RawWs.connect(secure.port(), "/ws/auth-ok?token=" + token, 0, "Origin: https://evil.example"))
        {
            assertEquals(403, raw.status, raw.head);
            assertEquals("origin_not_allowed", raw.bodyJson().path("data").path("code").asText());
        }
        try (RawWs raw = RawWs.connect(secure.port(), "/ws/auth-ok?token=" + token, 0, "Origin: " + ALLOWED_ORIGIN))
        {
            assertEquals(101, raw.status, raw.head);
        }
        final HttpResponse<String> events = Http.get(secure, "/poll/auth-ok?token=" + token,
            "Origin", "https://evil.example");
        assertEquals(403, events.statusCode());
        final HttpResponse<String> post = Http.post(secure, "/rooms/auth-ok/messages", "{\"x\":1}",
            "Authorization", bearer(token), "Origin", "https://evil.example");
        assertEquals(403, post.statusCode());
    }

    @Test
    void shouldNotServeTokensOutsideDevMode() throws Exception
    {
        assertEquals(404, Http.get(secure, "/token?user=alice").statusCode());
    }

    @Test
    void shouldLetGuestsInAndIssueWorkingTokensInDevMode() throws Exception
    {
        try (WsClient guest = WsClient.connect(Http.ws(dev, "/ws/dev-room")))
        {
            assertTrue(guest.awaitType("system").path("data").path("user").asText().startsWith("guest-"));
            guest.awaitType("join");
        }

        final HttpResponse<String> issued = Http.get(dev, "/token?user=alice");
        assertEquals(200, issued.statusCode(), issued.body());
        assertEquals("alice", Http.json(issued).path("user").asText());
        final String token = Http.json(issued).path("token").asText();
        try (WsClient alice = WsClient.connect(Http.ws(dev, "/ws/dev-room?token=" +
            URLEncoder.encode(token, StandardCharsets.US_ASCII))))
        {
            assertEquals("alice", alice.awaitType("system").path("data").path("user").asText());
            alice.awaitType("join");
        }

        try (WsClient forged = WsClient.connect(Http.ws(dev, "/ws/dev-room"),
            Map.of("Authorization", bearer(Tokens.forged("alice")))))
        {
            assertEquals(1008, forged.awaitClose());
            assertEquals("not_authenticated", forged.closeReason);
        }
    }
}
