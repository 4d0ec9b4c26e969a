package io.roomwire.undertow;

import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PresenceDecoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.agrona.DirectBuffer;

import java.util.Deque;

/**
 * Checks shared by the HTTP endpoints (SSE, long polling, publishing), and reading of room records' headers.
 * <p>
 * Stateless; safe from any thread.
 */
final class Requests
{
    /**
     * Offset of a record's epoch from the start of its binary form, the same for Deliver and Presence.
     */
    static final int EPOCH_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + DeliverDecoder.epochEncodingOffset();

    /**
     * Offset of a record's seq from the start of its binary form, the same for Deliver and Presence.
     */
    static final int SEQ_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + DeliverDecoder.seqEncodingOffset();

    private static final int KIND_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + DeliverDecoder.kindEncodingOffset();

    private Requests()
    {
    }

    /**
     * Authenticate a request for a room and check what must hold before a connection or publish is accepted: method,
     * room syntax, origin, shutdown, token and grant. Answers the request itself when refused.
     *
     * @param server    the node.
     * @param exchange  the request.
     * @param room      from the path, possibly invalid.
     * @param isPublish whether the request publishes (else it joins).
     * @param isPost    whether the method must be POST (else GET).
     * @return the authentication when accepted, or null when the request was answered with an error.
     */
    static Authenticator.Result admit(
        final RoomwireServer server,
        final HttpServerExchange exchange,
        final String room,
        final boolean isPublish,
        final boolean isPost)
    {
        if (!exchange.getRequestMethod().equals(isPost ? Methods.POST : Methods.GET))
        {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.endExchange();
            return null;
        }
        if (null == room || !Identifiers.isValidRoom(room))
        {
            RoomwireServer.sendError(exchange, ErrorCode.INVALID_ROOM, null);
            return null;
        }
        if (!server.isOriginAllowed(exchange))
        {
            server.metrics().authFailure("origin_not_allowed");
            RoomwireServer.sendError(exchange, ErrorCode.ORIGIN_NOT_ALLOWED, null);
            return null;
        }
        if (server.isClosed())
        {
            RoomwireServer.sendError(exchange, ErrorCode.SHUTTING_DOWN, null);
            return null;
        }

        final Authenticator.Result auth = server.authenticator().authenticate(exchange, java.util.List.of());
        ErrorCode refusal = auth.error();
        if (null == refusal && !(isPublish ? auth.claims().mayPublish(room) : auth.claims().mayJoin(room)))
        {
            refusal = ErrorCode.NOT_PERMITTED;
        }
        if (null != refusal)
        {
            server.metrics().authFailure(io.roomwire.protocol.ErrorCodes.jsonName(refusal));
            RoomwireServer.sendError(exchange, refusal, null);
            return null;
        }

        return auth;
    }

    /**
     * @param exchange the request.
     * @param name     of a query parameter.
     * @return its first value, or null.
     */
    static String query(final HttpServerExchange exchange, final String name)
    {
        final Deque<String> values = exchange.getQueryParameters().get(name);
        return null == values ? null : values.peekFirst();
    }

    /**
     * Parse an {@code epoch-seq} resume point.
     *
     * @param text such as {@code 1711000000000-42}.
     * @return {@code {epoch, seq}}, or null when absent or malformed.
     */
    static long[] parseResumePoint(final String text)
    {
        if (null == text)
        {
            return null;
        }
        final int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1)
        {
            return null;
        }
        try
        {
            final long epoch = Long.parseLong(text.substring(0, dash));
            final long seq = Long.parseLong(text.substring(dash + 1));
            return epoch >= 0 && seq >= 0 ? new long[]{ epoch, seq } : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /**
     * @param buffer holding a room record.
     * @param offset of its binary form.
     * @return its type in the JSON form: the kind of a Deliver, or {@code presence}.
     */
    static String recordType(final DirectBuffer buffer, final int offset)
    {
        final int templateId = buffer.getShort(offset + 2) & 0xFFFF;
        if (templateId == PresenceDecoder.TEMPLATE_ID)
        {
            return "presence";
        }
        final MessageKind kind = MessageKind.get(buffer.getByte(offset + KIND_OFFSET));
        return kind == MessageKind.MESSAGE ? "message" : (kind == MessageKind.SYSTEM ? "system" : "text");
    }

    /**
     * @param templateId of a control message.
     * @return its type in the JSON form, for an SSE {@code event:} line.
     */
    static String controlType(final int templateId)
    {
        switch (templateId)
        {
            case io.roomwire.protocol.codec.JoinedDecoder.TEMPLATE_ID:
                return "join";
            case io.roomwire.protocol.codec.PresenceSnapshotDecoder.TEMPLATE_ID:
                return "presence";
            case io.roomwire.protocol.codec.AckDecoder.TEMPLATE_ID:
                return "ack";
            case io.roomwire.protocol.codec.TypingDecoder.TEMPLATE_ID:
                return "typing";
            case io.roomwire.protocol.codec.ErrorDecoder.TEMPLATE_ID:
                return "error";
            case io.roomwire.protocol.codec.ResyncDecoder.TEMPLATE_ID:
                return "resume";
            case io.roomwire.protocol.codec.PongDecoder.TEMPLATE_ID:
                return "pong";
            case io.roomwire.protocol.codec.LeftDecoder.TEMPLATE_ID:
                return "leave";
            default:
                return "system";
        }
    }
}
