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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server-Sent Events on {@code /events/{room}}: retry advice, records with ids, control events without, resume by
 * {@code Last-Event-ID}, resync, keep-alive comments, and publishing over HTTP for SSE clients.
 */
@Timeout(30)
class SseTest
{
    private static final int HISTORY_RECORDS = 16;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2)
                .sseKeepAliveNs(TimeUnit.MILLISECONDS.toNanos(300)),
            new Engine.Context().historyRecords(HISTORY_RECORDS).publishRate(1000).publishBurst(1000));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static JsonNode publish(final String room, final String id, final int n) throws Exception
    {
        final HttpResponse<String> response = Http.post(server, "/rooms/" + room + "/messages",
            "{\"type\":\"text\",\"id\":\"" + id + "\",\"data\":{\"n\":" + n + "}}");
        assertEquals(200, response.statusCode(), response.body());
        final JsonNode ack = Http.json(response);
        assertEquals("ack", ack.path("type").asText(), ack.toString());
        return ack;
    }

    private static String eventId(final JsonNode ack)
    {
        return ack.path("data").path("epoch").asLong() + "-" + ack.path("data").path("seq").asLong();
    }

    private static boolean isRecordEvent(final SseClient.Event event)
    {
        return null != event.id();
    }

    @Test
    void shouldStartWithRetryThenStreamRecordsWithIdsAndControlEventsWithout() throws Exception
    {
        try (SseClient sse = SseClient.open(server, "/events/sse-live"))
        {
            assertEquals(200, sse.status());
            assertTrue(sse.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            final SseClient.Event retry = sse.next();
            assertEquals(":retry", retry.event(), "retry comes first");
            assertEquals("2000", retry.data());

            final SseClient.Event connected = sse.next();
            assertEquals("system", connected.event(), connected.toString());
            assertNull(connected.id(), "control events carry no id");
            assertEquals("connected", connected.json().path("data").path("event").asText());
            final SseClient.Event join = sse.awaitEvent("join");
            assertNull(join.id(), "control events carry no id");
            assertEquals("sse-live", join.json().path("room").asText());

            final JsonNode ack = publish("sse-live", "p1", 1);
            final SseClient.Event record = sse.awaitEvent("text");
            assertEquals(eventId(ack), record.id());
            final JsonNode json = record.json();
            assertEquals("text", json.path("type").asText());
            assertEquals(ack.path("data").path("seq").asLong(), json.path("seq").asLong());
            assertEquals(1, json.path("data").path("n").asInt());
            assertTrue(json.path("data").has("author"), json.toString());

            for (final SseClient.Event event : sse.seen)
            {
                if (event.event() != null && !event.event().startsWith(":"))
                {
                    final boolean isRecord = event.json().has("seq");
                    assertEquals(isRecord, null != event.id(), "only records carry ids: " + event);
                }
            }
        }
    }

    private void assertResumesExactlyAfter(final String room, final boolean isHeader) throws Exception
    {
        final List<JsonNode> acks = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            acks.add(publish(room, "n" + i, i));
        }
        final String lastEventId = eventId(acks.get(1));
        final long head = acks.get(3).path("data").path("seq").asLong();
        try (SseClient sse = isHeader ?
            SseClient.open(server, "/events/" + room, "Last-Event-ID", lastEventId) :
            SseClient.open(server, "/events/" + room + "?lastEventId=" + lastEventId))
        {
            assertEquals(200, sse.status());
            final List<Long> seqs = new ArrayList<>();
            final List<Integer> numbers = new ArrayList<>();
            while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < head)
            {
                final SseClient.Event event = sse.next();
                assertFalse("resume".equals(event.event()), "unexpected resync " + event);
                if (isRecordEvent(event))
                {
                    seqs.add(event.json().path("seq").asLong());
                    if ("text".equals(event.event()))
                    {
                        numbers.add(event.json().path("data").path("n").asInt());
                    }
                }
            }
            assertEquals(acks.get(1).path("data").path("seq").asLong() + 1, seqs.get(0), sse.seen.toString());
            for (int i = 1; i < seqs.size(); i++)
            {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "gap or duplicate " + seqs);
            }
            assertEquals(List.of(2, 3), numbers, sse.seen.toString());
        }
    }

    @Test
    void shouldResumeExactlyAfterTheLastEventIdHeader() throws Exception
    {
        assertResumesExactlyAfter("sse-resume-h", true);
    }

    @Test
    void shouldResumeExactlyAfterTheLastEventIdQueryParameter() throws Exception
    {
        assertResumesExactlyAfter("sse-resume-q", false);
    }

    @Test
    void shouldSendAResumeEventWithResyncForAnIdHistoryNoLongerHolds() throws Exception
    {
        final JsonNode first = publish("sse-resync", "first", 0);
        for (int i = 1; i <= HISTORY_RECORDS + 4; i++)
        {
            publish("sse-resync", "m" + i, i);
        }
        try (SseClient sse = SseClient.open(server, "/events/sse-resync", "Last-Event-ID", eventId(first)))
        {
            final SseClient.Event resume = sse.awaitEvent("resume");
            assertNull(resume.id(), "control events carry no id");
            assertEquals("resync", resume.json().path("data").path("status").asText(), resume.data());
            final long from = resume.json().path("data").path("from").asLong();
            final SseClient.Event record = sse.await(SseTest::isRecordEvent);
            assertEquals(from, record.json().path("seq").asLong());
        }
    }

    @Test
    void shouldKeepAPayloadWithLineBreaksInOneEvent() throws Exception
    {
        try (SseClient sse = SseClient.open(server, "/events/sse-lines"))
        {
            sse.awaitEvent("join");
            final HttpResponse<String> response = Http.post(server, "/rooms/sse-lines/messages",
                "{\"type\":\"text\",\"id\":\"nl\",\"data\":{\"a\":\n1,\r\n\"b\":\r2}}");
            assertEquals(200, response.statusCode(), response.body());
            final SseClient.Event record = sse.awaitEvent("text");
            final JsonNode json = record.json();
            assertEquals(1, json.path("data").path("a").asInt(), record.data());
            assertEquals(2, json.path("data").path("b").asInt(), record.data());
            assertEquals(Http.json(response).path("data").path("seq").asLong(), json.path("seq").asLong());
        }
    }

    @Test
    void shouldSendEverythingHistoryHoldsWhenAskedForAllHistory() throws Exception
    {
        final JsonNode first = publish("sse-all", "a1", 1);
        final JsonNode second = publish("sse-all", "a2", 2);
        try (SseClient sse = SseClient.open(server, "/events/sse-all?history=all"))
        {
            final SseClient.Event record = sse.await(SseTest::isRecordEvent);
            assertEquals(eventId(first), record.id());
            assertEquals(eventId(second), sse.await(SseTest::isRecordEvent).id());
        }
    }

    @Test
    void shouldEndTheStreamWhenItsJoinIsRefused() throws Exception
    {
        final JsonNode ack = publish("sse-ahead", "h1", 1);
        final String ahead = ack.path("data").path("epoch").asLong() + "-" + (ack.path("data").path("seq").asLong() + 100);
        try (SseClient sse = SseClient.open(server, "/events/sse-ahead", "Last-Event-ID", ahead))
        {
            final SseClient.Event error = sse.awaitEvent("error");
            assertEquals("resume_ahead", error.json().path("data").path("code").asText(), error.data());
            sse.ended.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldSendKeepAliveComments() throws Exception
    {
        try (SseClient sse = SseClient.open(server, "/events/sse-keepalive"))
        {
            final SseClient.Event comment = sse.awaitEvent(":comment");
            assertEquals("keep-alive", comment.data());
        }
    }
}
