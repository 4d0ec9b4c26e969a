package io.roomwire.undertow;

import io.roomwire.protocol.JsonDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.PublishEncoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * {@code POST /rooms/{room}/messages}: publish one message (or a typing indicator) for clients on SSE or long
 * polling. The body is the client JSON form, protocol or seed; it goes to the engine through the user's
 * {@link HttpPublisher} on this I/O thread, and the answer is the engine's: {@code 200} with the ack, or the error's
 * status with the error.
 * <p>
 * Runs on the request's I/O thread; the id counter is thread confined to no thread, so it is atomic.
 */
final class PublishHandler implements HttpHandler
{
    private final RoomwireServer server;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    PublishHandler(final RoomwireServer server)
    {
        this.server = server;
    }

    public void handleRequest(final HttpServerExchange exchange)
    {
        final String room = RoomwireServer.pathRoom(exchange.getRelativePath(), "/rooms/", "/messages");
        final Authenticator.Result auth = Requests.admit(server, exchange, room, true, true);
        if (null == auth)
        {
            return;
        }
        final long contentLength = exchange.getRequestContentLength();
        if (contentLength > server.config().maxMessageLength())
        {
            // The body is left unread: the connection cannot carry another request, so say so and close it.
            server.metrics().limitHit("message_length");
            exchange.setPersistent(false);
            RoomwireServer.sendError(exchange, ErrorCode.MESSAGE_TOO_LARGE, null);
            return;
        }

        exchange.getRequestReceiver().receiveFullBytes(
            (received, body) -> received.dispatch(SameThreadExecutor.INSTANCE, () -> onBody(received, room, auth, body)),
            (received, error) ->
            {
                server.metrics().limitHit("message_length");
                received.setPersistent(false);
                RoomwireServer.sendError(received, ErrorCode.MESSAGE_TOO_LARGE, null);
            });
    }

    private void onBody(
        final HttpServerExchange exchange, final String room, final Authenticator.Result auth, final byte[] body)
    {
        final IoLoop loop = server.loopOf(exchange.getIoThread());
        if (body.length > server.config().maxMessageLength())
        {
            RoomwireServer.sendError(exchange, ErrorCode.MESSAGE_TOO_LARGE, null);
            return;
        }

        final JsonDecoder decoder = loop.jsonDecoder;
        int length = decoder.decodeClientMessage(body, 0, body.length, loop.sbeBuffer, 0,
            room.getBytes(StandardCharsets.US_ASCII));
        if (length < 0)
        {
            final UnsafeBuffer error = loop.errorBuffer;
            final int errorLength = decoder.error().encode(error, 0);
            final ExpandableArrayBuffer json = loop.jsonBuffer;
            final int jsonLength = loop.jsonEncoder.encode(error, 0, errorLength, json, 0);
            RoomwireServer.sendJson(exchange, io.roomwire.protocol.ErrorCodes.httpStatus(decoder.error().code()),
                json.byteArray(), jsonLength);
            return;
        }

        final int templateId = loop.sbeBuffer.getShort(2) & 0xFFFF;
        if (templateId != PublishDecoder.TEMPLATE_ID && templateId != TypingCommandDecoder.TEMPLATE_ID)
        {
            RoomwireServer.sendError(exchange, ErrorCode.UNKNOWN_TYPE, null);
            return;
        }

        if (!room.equals(loop.binaryMessages.room(loop.sbeBuffer, 0, length)))
        {
            RoomwireServer.sendError(exchange, ErrorCode.INVALID_ROOM, null);
            return;
        }

        String id = null;
        if (templateId == PublishDecoder.TEMPLATE_ID)
        {
            id = loop.binaryMessages.correlationId(loop.sbeBuffer, 0, length);
            if (null == id || id.isEmpty())
            {
                id = "http-" + Long.toString(ids.incrementAndGet(), 36);
                length = withClientMessageId(loop, length, id);
            }
        }

        final HttpPublisher publisher = HttpPublisher.of(loop, auth.claims());
        if (null == publisher)
        {
            RoomwireServer.sendError(exchange, ErrorCode.BACK_PRESSURED, id);
            return;
        }
        publisher.send(exchange, loop.sbeBuffer, length, id);
        if (templateId == TypingCommandDecoder.TEMPLATE_ID && !exchange.isComplete())
        {
            exchange.setStatusCode(StatusCodes.NO_CONTENT);
            exchange.endExchange();
        }
    }

    /**
     * Re-encode the publish in the loop's SBE buffer with a client message id, so the engine acknowledges it.
     */
    private static int withClientMessageId(final IoLoop loop, final int length, final String id)
    {
        final UnsafeBuffer source = new UnsafeBuffer(new byte[length]);
        source.putBytes(0, loop.sbeBuffer, 0, length);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(source, 0);
        final PublishDecoder decoder = new PublishDecoder().wrap(
            source, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final PublishEncoder encoder = new PublishEncoder()
            .wrapAndApplyHeader(loop.sbeBuffer, 0, new MessageHeaderEncoder())
            .kind(decoder.kind())
            .format(decoder.format())
            .room(decoder.room());
        decoder.skipClientMessageId();
        encoder.clientMessageId(id).key(decoder.key());
        final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
        decoder.wrapPayload(payload);
        encoder.putPayload(payload, 0, payload.capacity());
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
