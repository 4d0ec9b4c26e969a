package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up of the I/O threads' select loops: as many bounces as asked for, on every I/O thread, bounded
 * in time, and nothing left open after.
 */
@Timeout(60)
class SelectLoopWarmupTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void shouldBounceAsManyTimesAsAskedAndCloseItsConnection() throws Exception
    {
        try (RoomwireServer server = unwarmedServer())
        {
            final XnioIoThread thread = server.loops().get(0).thread();
            final long socketsBefore = TestServers.openSocketDescriptors();

            assertEquals(2_000, SelectLoopWarmup.run(thread, 2_000, TIMEOUT_NS));
            assertEquals(1, SelectLoopWarmup.run(thread, 1, TIMEOUT_NS));
            assertEquals(0, SelectLoopWarmup.run(thread, 0, TIMEOUT_NS));

            assertClosedAndServing(server, socketsBefore);
        }
    }

    @Test
    void shouldStopAtTheTimeoutAndStillCloseItsConnection() throws Exception
    {
        try (RoomwireServer server = unwarmedServer())
        {
            final XnioIoThread thread = server.loops().get(0).thread();
            final long socketsBefore = TestServers.openSocketDescriptors();

            final int bounced = SelectLoopWarmup.run(thread, Integer.MAX_VALUE, TimeUnit.MILLISECONDS.toNanos(100));

            assertTrue(bounced > 0 && bounced < Integer.MAX_VALUE, () -> "bounced " + bounced);
            assertClosedAndServing(server, socketsBefore);
        }
    }

    private static RoomwireServer unwarmedServer()
    {
        return TestServers.dev((config) -> config.ioThreads(1).warmupBounces(0), new Engine.Context());
    }

    private static void assertClosedAndServing(final RoomwireServer server, final long socketsBefore) throws Exception
    {
        assertEquals(socketsBefore, TestServers.openSocketDescriptors(), "the loopback connections are closed");
        assertEquals(200, Http.get(server, "/health").statusCode(), "the I/O thread serves after");
    }

    @Test
    void shouldWarmEveryIoThreadBeforeTheNodeIsReady() throws Exception
    {
        try (RoomwireServer server = TestServers.dev((config) -> config.ioThreads(2).warmupBounces(3_000),
            new Engine.Context()))
        {
            final HttpResponse<String> metrics = Http.get(server, "/metrics");
            final Matcher matcher = Pattern.compile("(?m)^roomwire_warmup_bounces_total (\\d+)$").matcher(metrics.body());
            assertTrue(matcher.find(), metrics::body);
            assertEquals(2 * 3_000, Long.parseLong(matcher.group(1)));
        }
    }

    @Test
    void shouldAnswerStartingUntilWarmedUp() throws Exception
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = probe.getLocalPort();
        }
        final CompletableFuture<RoomwireServer> starting = CompletableFuture.supplyAsync(() -> RoomwireServer.start(
            new ServerConfig().dev(true).host("127.0.0.1").port(port).ioThreads(1).warmupBounces(400_000)));
        try
        {
            final HttpClient client = HttpClient.newHttpClient();
            final HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
            HttpResponse<String> first = null;
            while (null == first && !starting.isDone())
            {
                try
                {
                    first = client.send(health, HttpResponse.BodyHandlers.ofString());
                }
                catch (final IOException ex)
                {
                    Thread.sleep(1); // not listening yet
                }
            }
            assertNotNull(first, "no answer before the warm-up ended");
            assertEquals(503, first.statusCode());
            assertEquals("{\"status\":\"starting\"}", first.body());

            starting.get(30, TimeUnit.SECONDS);
            final HttpResponse<String> ready = client.send(health, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
        }
        finally
        {
            starting.get(30, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void shouldRiseAndFallBetweenOneConnectionAndAllFourTimes()
    {
        final int bounces = 80_000;
        int lows = 0;
        int highs = 0;
        int previous = 0;
        for (int bounced = 0; bounced < bounces; bounced++)
        {
            final int bouncing = SelectLoopWarmup.pairsBouncing(bounced, bounces);
            assertTrue(bouncing >= 1 && bouncing <= 32, () -> "bouncing " + bouncing);
            lows += bouncing == 1 && previous != 1 ? 1 : 0;
            highs += bouncing == 32 && previous != 32 ? 1 : 0;
            previous = bouncing;
        }
        assertEquals(4, highs);
        assertEquals(5, lows, "at the start, between the four rises, and at the end");
        assertEquals(1, SelectLoopWarmup.pairsBouncing(0, bounces));
        assertEquals(32, SelectLoopWarmup.pairsBouncing(bounces / 8, bounces));
        assertEquals(1, SelectLoopWarmup.pairsBouncing(bounces / 4, bounces));
    }

    @Test
    void shouldRefuseANegativeNumberOfBounces()
    {
        assertEquals(0, new ServerConfig().dev(true).warmupBounces(0).conclude().warmupBounces());

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dev(true).warmupBounces(-1).conclude());
        assertTrue(refused.getMessage().contains(ServerConfig.WARMUP_BOUNCES_PROP_NAME), refused::getMessage);
    }
}
