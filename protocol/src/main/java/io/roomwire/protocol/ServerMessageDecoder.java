package io.roomwire.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.roomwire.protocol.codec.AckEncoder;
import io.roomwire.protocol.codec.AckStatus;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.ConnectedEncoder;
import io.roomwire.protocol.codec.DeliverEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.JoinedEncoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftEncoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PongEncoder;
import io.roomwire.protocol.codec.PresenceEncoder;
import io.roomwire.protocol.codec.PresenceSnapshotEncoder;
import io.roomwire.protocol.codec.PresenceStatus;
import io.roomwire.protocol.codec.ResyncEncoder;
import io.roomwire.protocol.codec.SessionClosedEncoder;
import io.roomwire.protocol.codec.TypingEncoder;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The server to client half of {@link JsonDecoder}: reads the JSON shapes {@link JsonEncoder} writes back into SBE.
 * Values are collected into slots by name, then the message is assembled from the slots its type reads, so field
 * order does not matter and fields a type does not read are ignored. It allocates strings for the values it reads,
 * which is acceptable off the server's hot path.
 * <p>
 * Not thread safe: owned by one {@link JsonDecoder}.
 */
final class ServerMessageDecoder
{
    private static final byte ABSENT = 0;
    private static final byte STRING = 1;
    private static final byte NUMBER = 2;
    private static final byte TRUE = 3;
    private static final byte FALSE = 4;
    private static final byte ARRAY = 5;
    private static final byte OTHER = 6;
    private static final byte DUPLICATE = 7;
    private static final byte OBJECT = 8;

    private static final int TYPE = 0;
    private static final int ID = 1;
    private static final int ROOM = 2;
    private static final int KEY = 3;
    private static final int FORMAT = 4;
    private static final int EPOCH = 5;
    private static final int SEQ = 6;
    private static final int TIMESTAMP = 7;
    private static final int DATA = 8;
    private static final int DATA_EVENT = 9;
    private static final int DATA_SESSION = 10;
    private static final int DATA_USER = 11;
    private static final int DATA_CODE = 12;
    private static final int DATA_REASON = 13;
    private static final int DATA_STATUS = 14;
    private static final int DATA_AUTHOR = 15;
    private static final int DATA_BYTES = 16;
    private static final int DATA_HEARTBEAT_INTERVAL = 17;
    private static final int DATA_HEARTBEAT_TIMEOUT = 18;
    private static final int DATA_EPOCH = 19;
    private static final int DATA_SEQ = 20;
    private static final int DATA_FROM = 21;
    private static final int DATA_MEMBERS_TOTAL = 22;
    private static final int DATA_TIMESTAMP = 23;
    private static final int DATA_SERVER_TIMESTAMP = 24;
    private static final int DATA_CONFLATED = 25;
    private static final int DATA_SNAPSHOT = 26;
    private static final int DATA_TYPING = 27;
    private static final int DATA_MEMBERS = 28;
    private static final int DATA_LIMITS = 29;
    private static final int DATA_REQUESTED = 30;
    private static final int LIMITS_MAX_PAYLOAD = 31;
    private static final int LIMITS_MAX_ROOMS = 32;
    private static final int LIMITS_PUBLISH_RATE = 33;
    private static final int LIMITS_PUBLISH_BURST = 34;
    private static final int REQUESTED_EPOCH = 35;
    private static final int REQUESTED_SEQ = 36;
    private static final int SLOTS = 37;

    private static final String[] NAMES =
    {
        "type", "id", "room", "key", "format", "epoch", "seq", "timestamp", "data",
        "data.event", "data.session", "data.user", "data.code", "data.reason", "data.status", "data.author",
        "data.bytes", "data.heartbeatIntervalMs", "data.heartbeatTimeoutMs", "data.epoch", "data.seq", "data.from",
        "data.membersTotal", "data.timestamp", "data.serverTimestamp", "data.conflated", "data.snapshot",
        "data.typing", "data.members", "data.limits", "data.requested",
        "data.limits.maxPayloadBytes", "data.limits.maxRoomsPerSession", "data.limits.publishRatePerSecond",
        "data.limits.publishBurst", "data.requested.epoch", "data.requested.seq",
    };
    private static final String[] MISSING = new String[SLOTS];
    private static final String[] WRONG = new String[SLOTS];
    private static final String[] INVALID = new String[SLOTS];

    private static final String TYPE_UNKNOWN = "field 'type' is not a server message type";
    private static final String EVENT_UNKNOWN = "field 'data.event' is not a server event";
    private static final String AUTHOR_NOT_LAST = "field 'data.author' must be the last field of 'data'";
    private static final String TOO_MANY_MEMBERS = "field 'data.members' has more members than a message holds";
    private static final String REASON_TOO_LONG = "field 'data.reason' is longer than 16384 bytes";
    private static final int MAX_REASON_BYTES = 16384;
    private static final int MAX_MEMBERS = 65534;
    private static final byte[] EMPTY_OBJECT = { '{', '}' };

    static
    {
        for (int i = 0; i < SLOTS; i++)
        {
            MISSING[i] = "field '" + NAMES[i] + "' is missing";
            WRONG[i] = "field '" + NAMES[i] + "' has the wrong type or value";
            INVALID[i] = "field '" + NAMES[i] + "' is not a valid identifier";
        }
    }

    private final JsonError error;
    private final int maxDepth;
    private final byte[] kinds = new byte[SLOTS];
    private final String[] strings = new String[SLOTS];
    private final long[] numbers = new long[SLOTS];
    private final List<String> members = new ArrayList<>();
    private int dataStart;
    private int dataFields;
    private int authorNameOffset;
    private boolean authorLast;
    private boolean failed;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final JoinedEncoder joinedEncoder = new JoinedEncoder();
    private final PresenceSnapshotEncoder presenceSnapshotEncoder = new PresenceSnapshotEncoder();
    private final DeliverEncoder deliverEncoder = new DeliverEncoder();
    private final PresenceEncoder presenceEncoder = new PresenceEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final TypingEncoder typingEncoder = new TypingEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final ResyncEncoder resyncEncoder = new ResyncEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final LeftEncoder leftEncoder = new LeftEncoder();
    private final SessionClosedEncoder sessionClosedEncoder = new SessionClosedEncoder();

    ServerMessageDecoder(final JsonError error, final int maxDepth)
    {
        this.error = error;
        this.maxDepth = maxDepth;
    }

    int decode(final byte[] src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        reset();
        JsonParser parser = null;
        try
        {
            parser = JsonDecoder.JSON_FACTORY.createParser(src, offset, length);
            if (!parse(parser))
            {
                return -1;
            }
        }
        catch (final StreamConstraintsException ex)
        {
            return JsonDecoder.isNestingLimit(parser) ?
                fail(ErrorCode.TOO_DEEP, JsonDecoder.REASON_TOO_DEEP) :
                fail(ErrorCode.NOT_JSON, JsonDecoder.REASON_NOT_JSON);
        }
        catch (final IOException ex)
        {
            return fail(ErrorCode.NOT_JSON, JsonDecoder.REASON_NOT_JSON);
        }
        finally
        {
            JsonDecoder.closeQuietly(parser);
        }

        if (kinds[TYPE] == ABSENT)
        {
            return fail(ErrorCode.UNKNOWN_TYPE, MISSING[TYPE]);
        }
        final String type = string(TYPE);
        if (failed)
        {
            return -1;
        }

        switch (type)
        {
            case "text":
                return deliver(MessageKind.TEXT, src, offset, dst, dstOffset);

            case "message":
                return deliver(MessageKind.MESSAGE, src, offset, dst, dstOffset);

            case "system":
                if (kinds[SEQ] != ABSENT)
                {
                    return deliver(MessageKind.SYSTEM, src, offset, dst, dstOffset);
                }
                return system(dst, dstOffset);

            case "join":
                return joined(dst, dstOffset);

            case "presence":
                return kinds[DATA_SNAPSHOT] == TRUE ? presenceSnapshot(dst, dstOffset) : presence(dst, dstOffset);

            case "ack":
                return ack(dst, dstOffset);

            case "typing":
                return typing(dst, dstOffset);

            case "error":
                return error(dst, dstOffset);

            case "resume":
                return resync(dst, dstOffset);

            case "pong":
                return pong(dst, dstOffset);

            case "leave":
                return left(dst, dstOffset);

            default:
                return fail(ErrorCode.UNKNOWN_TYPE, TYPE_UNKNOWN);
        }
    }

    private void reset()
    {
        Arrays.fill(kinds, ABSENT);
        Arrays.fill(strings, null);
        members.clear();
        dataStart = 0;
        dataFields = 0;
        authorNameOffset = -1;
        authorLast = false;
        failed = false;
    }

    private int fail(final ErrorCode code, final String reason)
    {
        if (!failed)
        {
            failed = true;
            error.set(code, reason);
        }

        return -1;
    }

    private boolean tooDeep()
    {
        fail(ErrorCode.TOO_DEEP, JsonDecoder.REASON_TOO_DEEP);
        return false;
    }

    private boolean parse(final JsonParser parser) throws IOException
    {
        JsonToken token = parser.nextToken();
        if (null == token)
        {
            fail(ErrorCode.NOT_JSON, JsonDecoder.REASON_EMPTY);
            return false;
        }
        if (token != JsonToken.START_OBJECT)
        {
            fail(ErrorCode.NOT_AN_OBJECT, JsonDecoder.REASON_NOT_AN_OBJECT);
            return false;
        }

        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            final int slot = topSlot(name);
            if (slot == DATA)
            {
                if (!parseData(parser, value))
                {
                    return false;
                }
                continue;
            }
            if (slot >= 0)
            {
                capture(parser, value, slot);
            }
            if (!JsonDecoder.skip(parser, value, 2, maxDepth))
            {
                return tooDeep();
            }
        }

        if (token != JsonToken.END_OBJECT)
        {
            throw new IOException("object not closed");
        }
        if (null != parser.nextToken())
        {
            fail(ErrorCode.NOT_JSON, JsonDecoder.REASON_TRAILING);
            return false;
        }

        return true;
    }

    private boolean parseData(final JsonParser parser, final JsonToken value) throws IOException
    {
        if (kinds[DATA] != ABSENT || value != JsonToken.START_OBJECT)
        {
            kinds[DATA] = kinds[DATA] != ABSENT ? DUPLICATE : OTHER;
            return JsonDecoder.skip(parser, value, 2, maxDepth) || tooDeep();
        }
        if (2 > maxDepth)
        {
            return tooDeep();
        }
        kinds[DATA] = OTHER;
        dataStart = (int)parser.currentTokenLocation().getByteOffset();

        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final int nameOffset = (int)parser.currentTokenLocation().getByteOffset();
            final JsonToken field = parser.nextToken();
            dataFields++;
            authorLast = "author".equals(name);
            if (authorLast)
            {
                authorNameOffset = nameOffset;
            }

            final int slot = dataSlot(name);
            final boolean parsed;
            if ((slot == DATA_LIMITS || slot == DATA_REQUESTED) && field == JsonToken.START_OBJECT &&
                kinds[slot] == ABSENT)
            {
                parsed = parseNested(parser, slot);
            }
            else if (slot == DATA_MEMBERS && field == JsonToken.START_ARRAY && kinds[slot] == ABSENT)
            {
                parsed = parseMembers(parser);
            }
            else
            {
                if (slot >= 0)
                {
                    capture(parser, field, slot);
                }
                parsed = JsonDecoder.skip(parser, field, 3, maxDepth) || tooDeep();
            }

            if (!parsed)
            {
                return false;
            }
        }

        if (token != JsonToken.END_OBJECT)
        {
            throw new IOException("object not closed");
        }
        kinds[DATA] = OBJECT;

        return true;
    }

    private boolean parseNested(final JsonParser parser, final int objectSlot) throws IOException
    {
        if (3 > maxDepth)
        {
            return tooDeep();
        }
        kinds[objectSlot] = OTHER;

        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken field = parser.nextToken();
            final int slot = objectSlot == DATA_LIMITS ? limitsSlot(name) : requestedSlot(name);
            if (slot >= 0)
            {
                capture(parser, field, slot);
            }
            if (!JsonDecoder.skip(parser, field, 4, maxDepth))
            {
                return tooDeep();
            }
        }

        if (token != JsonToken.END_OBJECT)
        {
            throw new IOException("object not closed");
        }

        return true;
    }

    private boolean parseMembers(final JsonParser parser) throws IOException
    {
        if (3 > maxDepth)
        {
            return tooDeep();
        }
        kinds[DATA_MEMBERS] = ARRAY;

        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY)
        {
            if (null == token)
            {
                throw new IOException("array not closed");
            }
            if (token == JsonToken.VALUE_STRING)
            {
                members.add(parser.getText());
            }
            else
            {
                kinds[DATA_MEMBERS] = OTHER;
                if (!JsonDecoder.skip(parser, token, 4, maxDepth))
                {
                    return tooDeep();
                }
            }
        }

        return true;
    }

    private void capture(final JsonParser parser, final JsonToken value, final int slot) throws IOException
    {
        if (kinds[slot] != ABSENT)
        {
            kinds[slot] = DUPLICATE;
            return;
        }

        switch (value)
        {
            case VALUE_STRING:
                kinds[slot] = STRING;
                strings[slot] = parser.getText();
                break;

            case VALUE_NUMBER_INT:
                kinds[slot] = OTHER;
                if (parser.getTextLength() <= 20)
                {
                    final JsonParser.NumberType numberType = parser.getNumberType();
                    if (numberType == JsonParser.NumberType.INT || numberType == JsonParser.NumberType.LONG)
                    {
                        kinds[slot] = NUMBER;
                        numbers[slot] = parser.getLongValue();
                    }
                }
                break;

            case VALUE_TRUE:
                kinds[slot] = TRUE;
                break;

            case VALUE_FALSE:
                kinds[slot] = FALSE;
                break;

            default:
                kinds[slot] = OTHER;
        }
    }

    private static int topSlot(final String name)
    {
        switch (name)
        {
            case "type":
                return TYPE;
            case "id":
                return ID;
            case "room":
                return ROOM;
            case "key":
                return KEY;
            case "format":
                return FORMAT;
            case "epoch":
                return EPOCH;
            case "seq":
                return SEQ;
            case "timestamp":
                return TIMESTAMP;
            case "data":
                return DATA;
            default:
                return -1;
        }
    }

    private static int dataSlot(final String name)
    {
        switch (name)
        {
            case "event":
                return DATA_EVENT;
            case "session":
                return DATA_SESSION;
            case "user":
                return DATA_USER;
            case "code":
                return DATA_CODE;
            case "reason":
                return DATA_REASON;
            case "status":
                return DATA_STATUS;
            case "author":
                return DATA_AUTHOR;
            case "bytes":
                return DATA_BYTES;
            case "heartbeatIntervalMs":
                return DATA_HEARTBEAT_INTERVAL;
            case "heartbeatTimeoutMs":
                return DATA_HEARTBEAT_TIMEOUT;
            case "epoch":
                return DATA_EPOCH;
            case "seq":
                return DATA_SEQ;
            case "from":
                return DATA_FROM;
            case "membersTotal":
                return DATA_MEMBERS_TOTAL;
            case "timestamp":
                return DATA_TIMESTAMP;
            case "serverTimestamp":
                return DATA_SERVER_TIMESTAMP;
            case "conflated":
                return DATA_CONFLATED;
            case "snapshot":
                return DATA_SNAPSHOT;
            case "typing":
                return DATA_TYPING;
            case "members":
                return DATA_MEMBERS;
            case "limits":
                return DATA_LIMITS;
            case "requested":
                return DATA_REQUESTED;
            default:
                return -1;
        }
    }

    private static int limitsSlot(final String name)
    {
        switch (name)
        {
            case "maxPayloadBytes":
                return LIMITS_MAX_PAYLOAD;
            case "maxRoomsPerSession":
                return LIMITS_MAX_ROOMS;
            case "publishRatePerSecond":
                return LIMITS_PUBLISH_RATE;
            case "publishBurst":
                return LIMITS_PUBLISH_BURST;
            default:
                return -1;
        }
    }

    private static int requestedSlot(final String name)
    {
        switch (name)
        {
            case "epoch":
                return REQUESTED_EPOCH;
            case "seq":
                return REQUESTED_SEQ;
            default:
                return -1;
        }
    }

    private boolean wrongOrMissing(final int slot)
    {
        if (kinds[slot] == ABSENT)
        {
            fail(ErrorCode.MISSING_FIELD, MISSING[slot]);
        }
        else
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[slot]);
        }

        return false;
    }

    private String string(final int slot)
    {
        if (kinds[slot] == STRING)
        {
            return strings[slot];
        }
        wrongOrMissing(slot);

        return "";
    }

    private String optionalString(final int slot)
    {
        return kinds[slot] == ABSENT ? "" : string(slot);
    }

    private long number(final int slot)
    {
        if (kinds[slot] == NUMBER)
        {
            return numbers[slot];
        }
        wrongOrMissing(slot);

        return 0;
    }

    private int intNumber(final int slot)
    {
        final long value = number(slot);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            wrongOrMissing(slot);
            return 0;
        }

        return (int)value;
    }

    private boolean bool(final int slot)
    {
        if (kinds[slot] == TRUE || kinds[slot] == FALSE)
        {
            return kinds[slot] == TRUE;
        }
        wrongOrMissing(slot);

        return false;
    }

    private String room(final boolean required)
    {
        final String room = required ? string(ROOM) : optionalString(ROOM);
        if (!failed && (required || !room.isEmpty()) && !Identifiers.isValidRoom(room))
        {
            fail(ErrorCode.INVALID_ROOM, INVALID[ROOM]);
        }

        return room;
    }

    private String optionalId(final int slot)
    {
        final String id = optionalString(slot);
        if (!failed && !id.isEmpty() && !Identifiers.isValidId(id))
        {
            fail(ErrorCode.INVALID_ID, INVALID[slot]);
        }

        return id;
    }

    private String user(final int slot)
    {
        final String user = string(slot);
        if (!failed && !Identifiers.isValidUser(user))
        {
            fail(ErrorCode.INVALID_ID, INVALID[slot]);
        }

        return user;
    }

    private ErrorCode errorCode()
    {
        final String name = string(DATA_CODE);
        final ErrorCode code = failed ? ErrorCode.NULL_VAL : ErrorCodes.fromJsonName(name);
        if (!failed && code == ErrorCode.NULL_VAL)
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[DATA_CODE]);
        }

        return code;
    }

    private byte[] reason(final boolean required)
    {
        final String reason = required ? string(DATA_REASON) : optionalString(DATA_REASON);
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_REASON_BYTES)
        {
            fail(ErrorCode.MESSAGE_TOO_LARGE, REASON_TOO_LONG);
        }

        return bytes;
    }

    private LeaveReason leaveReason()
    {
        if (kinds[DATA_REASON] == ABSENT)
        {
            return LeaveReason.NONE;
        }

        switch (string(DATA_REASON))
        {
            case "left":
                return LeaveReason.LEFT;
            case "disconnected":
                return LeaveReason.DISCONNECTED;
            case "expired":
                return LeaveReason.EXPIRED;
            case "lagging":
                return LeaveReason.LAGGING;
            case "shutdown":
                return LeaveReason.SHUTDOWN;
            default:
                fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[DATA_REASON]);
                return LeaveReason.NONE;
        }
    }

    private boolean expect(final int slot, final String value)
    {
        if (!value.equals(string(slot)))
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[slot]);
        }

        return !failed;
    }

    private boolean requireData()
    {
        if (kinds[DATA] != OBJECT)
        {
            wrongOrMissing(DATA);
        }

        return !failed;
    }

    private int members(final int count)
    {
        if (kinds[DATA_MEMBERS] != ARRAY)
        {
            wrongOrMissing(DATA_MEMBERS);
            return 0;
        }
        if (count > MAX_MEMBERS)
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, TOO_MANY_MEMBERS);
            return 0;
        }
        for (int i = 0; i < count && !failed; i++)
        {
            if (!Identifiers.isValidUser(members.get(i)))
            {
                fail(ErrorCode.INVALID_ID, INVALID[DATA_MEMBERS]);
            }
        }

        return count;
    }

    private int system(final MutableDirectBuffer dst, final int dstOffset)
    {
        if (!requireData())
        {
            return -1;
        }

        final String event = string(DATA_EVENT);
        if (failed)
        {
            return -1;
        }
        switch (event)
        {
            case "connected":
                return connected(dst, dstOffset);

            case "closed":
                return sessionClosed(dst, dstOffset);

            default:
                return fail(ErrorCode.UNKNOWN_TYPE, EVENT_UNKNOWN);
        }
    }

    private int connected(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String session = string(DATA_SESSION);
        long sessionId = 0;
        if (!failed)
        {
            try
            {
                sessionId = Long.parseLong(session);
            }
            catch (final NumberFormatException ex)
            {
                fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[DATA_SESSION]);
            }
        }
        final String user = user(DATA_USER);
        final int heartbeatIntervalMs = intNumber(DATA_HEARTBEAT_INTERVAL);
        final int heartbeatTimeoutMs = intNumber(DATA_HEARTBEAT_TIMEOUT);
        final int maxPayloadBytes = intNumber(LIMITS_MAX_PAYLOAD);
        final int maxRoomsPerSession = intNumber(LIMITS_MAX_ROOMS);
        final int publishRatePerSecond = intNumber(LIMITS_PUBLISH_RATE);
        final int publishBurst = intNumber(LIMITS_PUBLISH_BURST);
        if (failed)
        {
            return -1;
        }

        connectedEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .sessionId(sessionId)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .heartbeatTimeoutMs(heartbeatTimeoutMs)
            .maxPayloadBytes(maxPayloadBytes)
            .maxRoomsPerSession(maxRoomsPerSession)
            .publishRatePerSecond(publishRatePerSecond)
            .publishBurst(publishBurst)
            .userId(user);

        return MessageHeaderEncoder.ENCODED_LENGTH + connectedEncoder.encodedLength();
    }

    private int sessionClosed(final MutableDirectBuffer dst, final int dstOffset)
    {
        final ErrorCode code = errorCode();
        final byte[] reason = reason(false);
        if (failed)
        {
            return -1;
        }

        sessionClosedEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .code(code)
            .putReason(reason, 0, reason.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + sessionClosedEncoder.encodedLength();
    }

    private int joined(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String id = optionalId(ID);
        final String room = room(true);
        if (!requireData())
        {
            return -1;
        }
        final long epoch = number(DATA_EPOCH);
        final long headSeq = number(DATA_SEQ);
        final long fromSeq = number(DATA_FROM);
        final boolean conflated = bool(DATA_CONFLATED);
        final int membersTotal = intNumber(DATA_MEMBERS_TOTAL);
        final int count = members(members.size());
        if (failed)
        {
            return -1;
        }

        joinedEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .epoch(epoch)
            .headSeq(headSeq)
            .fromSeq(fromSeq)
            .membersTotal(membersTotal)
            .conflated(conflated ? BooleanType.TRUE : BooleanType.FALSE);
        final JoinedEncoder.MembersEncoder group = joinedEncoder.membersCount(count);
        for (int i = 0; i < count; i++)
        {
            group.next().userId(members.get(i));
        }
        joinedEncoder.room(room).correlationId(id);

        return MessageHeaderEncoder.ENCODED_LENGTH + joinedEncoder.encodedLength();
    }

    private int presenceSnapshot(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String room = room(true);
        final int count = members(members.size());
        if (failed)
        {
            return -1;
        }

        final PresenceSnapshotEncoder.MembersEncoder group =
            presenceSnapshotEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder).membersCount(count);
        for (int i = 0; i < count; i++)
        {
            group.next().userId(members.get(i));
        }
        presenceSnapshotEncoder.room(room);

        return MessageHeaderEncoder.ENCODED_LENGTH + presenceSnapshotEncoder.encodedLength();
    }

    private int deliver(
        final MessageKind kind, final byte[] src, final int offset, final MutableDirectBuffer dst, final int dstOffset)
    {
        final String room = room(true);
        final long epoch = number(EPOCH);
        final long seq = number(SEQ);
        final long timestamp = number(TIMESTAMP);
        final String key = optionalId(KEY);
        final String format = optionalString(FORMAT);
        if (!failed && !format.isEmpty() && !"binary".equals(format) && !"json".equals(format))
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[FORMAT]);
        }
        if (!requireData())
        {
            return -1;
        }
        final String author = user(DATA_AUTHOR);
        final boolean binary = "binary".equals(format);
        byte[] bytes = null;
        if (binary)
        {
            try
            {
                bytes = Base64.getDecoder().decode(string(DATA_BYTES));
            }
            catch (final IllegalArgumentException ex)
            {
                fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[DATA_BYTES]);
            }
        }
        else if (!failed && !authorLast)
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, AUTHOR_NOT_LAST);
        }
        if (failed)
        {
            return -1;
        }

        deliverEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .epoch(epoch)
            .seq(seq)
            .timestamp(timestamp)
            .kind(kind)
            .format(binary ? PayloadFormat.BINARY : PayloadFormat.JSON)
            .room(room)
            .author(author)
            .key(key);

        if (binary)
        {
            deliverEncoder.putPayload(bytes, 0, bytes.length);
        }
        else if (dataFields == 1)
        {
            deliverEncoder.putPayload(EMPTY_OBJECT, 0, EMPTY_OBJECT.length);
        }
        else
        {
            int comma = offset + authorNameOffset - 1;
            while (comma > offset + dataStart && src[comma] != ',')
            {
                comma--;
            }
            // The payload is data up to the comma before "author", closed again: copy through the comma and
            // overwrite it with the closing brace.
            final int start = offset + dataStart;
            deliverEncoder.putPayload(src, start, comma - start + 1);
            dst.putByte(deliverEncoder.limit() - 1, (byte)'}');
        }

        return MessageHeaderEncoder.ENCODED_LENGTH + deliverEncoder.encodedLength();
    }

    private int presence(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String room = room(true);
        final long epoch = number(EPOCH);
        final long seq = number(SEQ);
        final long timestamp = number(TIMESTAMP);
        if (!requireData())
        {
            return -1;
        }
        final String user = user(DATA_USER);
        final String status = string(DATA_STATUS);
        final LeaveReason reason = leaveReason();
        PresenceStatus presenceStatus = PresenceStatus.NULL_VAL;
        if ("joined".equals(status))
        {
            presenceStatus = PresenceStatus.JOINED;
        }
        else if ("left".equals(status))
        {
            presenceStatus = PresenceStatus.LEFT;
        }
        else
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, WRONG[DATA_STATUS]);
        }
        if (failed)
        {
            return -1;
        }

        presenceEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .epoch(epoch)
            .seq(seq)
            .timestamp(timestamp)
            .status(presenceStatus)
            .reason(reason)
            .room(room)
            .userId(user);

        return MessageHeaderEncoder.ENCODED_LENGTH + presenceEncoder.encodedLength();
    }

    private int ack(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String id = optionalId(ID);
        final String room = room(true);
        if (!requireData() || !expect(DATA_STATUS, "delivered"))
        {
            return -1;
        }
        final long epoch = number(DATA_EPOCH);
        final long seq = number(DATA_SEQ);
        if (failed)
        {
            return -1;
        }

        ackEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .status(AckStatus.DELIVERED)
            .epoch(epoch)
            .seq(seq)
            .room(room)
            .clientMessageId(id);

        return MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength();
    }

    private int typing(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String room = room(true);
        if (!requireData())
        {
            return -1;
        }
        final String user = user(DATA_USER);
        final boolean isTyping = bool(DATA_TYPING);
        if (failed)
        {
            return -1;
        }

        typingEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .isTyping(isTyping ? BooleanType.TRUE : BooleanType.FALSE)
            .room(room)
            .userId(user);

        return MessageHeaderEncoder.ENCODED_LENGTH + typingEncoder.encodedLength();
    }

    private int error(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String id = optionalId(ID);
        final String room = room(false);
        if (!requireData())
        {
            return -1;
        }
        final ErrorCode code = errorCode();
        final byte[] reason = reason(false);
        if (failed)
        {
            return -1;
        }

        errorEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .code(code)
            .room(room)
            .correlationId(id)
            .putReason(reason, 0, reason.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength();
    }

    private int resync(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String room = room(true);
        if (!requireData() || !expect(DATA_STATUS, "resync"))
        {
            return -1;
        }
        final long epoch = number(DATA_EPOCH);
        final long headSeq = number(DATA_SEQ);
        final long fromSeq = number(DATA_FROM);
        final long requestedEpoch = number(REQUESTED_EPOCH);
        final long requestedSeq = number(REQUESTED_SEQ);
        if (failed)
        {
            return -1;
        }

        resyncEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .epoch(epoch)
            .headSeq(headSeq)
            .fromSeq(fromSeq)
            .requestedEpoch(requestedEpoch)
            .requestedSeq(requestedSeq)
            .room(room);

        return MessageHeaderEncoder.ENCODED_LENGTH + resyncEncoder.encodedLength();
    }

    private int pong(final MutableDirectBuffer dst, final int dstOffset)
    {
        if (!requireData())
        {
            return -1;
        }
        final long timestamp = number(DATA_TIMESTAMP);
        final long serverTimestamp = number(DATA_SERVER_TIMESTAMP);
        if (failed)
        {
            return -1;
        }

        pongEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .timestamp(timestamp)
            .serverTimestamp(serverTimestamp);

        return MessageHeaderEncoder.ENCODED_LENGTH + pongEncoder.encodedLength();
    }

    private int left(final MutableDirectBuffer dst, final int dstOffset)
    {
        final String id = optionalId(ID);
        final String room = room(true);
        if (!requireData())
        {
            return -1;
        }
        final LeaveReason reason = leaveReason();
        final long lastSeq = number(DATA_SEQ);
        if (failed)
        {
            return -1;
        }

        leftEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .reason(reason)
            .lastSeq(lastSeq)
            .room(room)
            .correlationId(id);

        return MessageHeaderEncoder.ENCODED_LENGTH + leftEncoder.encodedLength();
    }
}
