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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test WebSocket client on the JDK's HttpClient: collects text messages as parsed JSON and the close.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable
{
    static final ObjectMapper MAPPER = new ObjectMapper();

    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> binary = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    final CompletableFuture<int[]> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    WebSocket socket;

    static WsClient connect(final String url, final String... subprotocols) throws Exception
    {
        final WsClient client = new WsClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
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

    /**
     * @return the next message matching, waiting up to 5 s; earlier non-matching messages are kept in {@link #seen}.
     */
    JsonNode await(final Predicate<JsonNode> predicate) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
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
        }
        throw new AssertionError("no matching message; seen " + seen);
    }

    JsonNode awaitType(final String type) throws InterruptedException
    {
        return await((m) -> type.equals(m.path("type").asText()));
    }

    int awaitClose() throws Exception
    {
        return closed.get(10, TimeUnit.SECONDS)[0];
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
