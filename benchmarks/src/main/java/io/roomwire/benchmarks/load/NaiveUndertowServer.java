package io.roomwire.benchmarks.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The naive Java design of the seed, as the baseline of the end-to-end benchmark: Undertow's WebSocket API on
 * {@code /ws/{room}}, a {@code ConcurrentHashMap} of room to a set of channels, and on each text message a Jackson
 * parse into a map, then for each member the broadcast {@code {"type":"message","room":...,"data":{...,"author":...}}}
 * serialised with {@link ObjectMapper#writeValueAsString(Object)} and sent with
 * {@link WebSockets#sendText(String, WebSocketChannel, io.undertow.websockets.core.WebSocketCallback)}: JSON built
 * per send, a frame and a pooled buffer per member. The sender receives its own message, as in the seed.
 * <p>
 * Run with {@code java -cp benchmarks/target/benchmarks.jar io.roomwire.benchmarks.load.NaiveUndertowServer
 * [port [ioThreads [host]]]} (defaults 8081, the available cores, 127.0.0.1).
 * <p>
 * Thread safe: handlers run on Undertow's I/O threads; the room map and its sets are concurrent.
 */
public final class NaiveUndertowServer implements WebSocketConnectionCallback
{
    private static final TypeReference<LinkedHashMap<String, Object>> MAP_TYPE = new TypeReference<>()
    {
    };

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Set<WebSocketChannel>> channelsByRoom = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();

    /**
     * @param args {@code [port [ioThreads [host]]]}.
     */
    public static void main(final String[] args)
    {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        final int ioThreads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        final String host = args.length > 2 ? args[2] : "127.0.0.1";

        final NaiveUndertowServer server = new NaiveUndertowServer();
        final Undertow undertow = Undertow.builder()
            .addHttpListener(port, host)
            .setIoThreads(ioThreads)
            .setWorkerThreads(2)
            .setHandler(Handlers.path().addPrefixPath("/ws", Handlers.websocket(server)))
            .build();
        undertow.start();
        Runtime.getRuntime().addShutdownHook(new Thread(undertow::stop, "naive-shutdown"));
        System.out.println("naive: listening on ws://" + host + ":" + port + "/ws/{room} with " + ioThreads +
            " I/O threads");
    }

    public void onConnect(final WebSocketHttpExchange exchange, final WebSocketChannel channel)
    {
        final String room = room(exchange.getRequestURI());
        final String author = "guest-" + guests.incrementAndGet();
        final Set<WebSocketChannel> members =
            channelsByRoom.computeIfAbsent(room, (r) -> ConcurrentHashMap.newKeySet());
        members.add(channel);
        channel.addCloseTask((closed) -> members.remove(closed));
        channel.getReceiveSetter().set(new AbstractReceiveListener()
        {
            protected void onFullTextMessage(final WebSocketChannel from, final BufferedTextMessage message)
            {
                broadcast(room, author, members, message.getData());
            }
        });
        channel.resumeReceives();
    }

    private void broadcast(
        final String room, final String author, final Set<WebSocketChannel> members, final String text)
    {
        final Map<String, Object> data;
        try
        {
            data = mapper.readValue(text, MAP_TYPE);
        }
        catch (final JsonProcessingException ex)
        {
            return;
        }
        data.put("author", author);

        for (final WebSocketChannel member : members)
        {
            final Map<String, Object> message = new LinkedHashMap<>();
            message.put("type", "message");
            message.put("room", room);
            message.put("data", data);
            try
            {
                WebSockets.sendText(mapper.writeValueAsString(message), member, null);
            }
            catch (final JsonProcessingException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static String room(final String uri)
    {
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
