package io.roomwire.protocol;

import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.ConnectDecoder;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PongDecoder;
import io.roomwire.protocol.codec.PresenceDecoder;
import io.roomwire.protocol.codec.PresenceSnapshotDecoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.ResyncDecoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import io.roomwire.protocol.codec.TypingDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Renders SBE messages in the JSON form of docs/protocol.md: every client to server message (for clients, tests and
 * load generators) and every server to client message (for browsers, on the per-record path). The engine commands
 * (template ids 40-59) have no JSON form.
 * <p>
 * Decoders are flyweights held in fields and the output is written with a {@link JsonWriter}, so a call allocates
 * nothing. The message is checked before it is read: every length it declares must fit in the given range, and its
 * enumerations must hold known values; a message that fails is not rendered ({@code -1}), never read out of bounds.
 * Identifiers (rooms, user ids, correlation ids, keys) are copied between quotes as they are: the engine only holds
 * identifiers checked by {@link Identifiers}, which need no escaping.
 * <p>
 * Not thread safe: one instance per thread.
 */
public final class JsonEncoder
{
    /**
     * Length of the SBE message header that precedes every message.
     */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    private static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private static final byte VAR16 = 1;
    private static final byte VAR32 = 2;
    private static final byte GROUP_OF_VAR16 = 3;
    private static final int TEMPLATE_LIMIT = 64;
    private static final byte[][] LAYOUTS = new byte[TEMPLATE_LIMIT][];
    private static final int[] BLOCK_LENGTHS = new int[TEMPLATE_LIMIT];

    private static final short FORMAT_JSON = 1;
    private static final short FORMAT_BINARY = 2;
    private static final int ERROR_CODE_LIMIT = 64;
    private static final ErrorCode[] ERROR_CODES = new ErrorCode[ERROR_CODE_LIMIT];

    static
    {
        layout(ConnectDecoder.TEMPLATE_ID, ConnectDecoder.BLOCK_LENGTH, VAR16);
        layout(JoinDecoder.TEMPLATE_ID, JoinDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(LeaveDecoder.TEMPLATE_ID, LeaveDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(PublishDecoder.TEMPLATE_ID, PublishDecoder.BLOCK_LENGTH, VAR16, VAR16, VAR16, VAR32);
        layout(TypingCommandDecoder.TEMPLATE_ID, TypingCommandDecoder.BLOCK_LENGTH, VAR16);
        layout(PingDecoder.TEMPLATE_ID, PingDecoder.BLOCK_LENGTH);
        layout(ConnectedDecoder.TEMPLATE_ID, ConnectedDecoder.BLOCK_LENGTH, VAR16);
        layout(JoinedDecoder.TEMPLATE_ID, JoinedDecoder.BLOCK_LENGTH, GROUP_OF_VAR16, VAR16, VAR16);
        layout(PresenceSnapshotDecoder.TEMPLATE_ID, PresenceSnapshotDecoder.BLOCK_LENGTH, GROUP_OF_VAR16, VAR16);
        layout(DeliverDecoder.TEMPLATE_ID, DeliverDecoder.BLOCK_LENGTH, VAR16, VAR16, VAR16, VAR32);
        layout(PresenceDecoder.TEMPLATE_ID, PresenceDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(AckDecoder.TEMPLATE_ID, AckDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(TypingDecoder.TEMPLATE_ID, TypingDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(ErrorDecoder.TEMPLATE_ID, ErrorDecoder.BLOCK_LENGTH, VAR16, VAR16, VAR16);
        layout(ResyncDecoder.TEMPLATE_ID, ResyncDecoder.BLOCK_LENGTH, VAR16);
        layout(PongDecoder.TEMPLATE_ID, PongDecoder.BLOCK_LENGTH);
        layout(LeftDecoder.TEMPLATE_ID, LeftDecoder.BLOCK_LENGTH, VAR16, VAR16);
        layout(SessionClosedDecoder.TEMPLATE_ID, SessionClosedDecoder.BLOCK_LENGTH, VAR16);

        for (final ErrorCode code : ErrorCode.values())
        {
            if (code != ErrorCode.NULL_VAL && code.value() < ERROR_CODE_LIMIT)
            {
                ERROR_CODES[code.value()] = code;
            }
        }
    }

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final JoinDecoder joinDecoder = new JoinDecoder();
    private final LeaveDecoder leaveDecoder = new LeaveDecoder();
    private final PublishDecoder publishDecoder = new PublishDecoder();
    private final TypingCommandDecoder typingCommandDecoder = new TypingCommandDecoder();
    private final PingDecoder pingDecoder = new PingDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final JoinedDecoder joinedDecoder = new JoinedDecoder();
    private final PresenceSnapshotDecoder presenceSnapshotDecoder = new PresenceSnapshotDecoder();
    private final DeliverDecoder deliverDecoder = new DeliverDecoder();
    private final PresenceDecoder presenceDecoder = new PresenceDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final TypingDecoder typingDecoder = new TypingDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final ResyncDecoder resyncDecoder = new ResyncDecoder();
    private final PongDecoder pongDecoder = new PongDecoder();
    private final LeftDecoder leftDecoder = new LeftDecoder();
    private final SessionClosedDecoder sessionClosedDecoder = new SessionClosedDecoder();

    private final JsonWriter writer = new JsonWriter();
    private final UnsafeBuffer room = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
    private final UnsafeBuffer id = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
    private final UnsafeBuffer user = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
    private final UnsafeBuffer key = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
    private final UnsafeBuffer data = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);

    /**
     * An upper bound of the JSON length of a message of a given binary length, for sizing a fixed destination
     * buffer. Escaped control characters in a reason grow six-fold; everything else grows less.
     *
     * @param binaryLength length of the SBE message, header included.
     * @return the most bytes {@link #encode(DirectBuffer, int, int, MutableDirectBuffer, int)} can write for it.
     */
    public static int maxJsonLength(final int binaryLength)
    {
        return 6 * binaryLength + 512;
    }

    /**
     * Render one SBE message as JSON.
     *
     * @param src       holding the message.
     * @param offset    of the message header.
     * @param length    of the message, header included.
     * @param dst       to write the JSON text into: an expandable buffer, or one with at least
     *                  {@link #maxJsonLength(int)} bytes from {@code dstOffset}.
     * @param dstOffset of the first JSON byte.
     * @return number of JSON bytes written, or -1 when the message has no JSON form: an engine command, a template,
     * schema id or version that is not ours, a message that does not fit in {@code length}, an enumeration value
     * outside the schema, or a {@code Publish} whose payload is not a JSON object (the client JSON form carries
     * only JSON objects).
     */
    public int encode(
        final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        if (length < HEADER_LENGTH || offset < 0 || length > src.capacity() - offset)
        {
            return -1;
        }

        final MessageHeaderDecoder header = headerDecoder.wrap(src, offset);
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int version = header.version();
        if (header.schemaId() != SCHEMA_ID || version != SCHEMA_VERSION ||
            templateId >= TEMPLATE_LIMIT || null == LAYOUTS[templateId] ||
            blockLength < BLOCK_LENGTHS[templateId] ||
            !fits(src, offset + HEADER_LENGTH + blockLength, offset + length, LAYOUTS[templateId]))
        {
            return -1;
        }

        final int bodyOffset = offset + HEADER_LENGTH;
        final JsonWriter writer = this.writer.wrap(dst, dstOffset);
        final boolean rendered;
        switch (templateId)
        {
            case ConnectDecoder.TEMPLATE_ID:
                rendered = connect(connectDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case JoinDecoder.TEMPLATE_ID:
                rendered = join(joinDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case LeaveDecoder.TEMPLATE_ID:
                rendered = leave(leaveDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case PublishDecoder.TEMPLATE_ID:
                rendered = publish(publishDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case TypingCommandDecoder.TEMPLATE_ID:
                rendered = typingCommand(typingCommandDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case PingDecoder.TEMPLATE_ID:
                rendered = ping(pingDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case ConnectedDecoder.TEMPLATE_ID:
                rendered = connected(connectedDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case JoinedDecoder.TEMPLATE_ID:
                rendered = joined(joinedDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case PresenceSnapshotDecoder.TEMPLATE_ID:
                rendered = presenceSnapshot(
                    presenceSnapshotDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case DeliverDecoder.TEMPLATE_ID:
                rendered = deliver(deliverDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case PresenceDecoder.TEMPLATE_ID:
                rendered = presence(presenceDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case AckDecoder.TEMPLATE_ID:
                rendered = ack(ackDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case TypingDecoder.TEMPLATE_ID:
                rendered = typing(typingDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case ErrorDecoder.TEMPLATE_ID:
                rendered = error(errorDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case ResyncDecoder.TEMPLATE_ID:
                rendered = resync(resyncDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case PongDecoder.TEMPLATE_ID:
                rendered = pong(pongDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case LeftDecoder.TEMPLATE_ID:
                rendered = left(leftDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            case SessionClosedDecoder.TEMPLATE_ID:
                rendered = sessionClosed(sessionClosedDecoder.wrap(src, bodyOffset, blockLength, version), writer);
                break;

            default:
                rendered = false;
        }

        return rendered ? writer.length() : -1;
    }

    private boolean connect(final ConnectDecoder decoder, final JsonWriter writer)
    {
        final int version = decoder.protocolVersion();
        decoder.wrapToken(data);
        writer.raw("{\"type\":\"connect\",\"data\":{\"version\":").number(version)
            .raw(",\"token\":").utf8String(data, 0, data.capacity())
            .raw("}}");

        return true;
    }

    private boolean join(final JoinDecoder decoder, final JsonWriter writer)
    {
        final long resumeEpoch = decoder.resumeEpoch();
        final long resumeSeq = decoder.resumeSeq();
        final boolean resume =
            resumeEpoch != JoinDecoder.resumeEpochNullValue() && resumeSeq != JoinDecoder.resumeSeqNullValue();
        decoder.wrapRoom(room);
        decoder.wrapCorrelationId(id);

        writer.raw(resume ? "{\"type\":\"resume\"" : "{\"type\":\"join\"");
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity());
        if (resume)
        {
            writer.raw(",\"data\":{\"epoch\":").number(resumeEpoch).raw(",\"seq\":").number(resumeSeq).raw('}');
        }
        writer.raw('}');

        return true;
    }

    private boolean leave(final LeaveDecoder decoder, final JsonWriter writer)
    {
        decoder.wrapRoom(room);
        decoder.wrapCorrelationId(id);

        writer.raw("{\"type\":\"leave\"");
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity()).raw('}');

        return true;
    }

    private boolean publish(final PublishDecoder decoder, final JsonWriter writer)
    {
        final String type = kindType(decoder.kindRaw());
        final short format = decoder.formatRaw();
        decoder.wrapRoom(room);
        decoder.wrapClientMessageId(id);
        decoder.wrapKey(key);
        decoder.wrapPayload(data);

        final int start = trimStart(data);
        final int end = trimEnd(data, start);
        if (null == type || !isJsonObject(format, data, start, end))
        {
            return false;
        }

        writer.raw(type);
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity());
        optionalKey(writer);
        writer.raw(",\"data\":").raw(data, start, end - start).raw('}');

        return true;
    }

    private boolean typingCommand(final TypingCommandDecoder decoder, final JsonWriter writer)
    {
        final short isTyping = decoder.isTypingRaw();
        if (isTyping > 1)
        {
            return false;
        }
        decoder.wrapRoom(room);

        writer.raw("{\"type\":\"typing\",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"typing\":").bool(isTyping == 1).raw("}}");

        return true;
    }

    private boolean ping(final PingDecoder decoder, final JsonWriter writer)
    {
        writer.raw("{\"type\":\"ping\",\"data\":{\"timestamp\":").number(decoder.timestamp()).raw("}}");

        return true;
    }

    private boolean connected(final ConnectedDecoder decoder, final JsonWriter writer)
    {
        decoder.wrapUserId(user);
        writer.raw("{\"type\":\"system\",\"data\":{\"event\":\"connected\",\"session\":\"").number(decoder.sessionId())
            .raw("\",\"user\":").identifier(user, 0, user.capacity())
            .raw(",\"heartbeatIntervalMs\":").number(decoder.heartbeatIntervalMs())
            .raw(",\"heartbeatTimeoutMs\":").number(decoder.heartbeatTimeoutMs())
            .raw(",\"limits\":{\"maxPayloadBytes\":").number(decoder.maxPayloadBytes())
            .raw(",\"maxRoomsPerSession\":").number(decoder.maxRoomsPerSession())
            .raw(",\"publishRatePerSecond\":").number(decoder.publishRatePerSecond())
            .raw(",\"publishBurst\":").number(decoder.publishBurst())
            .raw("}}}");

        return true;
    }

    private boolean joined(final JoinedDecoder decoder, final JsonWriter writer)
    {
        final short conflated = decoder.conflatedRaw();
        if (conflated > 1)
        {
            return false;
        }

        final int membersStart = decoder.limit();
        final JoinedDecoder.MembersDecoder skipped = decoder.members();
        while (skipped.hasNext())
        {
            skipped.next().skipUserId();
        }
        decoder.wrapRoom(room);
        decoder.wrapCorrelationId(id);

        writer.raw("{\"type\":\"join\"");
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"epoch\":").number(decoder.epoch())
            .raw(",\"seq\":").number(decoder.headSeq())
            .raw(",\"from\":").number(decoder.fromSeq())
            .raw(",\"conflated\":").bool(conflated == 1)
            .raw(",\"membersTotal\":").number(decoder.membersTotal())
            .raw(",\"members\":[");

        decoder.limit(membersStart);
        final JoinedDecoder.MembersDecoder members = decoder.members();
        boolean first = true;
        while (members.hasNext())
        {
            members.next().wrapUserId(user);
            if (!first)
            {
                writer.raw(',');
            }
            writer.identifier(user, 0, user.capacity());
            first = false;
        }
        writer.raw("]}}");

        return true;
    }

    private boolean presenceSnapshot(final PresenceSnapshotDecoder decoder, final JsonWriter writer)
    {
        final int membersStart = decoder.limit();
        final PresenceSnapshotDecoder.MembersDecoder skipped = decoder.members();
        while (skipped.hasNext())
        {
            skipped.next().skipUserId();
        }
        decoder.wrapRoom(room);

        writer.raw("{\"type\":\"presence\",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"snapshot\":true,\"members\":[");

        decoder.limit(membersStart);
        final PresenceSnapshotDecoder.MembersDecoder members = decoder.members();
        boolean first = true;
        while (members.hasNext())
        {
            members.next().wrapUserId(user);
            if (!first)
            {
                writer.raw(',');
            }
            writer.identifier(user, 0, user.capacity());
            first = false;
        }
        writer.raw("]}}");

        return true;
    }

    private boolean deliver(final DeliverDecoder decoder, final JsonWriter writer)
    {
        final String type = kindType(decoder.kindRaw());
        final short format = decoder.formatRaw();
        if (null == type || (format != FORMAT_JSON && format != FORMAT_BINARY))
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapAuthor(user);
        decoder.wrapKey(key);
        decoder.wrapPayload(data);

        final int start = trimStart(data);
        final int end = trimEnd(data, start);
        final boolean jsonObject = isJsonObject(format, data, start, end);

        writer.raw(type).raw(",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"epoch\":").number(decoder.epoch())
            .raw(",\"seq\":").number(decoder.seq());
        optionalKey(writer);

        if (jsonObject)
        {
            writer.raw(",\"data\":");
            if (isWhitespace(data, start + 1, end - 1))
            {
                writer.raw("{\"author\":");
            }
            else
            {
                writer.raw(data, start, end - 1 - start).raw(",\"author\":");
            }
        }
        else
        {
            writer.raw(",\"format\":\"binary\",\"data\":{\"bytes\":").base64(data, 0, data.capacity())
                .raw(",\"author\":");
        }
        writer.identifier(user, 0, user.capacity())
            .raw("},\"timestamp\":").number(decoder.timestamp()).raw('}');

        return true;
    }

    private boolean presence(final PresenceDecoder decoder, final JsonWriter writer)
    {
        final String status = presenceStatus(decoder.statusRaw());
        final short reasonRaw = decoder.reasonRaw();
        final String reason = leaveReason(reasonRaw);
        if (null == status || (null == reason && reasonRaw != 0))
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapUserId(user);

        writer.raw("{\"type\":\"presence\",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"epoch\":").number(decoder.epoch())
            .raw(",\"seq\":").number(decoder.seq())
            .raw(",\"data\":{\"user\":").identifier(user, 0, user.capacity())
            .raw(",\"status\":").raw(status);
        if (null != reason)
        {
            writer.raw(",\"reason\":").raw(reason);
        }
        writer.raw("},\"timestamp\":").number(decoder.timestamp()).raw('}');

        return true;
    }

    private boolean ack(final AckDecoder decoder, final JsonWriter writer)
    {
        if (decoder.statusRaw() != 1)
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapClientMessageId(id);

        writer.raw("{\"type\":\"ack\"");
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"status\":\"delivered\",\"epoch\":").number(decoder.epoch())
            .raw(",\"seq\":").number(decoder.seq())
            .raw("}}");

        return true;
    }

    private boolean typing(final TypingDecoder decoder, final JsonWriter writer)
    {
        final short isTyping = decoder.isTypingRaw();
        if (isTyping > 1)
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapUserId(user);

        writer.raw("{\"type\":\"typing\",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"user\":").identifier(user, 0, user.capacity())
            .raw(",\"typing\":").bool(isTyping == 1)
            .raw("}}");

        return true;
    }

    private boolean error(final ErrorDecoder decoder, final JsonWriter writer)
    {
        final ErrorCode code = errorCode(decoder.codeRaw());
        if (null == code)
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapCorrelationId(id);
        decoder.wrapReason(data);

        writer.raw("{\"type\":\"error\"");
        optionalId(writer);
        if (room.capacity() > 0)
        {
            writer.raw(",\"room\":").identifier(room, 0, room.capacity());
        }
        writer.raw(",\"data\":{\"code\":").identifier(ErrorCodes.jsonNameBytes(code))
            .raw(",\"reason\":").utf8String(data, 0, data.capacity())
            .raw("}}");

        return true;
    }

    private boolean resync(final ResyncDecoder decoder, final JsonWriter writer)
    {
        decoder.wrapRoom(room);

        writer.raw("{\"type\":\"resume\",\"room\":").identifier(room, 0, room.capacity())
            .raw(",\"data\":{\"status\":\"resync\",\"epoch\":").number(decoder.epoch())
            .raw(",\"seq\":").number(decoder.headSeq())
            .raw(",\"from\":").number(decoder.fromSeq())
            .raw(",\"requested\":{\"epoch\":").number(decoder.requestedEpoch())
            .raw(",\"seq\":").number(decoder.requestedSeq())
            .raw("}}}");

        return true;
    }

    private boolean pong(final PongDecoder decoder, final JsonWriter writer)
    {
        writer.raw("{\"type\":\"pong\",\"data\":{\"timestamp\":").number(decoder.timestamp())
            .raw(",\"serverTimestamp\":").number(decoder.serverTimestamp())
            .raw("}}");

        return true;
    }

    private boolean left(final LeftDecoder decoder, final JsonWriter writer)
    {
        final short reasonRaw = decoder.reasonRaw();
        final String reason = leaveReason(reasonRaw);
        if (null == reason && reasonRaw != 0)
        {
            return false;
        }
        decoder.wrapRoom(room);
        decoder.wrapCorrelationId(id);

        writer.raw("{\"type\":\"leave\"");
        optionalId(writer);
        writer.raw(",\"room\":").identifier(room, 0, room.capacity()).raw(",\"data\":{");
        if (null != reason)
        {
            writer.raw("\"reason\":").raw(reason).raw(',');
        }
        writer.raw("\"seq\":").number(decoder.lastSeq()).raw("}}");

        return true;
    }

    private boolean sessionClosed(final SessionClosedDecoder decoder, final JsonWriter writer)
    {
        final ErrorCode code = errorCode(decoder.codeRaw());
        if (null == code)
        {
            return false;
        }
        decoder.wrapReason(data);

        writer.raw("{\"type\":\"system\",\"data\":{\"event\":\"closed\",\"code\":")
            .identifier(ErrorCodes.jsonNameBytes(code))
            .raw(",\"reason\":").utf8String(data, 0, data.capacity())
            .raw("}}");

        return true;
    }

    private void optionalId(final JsonWriter writer)
    {
        if (id.capacity() > 0)
        {
            writer.raw(",\"id\":").identifier(id, 0, id.capacity());
        }
    }

    private void optionalKey(final JsonWriter writer)
    {
        if (key.capacity() > 0)
        {
            writer.raw(",\"key\":").identifier(key, 0, key.capacity());
        }
    }

    private static String kindType(final short kind)
    {
        switch (kind)
        {
            case 1:
                return "{\"type\":\"text\"";
            case 2:
                return "{\"type\":\"message\"";
            case 3:
                return "{\"type\":\"system\"";
            default:
                return null;
        }
    }

    private static String presenceStatus(final short status)
    {
        switch (status)
        {
            case 1:
                return "\"joined\"";
            case 2:
                return "\"left\"";
            default:
                return null;
        }
    }

    private static String leaveReason(final short reason)
    {
        switch (reason)
        {
            case 1:
                return "\"left\"";
            case 2:
                return "\"disconnected\"";
            case 3:
                return "\"expired\"";
            case 4:
                return "\"lagging\"";
            case 5:
                return "\"shutdown\"";
            default:
                return null;
        }
    }

    private static ErrorCode errorCode(final int raw)
    {
        return raw < ERROR_CODE_LIMIT ? ERROR_CODES[raw] : null;
    }

    private static boolean isJsonObject(final short format, final DirectBuffer payload, final int start, final int end)
    {
        return format == FORMAT_JSON && end - start >= 2 &&
            payload.getByte(start) == '{' && payload.getByte(end - 1) == '}';
    }

    private static int trimStart(final DirectBuffer buffer)
    {
        final int capacity = buffer.capacity();
        int i = 0;
        while (i < capacity && isWhitespace(buffer.getByte(i)))
        {
            i++;
        }

        return i;
    }

    private static int trimEnd(final DirectBuffer buffer, final int start)
    {
        int i = buffer.capacity();
        while (i > start && isWhitespace(buffer.getByte(i - 1)))
        {
            i--;
        }

        return i;
    }

    private static boolean isWhitespace(final DirectBuffer buffer, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!isWhitespace(buffer.getByte(i)))
            {
                return false;
            }
        }

        return true;
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static boolean fits(final DirectBuffer src, final int start, final int end, final byte[] layout)
    {
        long limit = start;
        if (limit > end)
        {
            return false;
        }

        for (final byte step : layout)
        {
            switch (step)
            {
                case VAR16:
                    limit = var16(src, limit, end);
                    break;

                case VAR32:
                    if (limit + 4 > end)
                    {
                        return false;
                    }
                    limit += 4 + (src.getInt((int)limit, ORDER) & 0xFFFF_FFFFL);
                    break;

                default:
                    if (limit + 4 > end)
                    {
                        return false;
                    }
                    final int entryBlockLength = src.getShort((int)limit, ORDER) & 0xFFFF;
                    final int count = src.getShort((int)limit + 2, ORDER) & 0xFFFF;
                    limit += 4;
                    for (int i = 0; i < count && limit <= end; i++)
                    {
                        limit = var16(src, limit + entryBlockLength, end);
                    }
            }

            if (limit > end)
            {
                return false;
            }
        }

        return true;
    }

    private static long var16(final DirectBuffer src, final long limit, final int end)
    {
        if (limit + 2 > end)
        {
            return Long.MAX_VALUE;
        }

        return limit + 2 + (src.getShort((int)limit, ORDER) & 0xFFFF);
    }

    private static void layout(final int templateId, final int blockLength, final byte... steps)
    {
        LAYOUTS[templateId] = steps;
        BLOCK_LENGTHS[templateId] = blockLength;
    }
}
