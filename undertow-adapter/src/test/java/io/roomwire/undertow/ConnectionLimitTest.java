package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Connections per IP address: at the limit every connection opens; one more is refused with HTTP 429 before the
 * upgrade; a closed connection frees its place.
 */
@Timeout(30)
class ConnectionLimitTest
{
    private static final int MAX_CONNECTIONS = 4;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2).maxConnectionsPerIp(MAX_CONNECTIONS),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldOpenConnectionsUpToTheLimitAndRefuseOneMoreWith429() throws Exception
    {
        final List<RawWs> open = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_CONNECTIONS; i++)
            {
                final RawWs raw = RawWs.connect(server.port(), "/ws/limit-ip", 0);
                open.add(raw);
                assertEquals(101, raw.status, raw.head);
                raw.awaitType("join", true);
            }

            try (RawWs refused = RawWs.connect(server.port(), "/ws/limit-ip", 0))
            {
                assertEquals(429, refused.status, refused.head);
                assertEquals("too_many_connections", refused.bodyJson().path("data").path("code").asText());
            }
            try (SseClient sse = SseClient.open(server, "/events/limit-ip"))
            {
                assertEquals(429, sse.status());
            }

            open.remove(0).close();
            Http.awaitTrue(() ->
            {
                try (RawWs again = RawWs.connect(server.port(), "/ws/limit-ip", 0))
                {
                    return again.status == 101;
                }
                catch (final Exception ex)
                {
                    return false;
                }
            }, 5_000, () -> "a closed connection did not free its place");
        }
        finally
        {
            open.forEach(RawWs::close);
        }
    }
}
