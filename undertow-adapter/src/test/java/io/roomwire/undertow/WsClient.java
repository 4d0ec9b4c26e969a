package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test WebSocket client on the JDK's HttpClient: collects text messages as parsed JSON, binary messages, and the
 * close. The JDK client answers the server's pings by itself.
 * <p>
 * The listener runs on the client's threads; the await methods are for one test thread.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable
{
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long AWAIT_MS = 5_000;
    private static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> binary = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private final List<ByteBuffer> pendingBinary = new ArrayList<>();
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    WebSocket socket;

    static WsClient connect(final String url, final String... subprotocols) throws Exception
    {
        return connect(url, Map.of(), subprotocols);
    }

    static WsClient connect(final String url, final Map<String, String> headers, final String... subprotocols)
        throws Exception
    {
        final WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP_CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (final Map.Entry<String, String> header : headers.entrySet())
        {
            builder = builder.header(header.getKey(), header.getValue());
        }
        if (subprotocols.length > 0)
        {
            builder = builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(URI.create(url), client).get(5, TimeUnit.SECONDS);
        return client;
    }

    public void onOpen(final WebSocket webSocket)
    {
        webSocket.request(Long.MAX_VALUE);
    }

    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        text.append(data);
        if (last)
        {
            try
            {
                messages.add(MAPPER.readTree(text.toString()));
            }
            catch (final Exception ex)
            {
                messages.add(MAPPER.createObjectNode().put("type", "unparseable").put("text", text.toString()));
            }
            text.setLength(0);
        }
        return null;
    }

    public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
    {
        final byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        bytes.writeBytes(chunk);
        if (last)
        {
            binary.add(ByteBuffer.wrap(bytes.toByteArray()));
            bytes.reset();
        }
        return null;
    }

    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closeReason = reason;
        closed.complete(new int[]{ statusCode });
        return null;
    }

    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closed.complete(new int[]{ -1 });
    }

    void send(final String json) throws Exception
    {
        socket.sendText(json, true).get(5, TimeUnit.SECONDS);
    }

    void sendBinary(final byte[] message, final int length) throws Exception
    {
        socket.sendBinary(ByteBuffer.wrap(message, 0, length), true).get(5, TimeUnit.SECONDS);
    }

    /**
     * Wait for the next message matching, first among those received but not yet taken, then up to 5 s for new ones;
     * messages that do not match stay for later awaits. Every message taken from the socket is kept in {@link #seen}.
     *
     * @param predicate to match.
     * @return the message, taken.
     */
    JsonNode await(final Predicate<JsonNode> predicate) throws InterruptedException
    {
        for (int i = 0; i < pending.size(); i++)
        {
            if (predicate.test(pending.get(i)))
            {
                return pending.remove(i);
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (System.nanoTime() < deadline)
        {
            final JsonNode message = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (null == message)
            {
                break;
            }
            seen.add(message);
            if (predicate.test(message))
            {
                return message;
            }
            pending.add(message);
        }
        throw new AssertionError("no matching message; seen " + seen);
    }

    JsonNode awaitType(final String type) throws InterruptedException
    {
        return await((m) -> type.equals(m.path("type").asText()));
    }

    /**
     * @return the next message not yet taken, whatever it is, waiting up to 5 s.
     */
    JsonNode next() throws InterruptedException
    {
        return await((m) -> true);
    }

    /**
     * Wait for the next binary message matching, first among those received but not yet taken.
     *
     * @param predicate to match.
     * @return the message, taken.
     */
    ByteBuffer awaitBinary(final Predicate<ByteBuffer> predicate) throws InterruptedException
    {
        for (int i = 0; i < pendingBinary.size(); i++)
        {
            if (predicate.test(pendingBinary.get(i)))
            {
                return pendingBinary.remove(i);
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (System.nanoTime() < deadline)
        {
            final ByteBuffer message = binary.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (null == message)
            {
                break;
            }
            if (predicate.test(message))
            {
                return message;
            }
            pendingBinary.add(message);
        }
        throw new AssertionError("no matching binary message");
    }

    /**
     * @return every message received so far, taken or not, in order of arrival.
     */
    List<JsonNode> received()
    {
        final List<JsonNode> all = new ArrayList<>(seen);
        all.addAll(messages);
        return all;
    }

    int awaitClose() throws Exception
    {
        return closed.get(10, TimeUnit.SECONDS)[0];
    }

    boolean isClosed()
    {
        return closed.isDone();
    }

    public void close()
    {
        if (null != socket && !socket.isOutputClosed())
        {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        if (null != socket)
        {
            socket.abort();
        }
    }
}
