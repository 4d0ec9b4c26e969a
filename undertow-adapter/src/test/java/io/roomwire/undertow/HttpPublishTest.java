package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /rooms/{room}/messages}: acks, ids, the seed form, errors, size and rate limits, grants, typing.
 */
@Timeout(30)
class HttpPublishTest
{
    private static final int MAX_MESSAGE_LENGTH = 1024;
    private static final int PUBLISH_BURST = 3;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = RoomwireServer.start(
            new ServerConfig().dev(true).secret(Tokens.SECRET).port(0).host("127.0.0.1").ioThreads(2)
                .maxMessageLength(MAX_MESSAGE_LENGTH),
            new Engine.Context().publishRate(1).publishBurst(PUBLISH_BURST).maxPayloadLength(MAX_MESSAGE_LENGTH));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static HttpResponse<String> post(final String room, final String body, final String user) throws Exception
    {
        return Http.post(server, "/rooms/" + room + "/messages", body, "Authorization", "Bearer " + Tokens.token(user));
    }

    @Test
    void shouldAnswer200WithTheAckAndDeliverTheRecord() throws Exception
    {
        try (WsClient member = WsClient.connect(Http.ws(server, "/ws/hp-ack")))
        {
            member.awaitType("join");
            final HttpResponse<String> response = post("hp-ack", "{\"type\":\"text\",\"id\":\"m1\",\"data\":{\"x\":1}}",
                "hp-user1");
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            final JsonNode ack = Http.json(response);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            assertEquals("m1", ack.path("id").asText());
            assertEquals("hp-ack", ack.path("room").asText());
            assertEquals("delivered", ack.path("data").path("status").asText());
            final long seq = ack.path("data").path("seq").asLong();

            final JsonNode record = member.awaitType("text");
            assertEquals(seq, record.path("seq").asLong());
            assertEquals("hp-user1", record.path("data").path("author").asText());
        }
    }

    @Test
    void shouldGiveABodyWithoutIdAnIdAndAcknowledgeIt() throws Exception
    {
        final HttpResponse<String> response = post("hp-noid", "{\"type\":\"text\",\"data\":{\"x\":1}}", "hp-user2");
        assertEquals(200, response.statusCode(), response.body());
        final JsonNode ack = Http.json(response);
        assertEquals("ack", ack.path("type").asText());
        assertFalse(ack.path("id").asText().isEmpty(), ack.toString());
        assertTrue(ack.path("data").path("seq").asLong() > 0);
    }

    @Test
    void shouldPublishASeedFormBody() throws Exception
    {
        try (WsClient member = WsClient.connect(Http.ws(server, "/ws/hp-seed")))
        {
            member.awaitType("join");
            final HttpResponse<String> response = post("hp-seed", "{\"text\":\"from a seed client\"}", "hp-user3");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("ack", Http.json(response).path("type").asText());
            final JsonNode record = member.awaitType("message");
            assertEquals("from a seed client", record.path("data").path("text").asText());
        }
    }

    @Test
    void shouldAnswer400ForBadJson() throws Exception
    {
        final HttpResponse<String> response = post("hp-bad", "{\"type\":\"text\",", "hp-user4");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("error", Http.json(response).path("type").asText());
        assertEquals("not_json", Http.json(response).path("data").path("code").asText());
    }

    @Test
    void shouldAnswer400ToABodyNamingAnotherRoom() throws Exception
    {
        final HttpResponse<String> response =
            post("hp-path", "{\"type\":\"text\",\"room\":\"elsewhere\",\"data\":{}}", "hp-user9");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_room", Http.json(response).path("data").path("code").asText());
    }

    private static String bodyOfLength(final int length)
    {
        final StringBuilder json = new StringBuilder("{\"type\":\"text\",\"id\":\"big\",\"data\":{\"pad\":\"");
        while (json.length() < length - 3)
        {
            json.append('x');
        }
        return json.append("\"}}").toString();
    }

    @Test
    void shouldAcceptABodyAtTheSizeLimitAndAnswer413PastIt() throws Exception
    {
        final HttpResponse<String> atLimit = post("hp-size", bodyOfLength(MAX_MESSAGE_LENGTH), "hp-user5");
        assertEquals(200, atLimit.statusCode(), atLimit.body());

        final HttpResponse<String> past = post("hp-size", bodyOfLength(MAX_MESSAGE_LENGTH + 1), "hp-user5");
        assertEquals(413, past.statusCode(), past.body());
        assertEquals("message_too_large", Http.json(past).path("data").path("code").asText());
    }

    @Test
    void shouldAnswer429PastThePublishRate() throws Exception
    {
        final List<Integer> statuses = new ArrayList<>();
        JsonNode limited = null;
        for (int i = 0; i < PUBLISH_BURST + 2; i++)
        {
            final HttpResponse<String> response = post("hp-rate", "{\"type\":\"text\",\"id\":\"r" + i +
                "\",\"data\":{}}", "hp-rater");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429)
            {
                limited = Http.json(response);
            }
        }
        assertEquals(200, statuses.get(0), statuses.toString());
        assertTrue(null != limited, statuses.toString());
        assertEquals("rate_limited", limited.path("data").path("code").asText(), limited.toString());
    }

    @Test
    void shouldAnswer403WithoutAPublishGrant() throws Exception
    {
        final String readOnly = Tokens.token("hp-reader", new String[]{ "*" }, new String[]{ "hp-other" });
        final HttpResponse<String> response = Http.post(server, "/rooms/hp-grant/messages",
            "{\"type\":\"text\",\"data\":{}}", "Authorization", "Bearer " + readOnly);
        assertEquals(403, response.statusCode(), response.body());
        assertEquals("not_permitted", Http.json(response).path("data").path("code").asText());
    }

    @Test
    void shouldAnswer204ToTyping() throws Exception
    {
        try (WsClient member = WsClient.connect(Http.ws(server, "/ws/hp-typing")))
        {
            member.awaitType("join");
            final HttpResponse<String> response = post("hp-typing", "{\"type\":\"typing\",\"data\":{\"typing\":true}}",
                "hp-typist");
            assertEquals(204, response.statusCode(), response.body());
            final JsonNode typing = member.awaitType("typing");
            assertEquals("hp-typist", typing.path("data").path("user").asText(), typing.toString());
        }
    }

    @Test
    void shouldAnswer405ToAGet() throws Exception
    {
        assertEquals(405, Http.get(server, "/rooms/hp-get/messages").statusCode());
    }
}
