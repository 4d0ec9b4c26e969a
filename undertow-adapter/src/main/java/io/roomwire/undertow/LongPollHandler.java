package io.roomwire.undertow;

import io.roomwire.protocol.codec.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code GET /poll/{room}?after=E-S&sid=S}: long polling. A {@code sid} names the I/O thread that owns the session
 * ({@code <thread number>.<random>}), and a poll is served there whichever connection, and so I/O thread, it arrived
 * on: the exchange is dispatched to the owner, which answers it. The session is used when it is of the same user (or,
 * in dev mode, a guest's session and the poll has no token: every request without a token would otherwise be a new
 * guest); a poll with no {@code sid}, or one that is unknown (expired, another node), opens a session that joins the
 * room resuming after {@code after}, so polls lose nothing and repeat nothing wherever they land. See
 * {@link LongPollEndpoint}.
 * <p>
 * Admission runs on the request's I/O thread, the rest on the owner's; its random generator is thread safe.
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

        final String sid = Requests.query(exchange, "sid");
        final IoLoop owner = server.loopOfLongPollSession(sid);
        final IoLoop loop = null != owner ? owner : server.loopOf(exchange.getIoThread());
        if (loop.thread() == exchange.getIoThread())
        {
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> poll(exchange, loop, room, auth, after, sid));
        }
        else
        {
            exchange.dispatch(loop.thread(), () -> poll(exchange, loop, room, auth, after, sid));
        }
    }

    /**
     * Serve a poll on the I/O thread that owns its session (or this request's thread for a new one).
     */
    private void poll(
        final HttpServerExchange exchange,
        final IoLoop loop,
        final String room,
        final Authenticator.Result auth,
        final long[] after,
        final String sid)
    {
        LongPollEndpoint endpoint = null == sid ? null : loop.longPollBySid.get(sid);
        if (null != endpoint && (!endpoint.room().equals(room) || (auth.isGuest() ? !endpoint.isGuest() :
            endpoint.isGuest() || !endpoint.userId().equals(auth.claims().userId()))))
        {
            endpoint = null;
        }

        if (null == endpoint)
        {
            final String address = server.acquireConnection(RoomwireServer.remoteAddress(exchange));
            if (null == address)
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

            loop.afterInbound();
            final byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            endpoint = new LongPollEndpoint(loop, loop.thread().getNumber() + "." + HexFormat.of().formatHex(bytes),
                room, auth.claims().userId(), auth.isGuest(), sessionId, address);
            endpoint.open();
        }

        endpoint.poll(exchange, null == after ? -1 : after[1]);
    }
}
