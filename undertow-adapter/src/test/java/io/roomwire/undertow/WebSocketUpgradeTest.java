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
 * A connection upgraded to WebSocket leaves Undertow's HTTP layer at the upgrade: Undertow's close handling has run
 * and its state is not held ({@code roomwire_websocket_http_state_held} stays 0). A client that sends its first frame
 * in the same write as its handshake is served too: those bytes are read through Undertow's buffer, so Undertow keeps
 * its state for that connection until it closes, and the gauge counts it meanwhile.
 */
@Timeout(30)
class WebSocketUpgradeTest
{
    private static final int CLIENTS = 3;
    private static final String HELD = "roomwire_websocket_http_state_held";
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1),
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
            assertEquals(0, value(during, HELD), during);
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
        assertEquals(0, value(after, HELD), after);
    }

    @Test
    void shouldServeAFrameSentTogetherWithTheHandshake() throws Exception
    {
        final byte[] frame = RawWs.frame(
            RawWs.FIN | RawWs.TEXT, "{\"text\":\"early\"}".getBytes(StandardCharsets.UTF_8), true);
        try (RawWs client = RawWs.connectWithEarlyBytes(server.port(), "/ws/early", frame))
        {
            assertEquals(101, client.status);
            assertEquals("early", client.awaitType("message", true).path("data").path("text").asText());
            client.sendText("{\"text\":\"later\"}");
            assertEquals("later", client.awaitType("message", true).path("data").path("text").asText());
            assertEquals(1, value(metrics(), HELD), "Undertow holds the state of the connection with early bytes");
        }

        String after = metrics();
        while (value(after, "roomwire_connections{transport=\"websocket\"}") > 0)
        {
            Thread.sleep(20);
            after = metrics();
        }
        assertEquals(0, value(after, HELD), after);
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
