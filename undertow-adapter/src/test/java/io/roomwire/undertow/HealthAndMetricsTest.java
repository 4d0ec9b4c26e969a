package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /health} and {@code /metrics}.
 */
@Timeout(30)
class HealthAndMetricsTest
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

    private static String metrics() throws Exception
    {
        final HttpResponse<String> response = Http.get(server, "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    private static long value(final String text, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        assertTrue(matcher.find(), series + " missing from\n" + text);
        return (long)Double.parseDouble(matcher.group(1));
    }

    @Test
    void shouldRenderMetricsOffTheIoThread() throws Exception
    {
        final List<String> submittedBy = new CopyOnWriteArrayList<>();
        final List<String> renderedOn = new CopyOnWriteArrayList<>();
        server.metricsExecutor((task) ->
        {
            submittedBy.add(Thread.currentThread().getName());
            new Thread(() ->
            {
                renderedOn.add(Thread.currentThread().getName());
                task.run();
            }, "metrics-renderer").start();
        });
        try
        {
            final String text = metrics();
            assertTrue(value(text, "roomwire_engine_gateways") >= 1, text);
            assertEquals(1, submittedBy.size(), "dispatched once: " + submittedBy);
            assertTrue(submittedBy.get(0).contains("I/O"), "routed on an I/O thread: " + submittedBy);
            assertEquals(List.of("metrics-renderer"), renderedOn);
        }
        finally
        {
            server.metricsExecutor(null);
        }
    }

    @Test
    void shouldAnswerHealthWithOk() throws Exception
    {
        final HttpResponse<String> response = Http.get(server, "/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok", Http.json(response).path("status").asText());
    }

    @Test
    void shouldCountConnectionsAndExposeEngineCounters() throws Exception
    {
        try (WsClient a = WsClient.connect(Http.ws(server, "/ws/metrics"));
            WsClient b = WsClient.connect(Http.ws(server, "/ws/metrics"));
            SseClient sse = SseClient.open(server, "/events/metrics"))
        {
            a.awaitType("join");
            b.awaitType("join");
            sse.awaitEvent("join");
            a.send("{\"text\":\"counted\"}");
            b.awaitType("message");

            final String text = metrics();
            assertEquals(2, value(text, "roomwire_connections{transport=\"websocket\"}"), text);
            assertEquals(1, value(text, "roomwire_connections{transport=\"sse\"}"), text);
            assertTrue(value(text, "roomwire_engine_sessions") >= 3, text);
            assertTrue(value(text, "roomwire_engine_publishes_total") >= 1, text);
            assertTrue(value(text, "roomwire_engine_deliveries_total") >= 2, text);
            assertEquals(0, value(text, "roomwire_lagging_disconnects_total"), text);
            assertTrue(text.contains("# TYPE roomwire_connections gauge"), text);
            assertTrue(value(text, "jvm_memory_direct_used_bytes") > 0, "room logs and rings are direct: " + text);
        }

        Http.awaitTrue(() ->
        {
            try
            {
                final String text = metrics();
                return value(text, "roomwire_connections{transport=\"websocket\"}") == 0;
            }
            catch (final Exception ex)
            {
                return false;
            }
        }, 5_000, () -> "websocket connections not released");
    }
}
