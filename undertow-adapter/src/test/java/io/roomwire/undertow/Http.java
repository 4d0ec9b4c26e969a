package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * HTTP helpers for the integration tests: one HTTP/1.1 client, JSON requests, and bounded waits.
 * <p>
 * Thread safe.
 */
final class Http
{
    static final HttpClient CLIENT = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private Http()
    {
    }

    static String base(final RoomwireServer server)
    {
        return "http://127.0.0.1:" + server.port();
    }

    static String ws(final RoomwireServer server, final String path)
    {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    static HttpRequest.Builder request(final RoomwireServer server, final String target)
    {
        return HttpRequest.newBuilder(URI.create(base(server) + target)).timeout(Duration.ofSeconds(10));
    }

    static HttpResponse<String> get(final RoomwireServer server, final String target, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder builder = request(server, target).GET();
        if (headers.length > 0)
        {
            builder.headers(headers);
        }
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @param server to ask.
     * @param series a metric without labels, as {@code /metrics} names it.
     * @return its value now.
     */
    static long metric(final RoomwireServer server, final String series) throws IOException, InterruptedException
    {
        for (final String line : get(server, "/metrics").body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    static HttpResponse<String> post(
        final RoomwireServer server, final String target, final String body, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder builder = request(server, target)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0)
        {
            builder.headers(headers);
        }
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(final HttpResponse<String> response) throws IOException
    {
        return WsClient.MAPPER.readTree(response.body());
    }

    /**
     * Wait until a condition holds.
     *
     * @param condition to hold.
     * @param timeoutMs longest wait.
     * @param message   of the failure.
     */
    static void awaitTrue(final BooleanSupplier condition, final long timeoutMs, final Supplier<String> message)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(message.get());
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
