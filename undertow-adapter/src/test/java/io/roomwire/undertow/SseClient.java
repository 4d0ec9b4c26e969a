package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client: reads the stream on its own thread and queues each event (and each comment and
 * {@code retry:} as an event of its own), in order.
 * <p>
 * The reader runs on its own thread; the await methods are for one test thread.
 */
final class SseClient implements AutoCloseable
{
    /**
     * One event, a comment (event {@code :comment}) or a retry advice (event {@code :retry}).
     *
     * @param event name, or null when the event had no {@code event:} line.
     * @param id    or null.
     * @param data  or null.
     */
    record Event(String event, String id, String data)
    {
        JsonNode json() throws IOException
        {
            return WsClient.MAPPER.readTree(data);
        }
    }

    final HttpResponse<InputStream> response;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<Event> seen = new ArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Thread reader;

    private SseClient(final HttpResponse<InputStream> response)
    {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        this.reader.setDaemon(true);
        if (response.statusCode() == 200)
        {
            reader.start();
        }
    }

    static SseClient open(final RoomwireServer server, final String target, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder builder = Http.request(server, target).GET().header("Accept", "text/event-stream");
        if (headers.length > 0)
        {
            builder.headers(headers);
        }
        return new SseClient(Http.CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status()
    {
        return response.statusCode();
    }

    String body() throws IOException
    {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    private void read()
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)))
        {
            String event = null;
            String id = null;
            StringBuilder data = null;
            String line;
            while (null != (line = lines.readLine()))
            {
                if (line.isEmpty())
                {
                    if (null != event || null != id || null != data)
                    {
                        events.add(new Event(event, id, null == data ? null : data.toString()));
                    }
                    event = null;
                    id = null;
                    data = null;
                }
                else if (line.startsWith(":"))
                {
                    events.add(new Event(":comment", null, line.substring(1).trim()));
                }
                else if (line.startsWith("retry:"))
                {
                    events.add(new Event(":retry", null, line.substring(6).trim()));
                }
                else if (line.startsWith("event:"))
                {
                    event = line.substring(6).trim();
                }
                else if (line.startsWith("id:"))
                {
                    id = line.substring(3).trim();
                }
                else if (line.startsWith("data:"))
                {
                    final String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                    data = null == data ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            ended.complete(null);
        }
        catch (final IOException ex)
        {
            ended.complete(null);
        }
    }

    Event next() throws InterruptedException
    {
        final Event event = events.poll(WsClient.AWAIT_MS, TimeUnit.MILLISECONDS);
        if (null == event)
        {
            throw new AssertionError("no event; seen " + seen);
        }
        seen.add(event);
        return event;
    }

    Event await(final Predicate<Event> predicate) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WsClient.AWAIT_MS);
        while (System.nanoTime() < deadline)
        {
            final Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (null == event)
            {
                break;
            }
            seen.add(event);
            if (predicate.test(event))
            {
                return event;
            }
        }
        throw new AssertionError("no matching event; seen " + seen);
    }

    Event awaitEvent(final String name) throws InterruptedException
    {
        return await((e) -> name.equals(e.event()));
    }

    public void close()
    {
        try
        {
            response.body().close();
        }
        catch (final IOException ignore)
        {
            // closing either way
        }
    }
}
