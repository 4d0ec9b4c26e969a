package io.roomwire.undertow;

import io.roomwire.engine.Gateway;
import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.roomwire.undertow.auth.Claims;
import io.undertow.server.HttpServerExchange;
import org.agrona.DirectBuffer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The engine session through which one user publishes over HTTP on one I/O thread: kept between requests so the
 * engine's per-session publish rate applies to the user, and closed after a minute without requests. Each request
 * waits for the engine's ack or error of its message id.
 * <p>
 * Not thread safe: owned by its I/O thread.
 */
final class HttpPublisher extends Endpoint
{
    private static final long IDLE_CLOSE_NS = 60_000_000_000L;

    private final String userId;
    private final Map<String, Pending> pendingById = new HashMap<>();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private long lastUsedNs = System.nanoTime();

    private static final class Pending
    {
        final HttpServerExchange exchange;
        final long deadlineNs;

        Pending(final HttpServerExchange exchange, final long deadlineNs)
        {
            this.exchange = exchange;
            this.deadlineNs = deadlineNs;
        }
    }

    private HttpPublisher(final IoLoop loop, final String userId, final long sessionId)
    {
        super(loop);
        this.flushState = ALWAYS_BATCHED;
        this.userId = userId;
        this.sessionId = sessionId;
    }

    /**
     * @param loop   of this I/O thread.
     * @param claims of the user.
     * @return the user's publisher on this thread, opened if needed; null when the engine is back-pressured.
     */
    static HttpPublisher of(final IoLoop loop, final Claims claims)
    {
        HttpPublisher publisher = loop.publisherByUser.get(claims.userId());
        if (null == publisher)
        {
            final long sessionId = loop.gateway.openSession(claims.userId(), claims.joinPatterns(), claims.publishPatterns());
            if (sessionId < 0)
            {
                return null;
            }
            publisher = new HttpPublisher(loop, claims.userId(), sessionId);
            loop.publisherByUser.put(claims.userId(), publisher);
            loop.register(publisher);
        }

        return publisher;
    }

    String transport()
    {
        return "http";
    }

    /**
     * Send a decoded client message; a publish waits for its answer.
     */
    void send(final HttpServerExchange exchange, final DirectBuffer message, final int length, final String id)
    {
        lastUsedNs = System.nanoTime();
        final long result = loop.gateway.offer(sessionId, message, 0, length);
        if (result < 0)
        {
            RoomwireServer.sendError(exchange, result == Gateway.BACK_PRESSURED ? ErrorCode.BACK_PRESSURED :
                ErrorCode.MALFORMED, id);
            return;
        }
        loop.afterInbound();
        if (null != id)
        {
            final Pending previous = pendingById.put(id, new Pending(exchange, lastUsedNs + loop.config.publishTimeoutNs()));
            if (null != previous)
            {
                RoomwireServer.sendError(previous.exchange, ErrorCode.INVALID_ID, id);
            }
        }
    }

    void onControl(final DirectBuffer buffer, final int offset, final int length)
    {
        headerDecoder.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        String id = null;
        if (headerDecoder.templateId() == AckDecoder.TEMPLATE_ID)
        {
            ackDecoder.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
            ackDecoder.skipRoom();
            id = ackDecoder.clientMessageId();
        }
        else if (headerDecoder.templateId() == ErrorDecoder.TEMPLATE_ID)
        {
            errorDecoder.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
            errorDecoder.skipRoom();
            id = errorDecoder.correlationId();
        }
        else if (headerDecoder.templateId() == SessionClosedDecoder.TEMPLATE_ID)
        {
            failAll(ErrorCode.UNKNOWN_SESSION);
            forget();
            return;
        }

        final Pending pending = null == id ? null : pendingById.remove(id);
        if (null != pending)
        {
            final int jsonLength = loop.jsonEncoder.encode(buffer, offset, length, loop.jsonBuffer, 0);
            final int status = headerDecoder.templateId() == AckDecoder.TEMPLATE_ID ? 200 :
                ErrorCodes.httpStatus(ErrorCode.get(buffer.getShort(body + ErrorDecoder.codeEncodingOffset()) & 0xFFFF));
            RoomwireServer.sendJson(pending.exchange, status, loop.jsonBuffer.byteArray(), jsonLength);
        }
    }

    boolean onRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        return true;
    }

    void flush()
    {
    }

    void onTick(final long nowNs)
    {
        final Iterator<Pending> iterator = pendingById.values().iterator();
        while (iterator.hasNext())
        {
            final Pending pending = iterator.next();
            if (nowNs >= pending.deadlineNs)
            {
                iterator.remove();
                RoomwireServer.sendError(pending.exchange, ErrorCode.BACK_PRESSURED, null);
            }
        }
        if (pendingById.isEmpty() && nowNs - lastUsedNs > IDLE_CLOSE_NS)
        {
            forget();
            loop.gateway.closeSession(sessionId);
        }
    }

    void shutdown()
    {
        failAll(ErrorCode.SHUTTING_DOWN);
        forget();
        loop.gateway.closeSession(sessionId);
    }

    void fail()
    {
        failAll(ErrorCode.INTERNAL_ERROR);
        forget();
        loop.gateway.closeSession(sessionId);
    }

    private void failAll(final ErrorCode code)
    {
        for (final Map.Entry<String, Pending> entry : pendingById.entrySet())
        {
            RoomwireServer.sendError(entry.getValue().exchange, code, entry.getKey());
        }
        pendingById.clear();
    }

    private void forget()
    {
        loop.publisherByUser.remove(userId, this);
        loop.unregister(this);
    }
}
