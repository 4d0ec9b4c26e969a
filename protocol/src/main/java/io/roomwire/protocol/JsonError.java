package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Why a {@link JsonDecoder} refused a JSON message: the {@link ErrorCode}, a short reason, and the correlation id and
 * room the message named before the failure was found, so that the answer can carry them. The decoder owns one
 * instance and overwrites it on every failed decode; copy what must outlive the next decode.
 * <p>
 * Reasons are constant strings, so reading them allocates nothing; {@link #encode(MutableDirectBuffer, int)} writes
 * the SBE {@code Error} answer without allocating.
 * <p>
 * Not thread safe: one instance per thread (it belongs to the decoder that fills it).
 */
public final class JsonError
{
    private static final int MAX_REASON_BYTES = 16384;

    private final byte[] correlationId = new byte[Identifiers.MAX_LENGTH];
    private final byte[] room = new byte[Identifiers.MAX_LENGTH];
    private final UnsafeBuffer correlationIdBuffer = new UnsafeBuffer(correlationId, 0, 0);
    private final UnsafeBuffer roomBuffer = new UnsafeBuffer(room, 0, 0);
    private final ExpandableArrayBuffer reasonScratch = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();

    private ErrorCode code = ErrorCode.NULL_VAL;
    private String reason = "";
    private int correlationIdLength;
    private int roomLength;

    JsonError()
    {
    }

    /**
     * @return the error code, or {@link ErrorCode#NULL_VAL} when no decode has failed yet.
     */
    public ErrorCode code()
    {
        return code;
    }

    /**
     * @return a short human-readable reason, possibly naming the field at fault; never null.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return length in bytes of the correlation id (the message's {@code id}) captured before the failure, 0 when
     * none was.
     */
    public int correlationIdLength()
    {
        return correlationIdLength;
    }

    /**
     * Copy the captured correlation id.
     *
     * @param dst       to copy into.
     * @param dstOffset of the first byte.
     * @return number of bytes copied, {@link #correlationIdLength()}.
     */
    public int getCorrelationId(final byte[] dst, final int dstOffset)
    {
        System.arraycopy(correlationId, 0, dst, dstOffset, correlationIdLength);
        return correlationIdLength;
    }

    /**
     * Copy the captured correlation id.
     *
     * @param dst       to copy into.
     * @param dstOffset of the first byte.
     * @return number of bytes copied, {@link #correlationIdLength()}.
     */
    public int getCorrelationId(final MutableDirectBuffer dst, final int dstOffset)
    {
        dst.putBytes(dstOffset, correlationId, 0, correlationIdLength);
        return correlationIdLength;
    }

    /**
     * @return a view of the captured correlation id: its capacity is {@link #correlationIdLength()} and its bytes
     * start at index 0. Valid until the next decode.
     */
    public DirectBuffer correlationIdBuffer()
    {
        return correlationIdBuffer;
    }

    /**
     * @return length in bytes of the room captured before the failure, 0 when none was.
     */
    public int roomLength()
    {
        return roomLength;
    }

    /**
     * Copy the captured room.
     *
     * @param dst       to copy into.
     * @param dstOffset of the first byte.
     * @return number of bytes copied, {@link #roomLength()}.
     */
    public int getRoom(final byte[] dst, final int dstOffset)
    {
        System.arraycopy(room, 0, dst, dstOffset, roomLength);
        return roomLength;
    }

    /**
     * Copy the captured room.
     *
     * @param dst       to copy into.
     * @param dstOffset of the first byte.
     * @return number of bytes copied, {@link #roomLength()}.
     */
    public int getRoom(final MutableDirectBuffer dst, final int dstOffset)
    {
        dst.putBytes(dstOffset, room, 0, roomLength);
        return roomLength;
    }

    /**
     * @return a view of the captured room: its capacity is {@link #roomLength()} and its bytes start at index 0.
     * Valid until the next decode.
     */
    public DirectBuffer roomBuffer()
    {
        return roomBuffer;
    }

    /**
     * Write the SBE {@code Error} message (header included) that answers the refused message: code, room,
     * correlation id and reason.
     *
     * @param dst    to write into; it needs room for the header, the block, both identifiers and the reason.
     * @param offset at which the message header starts.
     * @return length of the message written, header included.
     */
    public int encode(final MutableDirectBuffer dst, final int offset)
    {
        errorEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .code(code)
            .putRoom(room, 0, roomLength)
            .putCorrelationId(correlationId, 0, correlationIdLength);

        final int reasonLength = reasonBytes();
        errorEncoder.putReason(reasonScratch, 0, reasonLength);

        return MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "JsonError{code=" + code +
            ", reason='" + reason + '\'' +
            ", correlationId='" + new String(correlationId, 0, correlationIdLength, StandardCharsets.US_ASCII) + '\'' +
            ", room='" + new String(room, 0, roomLength, StandardCharsets.US_ASCII) + '\'' +
            '}';
    }

    void reset()
    {
        code = ErrorCode.NULL_VAL;
        reason = "";
        correlationIdLength(0);
        roomLength(0);
    }

    void set(final ErrorCode code, final String reason)
    {
        this.code = code;
        this.reason = reason;
    }

    void correlationId(final byte[] src, final int srcOffset, final int length)
    {
        System.arraycopy(src, srcOffset, correlationId, 0, length);
        correlationIdLength(length);
    }

    void room(final byte[] src, final int srcOffset, final int length)
    {
        System.arraycopy(src, srcOffset, room, 0, length);
        roomLength(length);
    }

    private void correlationIdLength(final int length)
    {
        correlationIdLength = length;
        correlationIdBuffer.wrap(correlationId, 0, length);
    }

    private void roomLength(final int length)
    {
        roomLength = length;
        roomBuffer.wrap(room, 0, length);
    }

    private int reasonBytes()
    {
        final String reason = this.reason;
        final int length = reason.length();
        for (int i = 0; i < length; i++)
        {
            final char c = reason.charAt(i);
            if (c >= 0x80)
            {
                final byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
                final int utf8Length = Math.min(utf8.length, MAX_REASON_BYTES);
                reasonScratch.putBytes(0, utf8, 0, utf8Length);
                return utf8Length;
            }
        }

        final int asciiLength = Math.min(length, MAX_REASON_BYTES);
        for (int i = 0; i < asciiLength; i++)
        {
            reasonScratch.putByte(i, (byte)reason.charAt(i));
        }

        return asciiLength;
    }
}
