package io.roomwire.undertow;

import io.roomwire.engine.Gateway;
import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.xnio.StreamConnection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket handshake of {@code /ws} and {@code /ws/{room}}: checks the request, the origin, the per-IP limit,
 * chooses the subprotocol, authenticates, and upgrades the connection to a {@link WebSocketEndpoint}. A request that
 * fails authentication or is not allowed its room is still upgraded, then closed at once with {@code 1008} and the
 * error's name, so a browser can tell why; a request that is not a valid WebSocket request, comes from a refused
 * origin, or is over the per-IP limit gets an HTTP error instead.
 * <p>
 * Runs on the connection's I/O thread; stateless apart from the server it belongs to.
 */
final class WebSocketHandler implements HttpHandler
{
    static final String JSON_SUBPROTOCOL = "roomwire.json";
    static final String SBE_SUBPROTOCOL = "roomwire.sbe";

    private static final HttpString SEC_WEBSOCKET_KEY = new HttpString("Sec-WebSocket-Key");
    private static final HttpString SEC_WEBSOCKET_VERSION = new HttpString("Sec-WebSocket-Version");
    private static final HttpString SEC_WEBSOCKET_PROTOCOL = new HttpString("Sec-WebSocket-Protocol");
    private static final HttpString SEC_WEBSOCKET_ACCEPT = new HttpString("Sec-WebSocket-Accept");

    private final RoomwireServer server;

    WebSocketHandler(final RoomwireServer server)
    {
        this.server = server;
    }

    public void handleRequest(final HttpServerExchange exchange)
    {
        final String path = exchange.getRelativePath();
        final String room = path.equals("/ws") ? null : RoomwireServer.pathRoom(path, "/ws/", "");
        if (!path.equals("/ws") && (null == room || !Identifiers.isValidRoom(room)))
        {
            RoomwireServer.sendError(exchange, ErrorCode.INVALID_ROOM, null);
            return;
        }

        final String key = exchange.getRequestHeaders().getFirst(SEC_WEBSOCKET_KEY);
        final String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (!exchange.getRequestMethod().equals(Methods.GET) || null == upgrade ||
            !upgrade.equalsIgnoreCase("websocket") || null == key || key.isBlank())
        {
            exchange.setStatusCode(StatusCodes.UPGRADE_REQUIRED);
            exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
            exchange.endExchange();
            return;
        }
        if (!"13".equals(exchange.getRequestHeaders().getFirst(SEC_WEBSOCKET_VERSION)))
        {
            exchange.setStatusCode(StatusCodes.UPGRADE_REQUIRED);
            exchange.getResponseHeaders().put(SEC_WEBSOCKET_VERSION, "13");
            exchange.endExchange();
            return;
        }
        if (!server.isOriginAllowed(exchange))
        {
            server.metrics().authFailure("origin_not_allowed");
            RoomwireServer.sendError(exchange, ErrorCode.ORIGIN_NOT_ALLOWED, null);
            return;
        }
        if (server.isClosed())
        {
            RoomwireServer.sendError(exchange, ErrorCode.SHUTTING_DOWN, null);
            return;
        }
        final String address = server.acquireConnection(RoomwireServer.remoteAddress(exchange));
        if (null == address)
        {
            RoomwireServer.sendError(exchange, ErrorCode.TOO_MANY_CONNECTIONS, null);
            return;
        }

        final List<String> offered = subprotocols(exchange);
        final boolean isBinary = offered.contains(SBE_SUBPROTOCOL);
        final String chosen = isBinary ? SBE_SUBPROTOCOL : (offered.contains(JSON_SUBPROTOCOL) ? JSON_SUBPROTOCOL : null);
        final Authenticator.Result auth = server.authenticator().authenticate(exchange, offered);
        final ErrorCode refusal = null != auth.error() ? auth.error() :
            (null != room && !auth.claims().mayJoin(room) ? ErrorCode.NOT_PERMITTED : null);
        if (null != refusal)
        {
            server.metrics().authFailure(io.roomwire.protocol.ErrorCodes.jsonName(refusal));
        }

        exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
        exchange.getResponseHeaders().put(SEC_WEBSOCKET_ACCEPT, WebSocketFrames.acceptKey(key));
        if (null != chosen)
        {
            exchange.getResponseHeaders().put(SEC_WEBSOCKET_PROTOCOL, chosen);
        }
        exchange.upgradeChannel((connection, upgraded) ->
            onUpgraded(connection, upgraded.getConnection(), auth, refusal, room, isBinary, address));
        exchange.endExchange();
    }

    private void onUpgraded(
        final StreamConnection connection,
        final ServerConnection http,
        final Authenticator.Result auth,
        final ErrorCode refusal,
        final String room,
        final boolean isBinary,
        final String address)
    {
        final IoLoop loop = server.loopOf(connection.getIoThread());
        final byte[] defaultRoom = null == room ? null : room.getBytes(StandardCharsets.US_ASCII);
        final WebSocketEndpoint endpoint = new WebSocketEndpoint(loop, connection, isBinary, defaultRoom, address);
        endpoint.takeOver(http);
        if (null != refusal)
        {
            endpoint.refuse(refusal);
            return;
        }

        final long sessionId = loop.gateway.openSession(
            auth.claims().userId(), auth.claims().joinPatterns(), auth.claims().publishPatterns());
        if (sessionId < 0)
        {
            endpoint.refuse(sessionId == Gateway.BACK_PRESSURED ? ErrorCode.BACK_PRESSURED : ErrorCode.SHUTTING_DOWN);
            return;
        }
        endpoint.open(sessionId);
        if (null != room && loop.gateway.join(sessionId, room, null) < 0)
        {
            endpoint.closeWith(io.roomwire.protocol.ErrorCodes.CLOSE_TRY_AGAIN_LATER, "back_pressured");
            endpoint.flush();
        }
        loop.afterInbound();
    }

    private static List<String> subprotocols(final HttpServerExchange exchange)
    {
        final List<String> protocols = new ArrayList<>();
        final io.undertow.util.HeaderValues values = exchange.getRequestHeaders().get(SEC_WEBSOCKET_PROTOCOL);
        if (null != values)
        {
            for (final String value : values)
            {
                for (final String protocol : value.split(","))
                {
                    if (!protocol.isBlank())
                    {
                        protocols.add(protocol.trim());
                    }
                }
            }
        }
        return protocols;
    }
}
