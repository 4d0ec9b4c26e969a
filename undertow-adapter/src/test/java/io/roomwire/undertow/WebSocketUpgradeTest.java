package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection upgraded to WebSocket leaves Undertow's HTTP layer: the layer stops counting (and holding) it at the
 * upgrade, and nothing of it is left behind when the WebSocket closes. A client that sends its first frame in the
 * same write as its handshake is served too (those bytes are read through Undertow's buffer).
 */
@Timeout(30)
class WebSocketUpgradeTest
{
    private static final int CLIENTS = 3;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = RoomwireServer.start(new ServerConfig().dev(true).port(0).host("127.0.0.1").ioThreads(1),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldLeaveTheHttpLayerOnUpgradeAndLeaveNothingThereOnClose() throws Exception
    {
        assertTrue(UpgradeRelease.isAvailable(), "this XNIO lets Undertow's close listener be replaced");
        final long httpBefore = value(metrics(), "roomwire_http_connections");
        final List<RawWs> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < CLIENTS; i++)
            {
                final RawWs client = RawWs.connect(server.port(), "/ws/upgrade", 0);
                assertEquals(101, client.status);
                client.awaitType("join", true);
                clients.add(client);
            }

            final String during = metrics();
            assertEquals(CLIENTS, value(during, "roomwire_connections{transport=\"websocket\"}"), during);
            assertEquals(httpBefore, value(during, "roomwire_http_connections"), during);
        }
        finally
        {
            for (final RawWs client : clients)
            {
                client.close();
            }
        }

        String after = metrics();
        while (value(after, "roomwire_connections{transport=\"websocket\"}") > 0)
        {
            Thread.sleep(20);
            after = metrics();
        }
        assertEquals(httpBefore, value(after, "roomwire_http_connections"), after);
    }

    @Test
    void shouldServeAFrameSentTogetherWithTheHandshake() throws Exception
    {
        final long httpBefore = value(metrics(), "roomwire_http_connections");
        final byte[] frame = RawWs.frame(
            RawWs.FIN | RawWs.TEXT, "{\"text\":\"early\"}".getBytes(StandardCharsets.UTF_8), true);
        try (RawWs client = RawWs.connectWithEarlyBytes(server.port(), "/ws/early", frame))
        {
            assertEquals(101, client.status);
            assertEquals("early", client.awaitType("message", true).path("data").path("text").asText());
            client.sendText("{\"text\":\"later\"}");
            assertEquals("later", client.awaitType("message", true).path("data").path("text").asText());
        }

        String after = metrics();
        while (value(after, "roomwire_connections{transport=\"websocket\"}") > 0)
        {
            Thread.sleep(20);
            after = metrics();
        }
        assertEquals(httpBefore, value(after, "roomwire_http_connections"), after);
    }

    private static String metrics() throws Exception
    {
        final HttpResponse<String> response = Http.get(server, "/metrics");
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static long value(final String text, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        assertTrue(matcher.find(), series + " missing from\n" + text);
        return (long)Double.parseDouble(matcher.group(1));
    }
}
