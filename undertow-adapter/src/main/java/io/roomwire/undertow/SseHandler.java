package io.roomwire.undertow;

import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;

/**
 * {@code GET /events/{room}}: a Server-Sent Events stream of one room, resuming after {@code Last-Event-ID} (header,
 * or {@code lastEventId} query parameter). See {@link SseEndpoint}.
 * <p>
 * Runs on the request's I/O thread; stateless apart from the server it belongs to.
 */
final class SseHandler implements HttpHandler
{
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");
    private static final HttpString X_ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");

    private final RoomwireServer server;

    SseHandler(final RoomwireServer server)
    {
        this.server = server;
    }

    public void handleRequest(final HttpServerExchange exchange)
    {
        final String room = RoomwireServer.pathRoom(exchange.getRelativePath(), "/events/", "");
        final Authenticator.Result auth = Requests.admit(server, exchange, room, false, false);
        if (null == auth)
        {
            return;
        }

        String lastEventId = exchange.getRequestHeaders().getFirst(LAST_EVENT_ID);
        if (null == lastEventId)
        {
            lastEventId = Requests.query(exchange, "lastEventId");
        }
        long[] resume = Requests.parseResumePoint(lastEventId);
        if (null == resume && "all".equals(Requests.query(exchange, "history")))
        {
            resume = new long[]{ 0, 0 };
        }

        final String address = server.acquireConnection(RoomwireServer.remoteAddress(exchange));
        if (null == address)
        {
            RoomwireServer.sendError(exchange, ErrorCode.TOO_MANY_CONNECTIONS, null);
            return;
        }

        final IoLoop loop = server.loopOf(exchange.getIoThread());
        final Gateway gateway = loop.gateway;
        final long sessionId = gateway.openSession(
            auth.claims().userId(), auth.claims().joinPatterns(), auth.claims().publishPatterns());
        if (sessionId < 0)
        {
            server.releaseConnection(address);
            RoomwireServer.sendError(exchange, ErrorCode.BACK_PRESSURED, null);
            return;
        }

        final long result = null == resume ? gateway.join(sessionId, room, null) :
            gateway.join(sessionId, room, resume[0], resume[1], null);
        if (result < 0)
        {
            gateway.closeSession(sessionId);
            server.releaseConnection(address);
            RoomwireServer.sendError(exchange, ErrorCode.BACK_PRESSURED, null);
            return;
        }

        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(X_ACCEL_BUFFERING, "no");
        exchange.setPersistent(false);
        loop.afterInbound();
        final SseEndpoint endpoint = new SseEndpoint(loop, exchange, sessionId, address);
        exchange.dispatch(SameThreadExecutor.INSTANCE, endpoint::start);
    }
}
