package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle timeout: a connection that never answers the server's pings is closed with {@code 4042}; one that does
 * stays open past the timeout. With a presence timeout shorter than the test, open connections that send no messages
 * (a WebSocket without JSON pings, an SSE stream) also keep their users present: the edge vouches for them.
 */
@Timeout(30)
class IdleTimeoutTest
{
    private static final long IDLE_TIMEOUT_MS = 2_000;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2)
                .idleTimeoutNs(TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS))
                .pingIntervalNs(TimeUnit.MILLISECONDS.toNanos(500)),
            new Engine.Context()
                .presenceTimeoutNs(TimeUnit.MILLISECONDS.toNanos(2_000))
                .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(500)));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldCloseASilentConnectionWith4042AndKeepOneThatAnswersPings() throws Exception
    {
        // before the connection opens: the server's idle clock starts at or after this
        final long startNs = System.nanoTime();
        try (RawWs silent = RawWs.connect(server.port(), "/ws/idle", 0);
            WsClient answering = WsClient.connect(Http.ws(server, "/ws/idle"));
            SseClient sse = SseClient.open(server, "/events/idle"))
        {
            answering.awaitType("join");
            silent.awaitType("join", false);
            final String sseUser = sse.awaitEvent("system").json().path("data").path("user").asText();
            sse.awaitEvent("join");

            int pings = 0;
            RawWs.Frame frame;
            while ((frame = silent.read()).opcode() != RawWs.CLOSE)
            {
                if (frame.opcode() == RawWs.PING)
                {
                    pings++;
                }
            }
            final long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(4042, frame.closeCode());
            assertEquals("idle_timeout", frame.closeReason());
            assertTrue(closedAfterMs >= IDLE_TIMEOUT_MS - 100, "closed after " + closedAfterMs + " ms");
            assertTrue(pings >= 1, "the server pinged");

            final long remainingMs = IDLE_TIMEOUT_MS + 1_000 - closedAfterMs;
            if (remainingMs > 0)
            {
                Thread.sleep(remainingMs);
            }
            assertFalse(answering.isClosed(), "a client that answers pings stays open");
            answering.send("{\"text\":\"still here\"}");
            assertEquals("still here", answering.awaitType("message").path("data").path("text").asText());
            for (final JsonNode message : answering.received())
            {
                assertFalse(message.path("type").asText().equals("presence") &&
                    message.path("data").path("user").asText().equals(sseUser) &&
                    message.path("data").path("status").asText().equals("left"), "SSE user expired: " + message);
            }
            assertFalse(sse.ended.isDone(), "the SSE stream stays open");
        }
    }
}
