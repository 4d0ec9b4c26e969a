package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graceful shutdown with clients connected: a record published just before the close is delivered, then WebSocket
 * clients get {@code 1001}, SSE streams end and held long polls are answered.
 */
@Timeout(30)
class ShutdownTest
{
    private static final String POLL_REQUESTS = "roomwire_http_requests_total{endpoint=\"poll\"}";

    private static final int RECORDS = 200;
    private RoomwireServer server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    /**
     * @param isEngineOnIoThread run the engine's duty cycle on the single I/O thread instead of its own thread: the
     *                           same guarantees hold, and commands from another thread's gateway still get through.
     */
    @ParameterizedTest(name = "engine on the I/O thread: {0}")
    @ValueSource(booleans = { false, true })
    void shouldDeliverWhatWasPublishedThenClose1001AndEndSseStreams(final boolean isEngineOnIoThread) throws Exception
    {
        server = TestServers.dev((config) -> config
            .ioThreads(isEngineOnIoThread ? 1 : 2).engineOnIoThread(isEngineOnIoThread)
            .shutdownTimeoutNs(TimeUnit.SECONDS.toNanos(3)), new Engine.Context());
        try (WsClient a = WsClient.connect(Http.ws(server, "/ws/shutdown"));
            WsClient b = WsClient.connect(Http.ws(server, "/ws/shutdown"));
            SseClient sse = SseClient.open(server, "/events/shutdown"))
        {
            a.awaitType("join");
            b.awaitType("join");
            sse.awaitEvent("join");
            a.send("{\"type\":\"typing\",\"room\":\"shutdown\",\"data\":{\"typing\":true}}");
            b.awaitType("typing");

            final JsonNode firstPoll = Http.json(Http.get(server, "/poll/shutdown-poll"));
            long after = 0;
            long epoch = 0;
            for (final JsonNode message : firstPoll.path("messages"))
            {
                if (message.path("type").asText().equals("join"))
                {
                    epoch = message.path("data").path("epoch").asLong();
                    after = Math.max(after, message.path("data").path("from").asLong() - 1);
                }
                after = Math.max(after, message.path("seq").asLong());
            }
            final String target = "/poll/shutdown-poll?sid=" + firstPoll.path("sid").asText() + "&after=" + epoch + "-" +
                after;
            final long pollsBefore = Http.metric(server, POLL_REQUESTS);
            final CompletableFuture<HttpResponse<String>> heldPoll =
                Http.CLIENT.sendAsync(Http.request(server, target).GET().build(), HttpResponse.BodyHandlers.ofString());
            // the poll must reach the server before it closes, or the client finds no listener to connect to
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Http.metric(server, POLL_REQUESTS) == pollsBefore)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the held poll never reached the server");
                Thread.sleep(5);
            }

            final Gateway publisher = server.engine().newGateway();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
            final long closeMs;
            try
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    final int length = payload.putStringWithoutLengthAscii(0,
                        "{\"n\":" + i + (i == RECORDS - 1 ? ",\"last\":true}" : "}"));
                    assertTrue(publisher.serverPublish("shutdown", MessageKind.TEXT, PayloadFormat.JSON, "feed", null,
                        payload, 0, length) > 0);
                }
                final long startNs = System.nanoTime();
                server.close();
                closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            }
            finally
            {
                publisher.close();
            }
            assertTrue(closeMs < 3_000, "close took " + closeMs + " ms");

            for (final WsClient client : new WsClient[]{ a, b })
            {
                assertEquals(1001, client.awaitClose());
                assertEquals("shutting_down", client.closeReason);
                int delivered = 0;
                for (final JsonNode message : client.received())
                {
                    if (message.path("type").asText().equals("text"))
                    {
                        assertEquals(delivered, message.path("data").path("n").asInt());
                        delivered++;
                    }
                }
                assertEquals(RECORDS, delivered, "every record published before the close, before the close frame");
            }

            final String polled = heldPoll.get(5, TimeUnit.SECONDS).body();
            assertTrue(polled.contains("\"shutting_down\""), "a held poll is answered with the closed event: " + polled);

            sse.ended.get(5, TimeUnit.SECONDS);
            int delivered = 0;
            for (final SseClient.Event event : sse.events)
            {
                if ("text".equals(event.event()))
                {
                    assertEquals(delivered, event.json().path("data").path("n").asInt());
                    delivered++;
                }
            }
            assertEquals(RECORDS, delivered, "the SSE stream got every record before it ended");
        }
    }
}
