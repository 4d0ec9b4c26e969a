package io.roomwire.undertow;

import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Checks on client messages in the binary form before they reach the engine, and the errors that answer them.
 * <p>
 * Not thread safe: each I/O thread's {@link IoLoop} has its own, whose flyweights are reused so a valid message
 * allocates nothing; {@link #encodeError} is static and allocates (it answers refusals only).
 */
final class BinaryMessages
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final JoinDecoder joinDecoder = new JoinDecoder();
    private final LeaveDecoder leaveDecoder = new LeaveDecoder();
    private final PublishDecoder publishDecoder = new PublishDecoder();
    private final TypingCommandDecoder typingDecoder = new TypingCommandDecoder();

    /**
     * @param buffer holding a message from a binary client.
     * @param offset of its header.
     * @param length of the message.
     * @return null when it is a well-formed client message the engine may take, else why not.
     */
    ErrorCode validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return ErrorCode.MALFORMED;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID || header.version() > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return ErrorCode.UNSUPPORTED_VERSION;
        }
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        try
        {
            switch (templateId)
            {
                case JoinDecoder.TEMPLATE_ID:
                {
                    final JoinDecoder decoder = joinDecoder.wrap(buffer, body, blockLength, header.version());
                    decoder.skipRoom();
                    decoder.skipCorrelationId();
                    return fits(decoder.limit(), offset, length);
                }
                case LeaveDecoder.TEMPLATE_ID:
                {
                    final LeaveDecoder decoder = leaveDecoder.wrap(buffer, body, blockLength, header.version());
                    decoder.skipRoom();
                    decoder.skipCorrelationId();
                    return fits(decoder.limit(), offset, length);
                }
                case PublishDecoder.TEMPLATE_ID:
                {
                    final PublishDecoder decoder = publishDecoder.wrap(buffer, body, blockLength, header.version());
                    final PayloadFormat format = decoder.format();
                    decoder.skipRoom();
                    decoder.skipClientMessageId();
                    decoder.skipKey();
                    final int payloadLength = decoder.payloadLength();
                    final int payloadOffset = decoder.limit() + PublishDecoder.payloadHeaderLength();
                    final ErrorCode fit = fits(payloadOffset + payloadLength, offset, length);
                    if (null != fit)
                    {
                        return fit;
                    }
                    return format == PayloadFormat.JSON ?
                        JsonPayloads.validateObject(buffer, payloadOffset, payloadLength) : null;
                }
                case TypingCommandDecoder.TEMPLATE_ID:
                {
                    final TypingCommandDecoder decoder = typingDecoder.wrap(buffer, body, blockLength, header.version());
                    decoder.skipRoom();
                    return fits(decoder.limit(), offset, length);
                }
                case PingDecoder.TEMPLATE_ID:
                    return fits(body + blockLength, offset, length);
                default:
                    return ErrorCode.UNKNOWN_TYPE;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return ErrorCode.MALFORMED;
        }
    }

    private static ErrorCode fits(final int end, final int offset, final int length)
    {
        return end <= offset + length ? null : ErrorCode.MALFORMED;
    }

    /**
     * @param buffer holding a client message.
     * @param offset of its header.
     * @param length of the message.
     * @return its client message id or correlation id, or null.
     */
    String correlationId(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            header.wrap(buffer, offset);
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            switch (header.templateId())
            {
                case PublishDecoder.TEMPLATE_ID:
                {
                    final PublishDecoder decoder =
                        publishDecoder.wrap(buffer, body, header.blockLength(), header.version());
                    decoder.skipRoom();
                    return decoder.clientMessageId();
                }
                case JoinDecoder.TEMPLATE_ID:
                {
                    final JoinDecoder decoder = joinDecoder.wrap(buffer, body, header.blockLength(), header.version());
                    decoder.skipRoom();
                    return decoder.correlationId();
                }
                case LeaveDecoder.TEMPLATE_ID:
                {
                    final LeaveDecoder decoder = leaveDecoder.wrap(buffer, body, header.blockLength(), header.version());
                    decoder.skipRoom();
                    return decoder.correlationId();
                }
                default:
                    return null;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return null;
        }
    }

    /**
     * @param buffer holding a {@code Publish} or {@code TypingCommand}.
     * @param offset of its header.
     * @param length of the message.
     * @return the room it names, or null for another message.
     */
    String room(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            header.wrap(buffer, offset);
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            switch (header.templateId())
            {
                case PublishDecoder.TEMPLATE_ID:
                    return publishDecoder.wrap(buffer, body, header.blockLength(), header.version()).room();
                case TypingCommandDecoder.TEMPLATE_ID:
                    return typingDecoder.wrap(buffer, body, header.blockLength(), header.version()).room();
                default:
                    return null;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return null;
        }
    }

    /**
     * Encode an {@code Error} message.
     *
     * @param buffer        to encode into, at 0.
     * @param code          error.
     * @param correlationId of the refused request, or null.
     * @return length of the message, header included.
     */
    static int encodeError(final MutableDirectBuffer buffer, final ErrorCode code, final String correlationId)
    {
        final ErrorEncoder encoder = new ErrorEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .code(code)
            .room("")
            .correlationId(null == correlationId || !io.roomwire.protocol.Identifiers.isValidId(correlationId) ?
                "" : correlationId);
        final byte[] reason = ErrorCodes.description(code).getBytes(StandardCharsets.UTF_8);
        encoder.putReason(reason, 0, reason.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
