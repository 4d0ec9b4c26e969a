package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long polling on {@code /poll/{room}}: the first poll, holding, exactly-once delivery across polls, a repeated
 * {@code after}, and an unknown {@code sid}.
 */
@Timeout(30)
class LongPollTest
{
    private static final long HOLD_MS = 1_000;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2)
                .pollHoldNs(TimeUnit.MILLISECONDS.toNanos(HOLD_MS)),
            new Engine.Context().publishRate(1000).publishBurst(1000));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    /**
     * A long-poll client: keeps its sid and the last record it received.
     */
    private static final class Poller
    {
        final String room;
        String sid;
        long epoch;
        long lastSeq = -1;
        final List<JsonNode> records = new ArrayList<>();
        final List<JsonNode> messages = new ArrayList<>();

        Poller(final String room)
        {
            this.room = room;
        }

        String after()
        {
            return epoch + "-" + lastSeq;
        }

        JsonNode poll(final String target) throws Exception
        {
            final HttpResponse<String> response = Http.get(server, target);
            assertEquals(200, response.statusCode(), response.body());
            return Http.json(response);
        }

        /**
         * Poll and take in the answer.
         *
         * @return the messages of the answer.
         */
        JsonNode next() throws Exception
        {
            final String target = "/poll/" + room + (lastSeq < 0 ? "" : "?after=" + after() + "&sid=" + sid);
            return take(poll(target));
        }

        JsonNode take(final JsonNode answer)
        {
            sid = answer.path("sid").asText();
            assertFalse(sid.isEmpty(), answer.toString());
            for (final JsonNode message : answer.path("messages"))
            {
                messages.add(message);
                if (message.path("type").asText().equals("join"))
                {
                    epoch = message.path("data").path("epoch").asLong();
                    lastSeq = Math.max(lastSeq, message.path("data").path("from").asLong() - 1);
                }
                if (message.has("seq"))
                {
                    assertEquals(lastSeq + 1, message.path("seq").asLong(), "gap or duplicate: " + answer);
                    lastSeq = message.path("seq").asLong();
                    records.add(message);
                }
            }
            return answer.path("messages");
        }
    }

    private static JsonNode publish(final String room, final String body) throws Exception
    {
        final HttpResponse<String> response = Http.post(server, "/rooms/" + room + "/messages", body);
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response);
    }

    @Test
    void shouldAnswerTheFirstPollAtOnceWithTheJoin() throws Exception
    {
        final Poller poller = new Poller("lp-first");
        final long startNs = System.nanoTime();
        final JsonNode messages = poller.next();
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(tookMs < HOLD_MS, "took " + tookMs + " ms");
        boolean hasJoin = false;
        for (final JsonNode message : messages)
        {
            hasJoin |= message.path("type").asText().equals("join") && message.path("room").asText().equals("lp-first");
        }
        assertTrue(hasJoin, messages.toString());
        assertTrue(poller.epoch > 0);
    }

    @Test
    void shouldAnswerAtOnceWhenRecordsWaitElseHoldAndAnswerEmpty() throws Exception
    {
        final Poller poller = new Poller("lp-hold");
        poller.next();

        long tookMs = 0;
        for (int i = 0; i < 5; i++)
        {
            final long startNs = System.nanoTime();
            final JsonNode messages = poller.next();
            tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (messages.isEmpty())
            {
                break;
            }
        }
        assertTrue(tookMs >= HOLD_MS - 50 && tookMs < HOLD_MS + 1_500, "held for " + tookMs + " ms");

        publish("lp-hold", "{\"type\":\"text\",\"id\":\"w1\",\"data\":{\"n\":1}}");
        final long startNs = System.nanoTime();
        final JsonNode messages = poller.next();
        tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(tookMs < HOLD_MS / 2, "waiting records are answered at once, took " + tookMs + " ms");
        assertEquals(1, messages.get(messages.size() - 1).path("data").path("n").asInt(), messages.toString());

        final CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return poller.next();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(100);
        publish("lp-hold", "{\"type\":\"text\",\"id\":\"w2\",\"data\":{\"n\":2}}");
        final JsonNode woken = held.get(HOLD_MS / 2 + 400, TimeUnit.MILLISECONDS);
        assertEquals(2, woken.get(woken.size() - 1).path("data").path("n").asInt(), woken.toString());
    }

    @Test
    void shouldDeliverEveryRecordExactlyOnceAcrossPollsWhileAnotherClientPublishes() throws Exception
    {
        final int count = 200;
        final Poller poller = new Poller("lp-stream");
        poller.next();
        try (WsClient publisher = WsClient.connect(Http.ws(server, "/ws/lp-stream")))
        {
            publisher.awaitType("join");
            final CompletableFuture<Void> publishing = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        publisher.send("{\"n\":" + i + "}");
                        if (i % 20 == 0)
                        {
                            Thread.sleep(20);
                        }
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });

            final List<Integer> numbers = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (numbers.size() < count && System.nanoTime() < deadline)
            {
                for (final JsonNode message : poller.next())
                {
                    if (message.path("type").asText().equals("message"))
                    {
                        numbers.add(message.path("data").path("n").asInt());
                    }
                }
            }
            publishing.get(5, TimeUnit.SECONDS);
            assertEquals(count, numbers.size(), "got " + numbers);
            for (int i = 0; i < count; i++)
            {
                assertEquals(i, numbers.get(i), "every record exactly once, in order");
            }
        }
    }

    @Test
    void shouldAnswerAPollRepeatingAnOldAfterWithTheSameRecordsAgain() throws Exception
    {
        final Poller poller = new Poller("lp-repeat");
        poller.next();
        while (!poller.next().isEmpty())
        {
            // drain our own presence
        }

        final String after = poller.after();
        publish("lp-repeat", "{\"type\":\"text\",\"id\":\"r1\",\"data\":{\"n\":1}}");
        publish("lp-repeat", "{\"type\":\"text\",\"id\":\"r2\",\"data\":{\"n\":2}}");
        final JsonNode first = poller.poll("/poll/lp-repeat?after=" + after + "&sid=" + poller.sid).path("messages");
        assertEquals(2, first.size(), first.toString());

        final JsonNode again = poller.poll("/poll/lp-repeat?after=" + after + "&sid=" + poller.sid).path("messages");
        assertEquals(first, again, "a lost answer is sent again");

        final long lastSeq = first.get(1).path("seq").asLong();
        publish("lp-repeat", "{\"type\":\"text\",\"id\":\"r3\",\"data\":{\"n\":3}}");
        final JsonNode next = poller.poll("/poll/lp-repeat?after=" + poller.epoch + "-" + lastSeq + "&sid=" + poller.sid)
            .path("messages");
        assertEquals(1, next.size(), next.toString());
        assertEquals(lastSeq + 1, next.get(0).path("seq").asLong());
        assertEquals(3, next.get(0).path("data").path("n").asInt());
    }

    @Test
    void shouldKeepTheSessionOfASidWhicheverConnectionThePollArrivesOn() throws Exception
    {
        final Poller poller = new Poller("lp-threads");
        poller.next();
        final String sid = poller.sid;
        for (int i = 0; i < 6; i++)
        {
            final JsonNode message = publish("lp-threads", "{\"type\":\"text\",\"id\":\"t" + i +
                "\",\"data\":{\"n\":" + i + "}}");
            assertEquals("ack", message.path("type").asText());
            try (Socket socket = new Socket("127.0.0.1", server.port()))
            {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /poll/lp-threads?after=" + poller.after() + "&sid=" + sid +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                final JsonNode answer = WsClient.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
                assertEquals(sid, answer.path("sid").asText(), "a new connection, the same session: " + answer);
                for (final JsonNode m : poller.take(answer))
                {
                    assertFalse(m.path("type").asText().equals("join"), "no new session: " + answer);
                }
            }
        }
        int texts = 0;
        for (final JsonNode record : poller.records)
        {
            texts += record.path("type").asText().equals("text") ? 1 : 0;
        }
        assertEquals(6, texts, poller.records.toString());
    }

    @Test
    void shouldAnswerARefusedJoinWithTheErrorAndEndTheSession() throws Exception
    {
        final JsonNode ack = publish("lp-ahead", "{\"type\":\"text\",\"id\":\"h1\",\"data\":{}}");
        final String ahead = ack.path("data").path("epoch").asLong() + "-" + (ack.path("data").path("seq").asLong() + 100);
        final long startNs = System.nanoTime();
        final JsonNode answer = Http.json(Http.get(server, "/poll/lp-ahead?after=" + ahead));
        assertTrue(System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(HOLD_MS), "answered at once");
        boolean isRefused = false;
        for (final JsonNode message : answer.path("messages"))
        {
            isRefused |= message.path("type").asText().equals("error") &&
                message.path("data").path("code").asText().equals("resume_ahead");
        }
        assertTrue(isRefused, answer.toString());
        final JsonNode again = Http.json(Http.get(server, "/poll/lp-ahead?after=" + ahead + "&sid=" +
            answer.path("sid").asText()));
        assertFalse(answer.path("sid").asText().equals(again.path("sid").asText()), "the refused session ended");
    }

    @Test
    void shouldResumeFromAfterWhenTheSidIsUnknown() throws Exception
    {
        final Poller poller = new Poller("lp-unknown");
        poller.next();
        final JsonNode first = publish("lp-unknown", "{\"type\":\"text\",\"id\":\"u1\",\"data\":{\"n\":1}}");
        publish("lp-unknown", "{\"type\":\"text\",\"id\":\"u2\",\"data\":{\"n\":2}}");
        final JsonNode third = publish("lp-unknown", "{\"type\":\"text\",\"id\":\"u3\",\"data\":{\"n\":3}}");

        final long firstSeq = first.path("data").path("seq").asLong();
        final JsonNode answer = poller.poll("/poll/lp-unknown?after=" + poller.epoch + "-" + firstSeq +
            "&sid=no-such-session");
        final List<Long> seqs = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();
        for (final JsonNode message : answer.path("messages"))
        {
            if (message.has("seq"))
            {
                seqs.add(message.path("seq").asLong());
            }
            if (message.path("type").asText().equals("text"))
            {
                numbers.add(message.path("data").path("n").asInt());
            }
        }
        assertFalse(answer.path("sid").asText().equals("no-such-session"));
        assertEquals(firstSeq + 1, seqs.get(0), answer.toString());
        assertTrue(seqs.contains(third.path("data").path("seq").asLong()), answer.toString());
        assertEquals(List.of(2, 3), numbers, answer.toString());
    }
}
