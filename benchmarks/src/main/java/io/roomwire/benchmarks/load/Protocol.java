package io.roomwire.benchmarks.load;

import java.util.Locale;

/**
 * The protocol a load generator's clients speak, chosen by {@link LoadGenerator#PROTOCOL_PROP_NAME}:
 * <ul>
 *     <li>{@link #WS}: RFC 6455 WebSocket on {@code /ws/{room}}, one JSON object per text frame, as the seed and
 *     Roomwire's seed form speak it;</li>
 *     <li>{@link #SOCKETIO}: Engine.IO 4 / Socket.IO 4 over a raw WebSocket: the client answers the open packet
 *     {@code 0{...}} with {@code 40}, counts as connected on the server's {@code 40{...}}, answers ping {@code 2} with
 *     pong {@code 3}, publishes {@code 42["message",<object>]} and receives {@code 42["message",{...}]};</li>
 *     <li>{@link #SSE}: Server-Sent Events subscribers on {@code GET /events/{room}}; the publishers of each room stay
 *     WebSocket clients ({@link LoadGenerator#PUBLISH_PATH_PROP_NAME}).</li>
 * </ul>
 * Immutable; safe from any thread.
 */
enum Protocol
{
    WS("ws", "/ws/{room}"),
    SOCKETIO("socketio", "/socket.io/?EIO=4&transport=websocket&room={room}"),
    SSE("sse", "/events/{room}");

    private final String propertyValue;
    private final String defaultPath;

    Protocol(final String propertyValue, final String defaultPath)
    {
        this.propertyValue = propertyValue;
        this.defaultPath = defaultPath;
    }

    /**
     * @return its name as {@link LoadGenerator#PROTOCOL_PROP_NAME} takes it and results report it.
     */
    String propertyValue()
    {
        return propertyValue;
    }

    /**
     * @return the path template of its clients when {@link LoadGenerator#PATH_PROP_NAME} is not set.
     */
    String defaultPath()
    {
        return defaultPath;
    }

    /**
     * @return true when its clients are WebSocket connections (plain or carrying Socket.IO).
     */
    boolean isWebSocket()
    {
        return this != SSE;
    }

    /**
     * @param text {@code ws}, {@code socketio} (or {@code socket.io}) or {@code sse}, in any case.
     * @return the protocol.
     * @throws IllegalArgumentException for any other text.
     */
    static Protocol parse(final String text)
    {
        final String name = text.trim().toLowerCase(Locale.ROOT);
        for (final Protocol protocol : values())
        {
            if (protocol.propertyValue.equals(name))
            {
                return protocol;
            }
        }
        if ("socket.io".equals(name))
        {
            return SOCKETIO;
        }
        throw new IllegalArgumentException("unknown protocol " + text + " (ws, socketio or sse)");
    }
}
