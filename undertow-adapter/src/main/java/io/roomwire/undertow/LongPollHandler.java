package io.roomwire.undertow;

import io.roomwire.protocol.codec.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code GET /poll/{room}?after=E-S&sid=S}: long polling. A poll finds its session by {@code sid} on the I/O thread
 * it arrives on; a poll with no {@code sid}, or one that is unknown here (expired, another thread, another node),
 * opens a session that joins the room resuming after {@code after}, so polls lose nothing and repeat nothing wherever
 * they land. See {@link LongPollEndpoint}.
 * <p>
 * Runs on the request's I/O thread; its random generator is thread safe.
 */
final class LongPollHandler implements HttpHandler
{
    private final RoomwireServer server;
    private final SecureRandom random = new SecureRandom();

    LongPollHandler(final RoomwireServer server)
    {
        this.server = server;
    }

    public void handleRequest(final HttpServerExchange exchange)
    {
        final String room = RoomwireServer.pathRoom(exchange.getRelativePath(), "/poll/", "");
        final Authenticator.Result auth = Requests.admit(server, exchange, room, false, false);
        if (null == auth)
        {
            return;
        }

        final String afterText = Requests.query(exchange, "after");
        final long[] after = Requests.parseResumePoint(afterText);
        if (null != afterText && null == after)
        {
            RoomwireServer.sendError(exchange, ErrorCode.WRONG_FIELD_TYPE, null);
            return;
        }

        final IoLoop loop = server.loopOf(exchange.getIoThread());
        final String sid = Requests.query(exchange, "sid");
        LongPollEndpoint endpoint = null == sid ? null : loop.longPollBySid.get(sid);
        if (null != endpoint && (!endpoint.room().equals(room) || !endpoint.userId().equals(auth.claims().userId())))
        {
            endpoint = null;
        }

        if (null == endpoint)
        {
            final String address = RoomwireServer.remoteAddress(exchange);
            if (!server.acquireConnection(address))
            {
                RoomwireServer.sendError(exchange, ErrorCode.TOO_MANY_CONNECTIONS, null);
                return;
            }
            final long sessionId = loop.gateway.openSession(
                auth.claims().userId(), auth.claims().joinPatterns(), auth.claims().publishPatterns());
            final long joined = sessionId < 0 ? sessionId : (null == after ? loop.gateway.join(sessionId, room, null) :
                loop.gateway.join(sessionId, room, after[0], after[1], null));
            if (joined < 0)
            {
                if (sessionId > 0)
                {
                    loop.gateway.closeSession(sessionId);
                }
                server.releaseConnection(address);
                RoomwireServer.sendError(exchange, ErrorCode.BACK_PRESSURED, null);
                return;
            }

            final byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            endpoint = new LongPollEndpoint(
                loop, HexFormat.of().formatHex(bytes), room, auth.claims().userId(), sessionId, address);
            endpoint.open();
            if (null != sid)
            {
                server.closeLongPollSession(sid, loop);
            }
        }

        final LongPollEndpoint held = endpoint;
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> held.poll(exchange, null == after ? -1 : after[1]));
    }
}
