package io.roomwire.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.ConnectEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.JoinEncoder;
import io.roomwire.protocol.codec.LeaveEncoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PingEncoder;
import io.roomwire.protocol.codec.PublishEncoder;
import io.roomwire.protocol.codec.TypingCommandEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.Objects;

/**
 * Translates the JSON form of docs/protocol.md into SBE messages: client to server messages, as a server reads them
 * from browsers ({@link #decodeClientMessage(byte[], int, int, MutableDirectBuffer, int, byte[])}), and server to
 * client messages, as a Java client, test or load generator reads them
 * ({@link #decodeServerMessage(byte[], int, int, MutableDirectBuffer, int)}).
 * <p>
 * Every refusal is a typed error: the decode returns {@code -1} and {@link #error()} says why, with the correlation
 * id and room the message named, so the caller can answer with {@link JsonError#encode(MutableDirectBuffer, int)}.
 * No exception escapes for any input.
 * <p>
 * The text is parsed with jackson-core: values are read from the parser's character buffer, never as strings, and a
 * publish's {@code data} is copied as the client's own bytes, never re-serialised. A client message is read by one
 * non-blocking parser the decoder keeps ({@code ReusableJsonParser}), fed one message after another as a sequence of
 * root-level values, so a well-formed message allocates nothing once its field names are known. Text that parser
 * cannot take whole (malformed, incomplete, not an object, content after the object, nesting past the limit) is
 * decoded again by a parser created for that message, exactly as every message was before, and the kept parser is
 * replaced by one that starts from the field names it had learnt. Those names are forgotten once there are more than
 * 1024 of them, or once messages that taught any add up to more than 256 KiB, which bounds what hostile field names
 * can make the decoder hold. What still allocates is bad input (an integer field past the range of a long among
 * it), a field name the parser has not seen before, and a string longer than any before it. Server messages are read
 * by a parser created per message ({@link #decodeServerMessage(byte[], int, int, MutableDirectBuffer, int)}
 * allocates anyway).
 * <p>
 * The SBE form of a message is at most {@link #MAX_SBE_OVERHEAD} bytes longer than its JSON form, so a destination
 * with {@code maxMessageBytes + MAX_SBE_OVERHEAD} bytes from {@code dstOffset} is always large enough.
 * <p>
 * Not thread safe: one instance per thread; its parser is used only by the thread that decodes.
 */
public final class JsonDecoder
{
    /**
     * Default limit of a JSON message, in bytes.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65536;

    /**
     * Default limit of JSON nesting; the top-level object is depth 1.
     */
    public static final int DEFAULT_MAX_DEPTH = 32;

    /**
     * Largest message limit a decoder accepts: the limit of an SBE payload.
     */
    public static final int MAX_MESSAGE_BYTES_LIMIT = 16 * 1024 * 1024;

    /**
     * Largest depth limit a decoder accepts.
     */
    public static final int MAX_DEPTH_LIMIT = 1000;

    /**
     * Most bytes by which the SBE form of a message can be longer than its JSON form.
     */
    public static final int MAX_SBE_OVERHEAD = 128;

    /**
     * Longest connect token, in UTF-8 bytes: the limit of the schema's {@code varStringEncoding}.
     */
    public static final int MAX_TOKEN_BYTES = 16384;

    /**
     * Most distinct field names the kept parser may learn before it is replaced by one with an empty name table.
     */
    static final int MAX_PARSER_NAMES = 1024;

    /**
     * Most bytes of messages that taught the kept parser new field names before it is replaced by one with an empty
     * name table: what those names take in the table is bounded by a small multiple of this, plus one message.
     */
    static final int MAX_PARSER_NAME_BYTES = 256 * 1024;

    /**
     * Jackson's own nesting limit: a safety net above any limit a decoder enforces itself.
     */
    static final int JACKSON_MAX_NESTING_DEPTH = MAX_DEPTH_LIMIT + 100;

    /**
     * The factory of parsers created per message.
     */
    static final JsonFactory JSON_FACTORY = factoryBuilder().build();

    /**
     * The factory of the parsers decoders keep, with the same settings.
     */
    static final ReusableJsonParser.Factory REUSABLE_PARSER_FACTORY = new ReusableJsonParser.Factory(factoryBuilder());

    static final String REASON_TOO_LARGE = "message is larger than the limit";
    static final String REASON_INVALID_UTF8 = "text is not valid UTF-8";
    static final String REASON_NOT_JSON = "text is not parseable as JSON";
    static final String REASON_EMPTY = "text holds no JSON value";
    static final String REASON_TRAILING = "text continues after the JSON object";
    static final String REASON_NOT_AN_OBJECT = "JSON value is not an object";
    static final String REASON_TOO_DEEP = "JSON nests deeper than the limit";

    private static final String TYPE_MISSING = missing("type");
    private static final String TYPE_NOT_STRING = mustBe("type", "a string");
    private static final String TYPE_TWICE = twice("type");
    private static final String TYPE_NOT_CLIENT = "field 'type' is not a type a client may send";
    private static final String ID_NOT_STRING = mustBe("id", "a string");
    private static final String ID_TWICE = twice("id");
    private static final String ID_INVALID = "field 'id' is not a valid id";
    private static final String ROOM_MISSING = missing("room");
    private static final String ROOM_NOT_STRING = mustBe("room", "a string");
    private static final String ROOM_TWICE = twice("room");
    private static final String ROOM_INVALID = "field 'room' is not a valid room name";
    private static final String DEFAULT_ROOM_INVALID = "the connection's default room is not a valid room name";
    private static final String KEY_NOT_STRING = mustBe("key", "a string");
    private static final String KEY_TWICE = twice("key");
    private static final String KEY_INVALID = "field 'key' is not a valid key";
    private static final String DATA_MISSING = missing("data");
    private static final String DATA_NOT_OBJECT = mustBe("data", "an object");
    private static final String DATA_TWICE = twice("data");
    private static final String DATA_AUTHOR = "field 'data.author' is set by the server";
    private static final String SEED_AUTHOR = "field 'author' is set by the server";
    private static final String EPOCH_MISSING = missing("data.epoch");
    private static final String EPOCH_WRONG = mustBe("data.epoch", "an integer >= 0");
    private static final String EPOCH_TWICE = twice("data.epoch");
    private static final String SEQ_MISSING = missing("data.seq");
    private static final String SEQ_WRONG = mustBe("data.seq", "an integer >= 0");
    private static final String SEQ_TWICE = twice("data.seq");
    private static final String TYPING_WRONG = mustBe("data.typing", "a boolean");
    private static final String TYPING_TWICE = twice("data.typing");
    private static final String TIMESTAMP_WRONG = mustBe("data.timestamp", "an integer >= 0");
    private static final String TIMESTAMP_TWICE = twice("data.timestamp");
    private static final String VERSION_WRONG = mustBe("data.version", "an integer from 0 to 65535");
    private static final String VERSION_TWICE = twice("data.version");
    private static final String TOKEN_MISSING = missing("data.token");
    private static final String TOKEN_NOT_STRING = mustBe("data.token", "a string");
    private static final String TOKEN_TWICE = twice("data.token");
    private static final String TOKEN_NOT_UNICODE = "field 'data.token' holds an unpaired surrogate";
    private static final String TOKEN_TOO_LONG = "field 'data.token' is longer than " + MAX_TOKEN_BYTES + " bytes";

    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;
    private static final byte WRONG_TYPE = 2;
    private static final byte INVALID = 3;
    private static final byte DUPLICATE = 4;
    private static final byte TOO_LONG = 5;

    private static final int TYPE_TEXT = 1;
    private static final int TYPE_MESSAGE = 2;
    private static final int TYPE_SYSTEM = 3;
    private static final int TYPE_JOIN = 4;
    private static final int TYPE_RESUME = 5;
    private static final int TYPE_LEAVE = 6;
    private static final int TYPE_TYPING = 7;
    private static final int TYPE_PING = 8;
    private static final int TYPE_CONNECT = 9;
    private static final int TYPE_UNKNOWN = 10;
    private static final char[][] TYPE_NAMES =
    {
        "text".toCharArray(),
        "message".toCharArray(),
        "system".toCharArray(),
        "join".toCharArray(),
        "resume".toCharArray(),
        "leave".toCharArray(),
        "typing".toCharArray(),
        "ping".toCharArray(),
        "connect".toCharArray(),
    };

    private static final byte[] EMPTY_OBJECT = { '{', '}' };

    private final int maxMessageBytes;
    private final int maxDepth;
    private final boolean keepParser;
    private final JsonError error = new JsonError();
    private final ServerMessageDecoder serverMessageDecoder;
    private final UnsafeBuffer defaultRoomBuffer = new UnsafeBuffer(ArrayUtil.EMPTY_BYTE_ARRAY);
    private byte[] scratch;
    private ByteQuadsCanonicalizer nameTable;
    private ReusableJsonParser parser;
    private int learntNames;
    private int learntNameBytes;
    private int messageOffset;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final JoinEncoder joinEncoder = new JoinEncoder();
    private final LeaveEncoder leaveEncoder = new LeaveEncoder();
    private final PublishEncoder publishEncoder = new PublishEncoder();
    private final TypingCommandEncoder typingCommandEncoder = new TypingCommandEncoder();
    private final PingEncoder pingEncoder = new PingEncoder();

    private final Identifier id = new Identifier();
    private final Identifier room = new Identifier();
    private final Identifier key = new Identifier();
    private final Integral epoch = new Integral();
    private final Integral seq = new Integral();
    private final Integral timestamp = new Integral();
    private final Integral version = new Integral();
    private final byte[] token = new byte[MAX_TOKEN_BYTES];
    private byte typeState;
    private int type;
    private byte dataState;
    private int dataStart;
    private int dataEnd;
    private int rootStart;
    private int rootEnd;
    private boolean extraField;
    private boolean rootAuthor;
    private boolean dataAuthor;
    private byte typingState;
    private boolean typing;
    private byte tokenState;
    private int tokenLength;
    private boolean seedForm;
    private byte[] errorDefaultRoom;

    /**
     * A decoder with the default limits, {@link #DEFAULT_MAX_MESSAGE_BYTES} and {@link #DEFAULT_MAX_DEPTH}.
     */
    public JsonDecoder()
    {
        this(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_DEPTH);
    }

    /**
     * A decoder with the given limits.
     *
     * @param maxMessageBytes longest JSON text accepted, 1 to {@link #MAX_MESSAGE_BYTES_LIMIT}.
     * @param maxDepth        deepest nesting accepted, the top-level object being depth 1; 1 to
     *                        {@link #MAX_DEPTH_LIMIT}.
     * @throws IllegalArgumentException when a limit is out of range.
     */
    public JsonDecoder(final int maxMessageBytes, final int maxDepth)
    {
        this(maxMessageBytes, maxDepth, true);
    }

    private JsonDecoder(final int maxMessageBytes, final int maxDepth, final boolean keepParser)
    {
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT)
        {
            throw new IllegalArgumentException("maxMessageBytes out of range: " + maxMessageBytes);
        }
        if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT)
        {
            throw new IllegalArgumentException("maxDepth out of range: " + maxDepth);
        }

        this.maxMessageBytes = maxMessageBytes;
        this.maxDepth = maxDepth;
        this.serverMessageDecoder = new ServerMessageDecoder(error, maxDepth);
        this.keepParser = keepParser;
        if (keepParser)
        {
            nameTable = REUSABLE_PARSER_FACTORY.createNameTable();
            parser = REUSABLE_PARSER_FACTORY.createReusableParser(nameTable);
        }
    }

    /**
     * A decoder that parses every client message with a parser created for it, as decoders did before they kept
     * one: the reference the kept parser is tested against.
     *
     * @param maxMessageBytes longest JSON text accepted.
     * @param maxDepth        deepest nesting accepted.
     * @return a decoder that keeps no parser.
     */
    static JsonDecoder withParserPerMessage(final int maxMessageBytes, final int maxDepth)
    {
        return new JsonDecoder(maxMessageBytes, maxDepth, false);
    }

    /**
     * @return the parser this decoder keeps for client messages, null when it keeps none; for tests.
     */
    ReusableJsonParser keptParser()
    {
        return parser;
    }

    /**
     * @return longest JSON text accepted, in bytes.
     */
    public int maxMessageBytes()
    {
        return maxMessageBytes;
    }

    /**
     * @return deepest nesting accepted; the top-level object is depth 1.
     */
    public int maxDepth()
    {
        return maxDepth;
    }

    /**
     * @return why the last decode that returned {@code -1} failed; overwritten by the next decode.
     */
    public JsonError error()
    {
        return error;
    }

    /**
     * Decode a client to server message: {@code connect}, {@code join}, {@code resume}, {@code leave}, a publish
     * ({@code text}, {@code message}, {@code system}), {@code typing} or {@code ping}; or, on a connection with a
     * default room, a seed-form object, which becomes a {@code message} publish to that room.
     *
     * @param src         holding UTF-8 JSON text.
     * @param offset      of the first byte.
     * @param length      of the text in bytes.
     * @param dst         to write the SBE message into (header included).
     * @param dstOffset   at which the message header goes.
     * @param defaultRoom ASCII room of a connection on the seed path ({@code /ws/{room}}), or null on the full
     *                    protocol.
     * @return length of the SBE message written, header included, or -1 when the text is refused; see
     * {@link #error()}.
     */
    public int decodeClientMessage(
        final byte[] src,
        final int offset,
        final int length,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final byte[] defaultRoom)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        reset();
        if (!isAcceptable(src, offset, length))
        {
            return -1;
        }
        if (null != defaultRoom)
        {
            defaultRoomBuffer.wrap(defaultRoom);
            if (!Identifiers.isValidRoom(defaultRoomBuffer, 0, defaultRoom.length))
            {
                return fail(ErrorCode.INVALID_ROOM, DEFAULT_ROOM_INVALID);
            }
        }

        if (!keepParser || !parseWithKeptParser(src, offset, length))
        {
            reset();
            if (!parseWithNewParser(src, offset, length))
            {
                return -1;
            }
        }

        if (null != defaultRoom && (type < TYPE_TEXT || type > TYPE_CONNECT || extraField))
        {
            return encodeSeedForm(src, offset, dst, dstOffset, defaultRoom);
        }

        return encodeProtocol(src, offset, dst, dstOffset, defaultRoom);
    }

    /**
     * Decode a client to server message held in a buffer; see
     * {@link #decodeClientMessage(byte[], int, int, MutableDirectBuffer, int, byte[])}. An array-backed buffer is
     * read in place; any other is copied into a scratch array of {@link #maxMessageBytes()} bytes, allocated on
     * first use and reused.
     *
     * @param src         holding UTF-8 JSON text.
     * @param offset      of the first byte.
     * @param length      of the text in bytes.
     * @param dst         to write the SBE message into (header included).
     * @param dstOffset   at which the message header goes.
     * @param defaultRoom ASCII room of a connection on the seed path, or null on the full protocol.
     * @return length of the SBE message written, header included, or -1 when the text is refused; see
     * {@link #error()}.
     */
    public int decodeClientMessage(
        final DirectBuffer src,
        final int offset,
        final int length,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final byte[] defaultRoom)
    {
        final byte[] array = src.byteArray();
        if (null != array)
        {
            src.boundsCheck(offset, length);
            return decodeClientMessage(array, offset + src.wrapAdjustment(), length, dst, dstOffset, defaultRoom);
        }
        if (length > maxMessageBytes)
        {
            reset();
            return fail(ErrorCode.MESSAGE_TOO_LARGE, REASON_TOO_LARGE);
        }

        return decodeClientMessage(copy(src, offset, length), 0, length, dst, dstOffset, defaultRoom);
    }

    /**
     * Decode a server to client message (the shapes of docs/protocol.md, as {@link JsonEncoder} writes them) back
     * into its SBE form. For Java clients, tests and load generators: it allocates a little per message.
     *
     * @param src       holding UTF-8 JSON text.
     * @param offset    of the first byte.
     * @param length    of the text in bytes.
     * @param dst       to write the SBE message into (header included).
     * @param dstOffset at which the message header goes.
     * @return length of the SBE message written, header included, or -1 when the text is refused; see
     * {@link #error()}.
     */
    public int decodeServerMessage(
        final byte[] src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        reset();
        if (!isAcceptable(src, offset, length))
        {
            return -1;
        }

        return serverMessageDecoder.decode(src, offset, length, dst, dstOffset);
    }

    /**
     * Decode a server to client message held in a buffer; see
     * {@link #decodeServerMessage(byte[], int, int, MutableDirectBuffer, int)}.
     *
     * @param src       holding UTF-8 JSON text.
     * @param offset    of the first byte.
     * @param length    of the text in bytes.
     * @param dst       to write the SBE message into (header included).
     * @param dstOffset at which the message header goes.
     * @return length of the SBE message written, header included, or -1 when the text is refused; see
     * {@link #error()}.
     */
    public int decodeServerMessage(
        final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        final byte[] array = src.byteArray();
        if (null != array)
        {
            src.boundsCheck(offset, length);
            return decodeServerMessage(array, offset + src.wrapAdjustment(), length, dst, dstOffset);
        }
        if (length > maxMessageBytes)
        {
            reset();
            return fail(ErrorCode.MESSAGE_TOO_LARGE, REASON_TOO_LARGE);
        }

        return decodeServerMessage(copy(src, offset, length), 0, length, dst, dstOffset);
    }

    /**
     * Check that bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF,
     * no truncated sequence.
     *
     * @param src    holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return true when the bytes are valid UTF-8.
     */
    static boolean isValidUtf8(final byte[] src, final int offset, final int length)
    {
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            final int b0 = src[i];
            if (b0 >= 0)
            {
                i++;
                continue;
            }

            final int lead = b0 & 0xFF;
            if (lead < 0xC2)
            {
                return false;
            }
            else if (lead < 0xE0)
            {
                if (i + 1 >= end || !isContinuation(src[i + 1]))
                {
                    return false;
                }
                i += 2;
            }
            else if (lead < 0xF0)
            {
                if (i + 2 >= end || !isContinuation(src[i + 1]) || !isContinuation(src[i + 2]))
                {
                    return false;
                }
                final int b1 = src[i + 1] & 0xFF;
                if ((lead == 0xE0 && b1 < 0xA0) || (lead == 0xED && b1 >= 0xA0))
                {
                    return false;
                }
                i += 3;
            }
            else if (lead < 0xF5)
            {
                if (i + 3 >= end ||
                    !isContinuation(src[i + 1]) || !isContinuation(src[i + 2]) || !isContinuation(src[i + 3]))
                {
                    return false;
                }
                final int b1 = src[i + 1] & 0xFF;
                if ((lead == 0xF0 && b1 < 0x90) || (lead == 0xF4 && b1 >= 0x90))
                {
                    return false;
                }
                i += 4;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Skip the value whose first token the parser is on, counting depth.
     *
     * @param parser   positioned on the value's first token.
     * @param token    the value's first token.
     * @param depth    depth the value has if it is an object or array.
     * @param maxDepth deepest nesting accepted.
     * @return true when skipped, false when it nests deeper than {@code maxDepth}.
     * @throws IOException when the text is not JSON.
     */
    static boolean skip(final JsonParser parser, final JsonToken token, final int depth, final int maxDepth)
        throws IOException
    {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY)
        {
            return true;
        }
        if (depth > maxDepth)
        {
            return false;
        }

        int current = depth;
        while (true)
        {
            final JsonToken next = parser.nextToken();
            if (null == next)
            {
                throw new IOException("unexpected end of input");
            }
            if (next == JsonToken.START_OBJECT || next == JsonToken.START_ARRAY)
            {
                if (++current > maxDepth)
                {
                    return false;
                }
            }
            else if (next == JsonToken.END_OBJECT || next == JsonToken.END_ARRAY)
            {
                if (--current < depth)
                {
                    return true;
                }
            }
        }
    }

    /**
     * Close a parser, if there is one; a parser over an array has nothing that can fail to close.
     *
     * @param parser to close, or null.
     */
    static void closeQuietly(final JsonParser parser)
    {
        if (null != parser)
        {
            try
            {
                parser.close();
            }
            catch (final IOException ignore)
            {
                // a parser over an array holds no resource that can fail to close
            }
        }
    }

    /**
     * @param parser that failed a {@link StreamReadConstraints} check, or null.
     * @return true when the failure is Jackson's own nesting limit, the safety net under the decoder's.
     */
    static boolean isNestingLimit(final JsonParser parser)
    {
        return null != parser && parser.getParsingContext().getNestingDepth() >= JACKSON_MAX_NESTING_DEPTH;
    }

    /**
     * The settings of every parser: UTF-8 without detection (the text is validated first), and no limit other than
     * nesting, as the message size bounds everything else. No document length or token count limit either: a kept
     * parser reads all the messages it is fed as one document.
     */
    private static JsonFactoryBuilder factoryBuilder()
    {
        return new JsonFactoryBuilder()
            .disable(JsonFactory.Feature.CHARSET_DETECTION)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(JACKSON_MAX_NESTING_DEPTH)
                .maxNumberLength(Integer.MAX_VALUE)
                .maxStringLength(Integer.MAX_VALUE)
                .maxNameLength(Integer.MAX_VALUE)
                .maxDocumentLength(0)
                .maxTokenCount(0)
                .build());
    }

    private int fail(final ErrorCode code, final String reason)
    {
        error.set(code, reason);
        if (id.captured && !seedForm)
        {
            error.correlationId(id.bytes, 0, id.length);
        }
        if (room.captured && !seedForm)
        {
            error.room(room.bytes, 0, room.length);
        }
        else if (null != errorDefaultRoom)
        {
            error.room(errorDefaultRoom, 0, errorDefaultRoom.length);
        }

        return -1;
    }

    private static String missing(final String field)
    {
        return "field '" + field + "' is missing";
    }

    private static String mustBe(final String field, final String what)
    {
        return "field '" + field + "' must be " + what;
    }

    private static String twice(final String field)
    {
        return "field '" + field + "' appears twice";
    }

    private static boolean isContinuation(final byte b)
    {
        return (b & 0xC0) == 0x80;
    }

    private void reset()
    {
        error.reset();
        id.reset();
        room.reset();
        key.reset();
        epoch.reset();
        seq.reset();
        timestamp.reset();
        version.reset();
        typeState = ABSENT;
        type = 0;
        dataState = ABSENT;
        dataStart = 0;
        dataEnd = 0;
        rootStart = 0;
        rootEnd = 0;
        extraField = false;
        rootAuthor = false;
        dataAuthor = false;
        typingState = ABSENT;
        typing = true;
        tokenState = ABSENT;
        tokenLength = 0;
        seedForm = false;
        errorDefaultRoom = null;
    }

    private boolean isAcceptable(final byte[] src, final int offset, final int length)
    {
        if (length > maxMessageBytes)
        {
            fail(ErrorCode.MESSAGE_TOO_LARGE, REASON_TOO_LARGE);
            return false;
        }
        if (!isValidUtf8(src, offset, length))
        {
            fail(ErrorCode.INVALID_UTF8, REASON_INVALID_UTF8);
            return false;
        }

        return true;
    }

    private byte[] copy(final DirectBuffer src, final int offset, final int length)
    {
        if (null == scratch)
        {
            scratch = new byte[maxMessageBytes];
        }
        src.getBytes(offset, scratch, 0, length);

        return scratch;
    }

    private int failParse(final JsonParser parser)
    {
        return isNestingLimit(parser) ?
            fail(ErrorCode.TOO_DEEP, REASON_TOO_DEEP) : fail(ErrorCode.NOT_JSON, REASON_NOT_JSON);
    }

    private boolean tooDeep()
    {
        fail(ErrorCode.TOO_DEEP, REASON_TOO_DEEP);
        return false;
    }

    /**
     * Parse a message with the kept parser, feeding it the text between leading and trailing whitespace, which must
     * be one object and nothing else.
     *
     * @param src    holding UTF-8 JSON text.
     * @param offset of the first byte.
     * @param length of the text in bytes.
     * @return true when the message parsed, as it would with a parser of its own; false when it must be parsed
     * again by one (the kept parser is then replaced), leaving the decoder's state to be reset.
     */
    private boolean parseWithKeptParser(final byte[] src, final int offset, final int length)
    {
        int start = offset;
        int end = offset + length;
        while (start < end && isWhitespace(src[start]))
        {
            start++;
        }
        if (start == end || src[start] != '{')
        {
            return false;
        }
        while (isWhitespace(src[end - 1]))
        {
            end--;
        }

        final ReusableJsonParser parser = this.parser;
        messageOffset = offset;
        try
        {
            parser.feedInput(src, start, end);
            if (parse(parser) && parser.position() == end)
            {
                if (hasLearntTooManyNames(length))
                {
                    replaceParser(true);
                }
                return true;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the message is parsed again by a parser of its own, which says what is wrong with it, if anything
        }

        replaceParser(hasLearntTooManyNames(length));
        return false;
    }

    /**
     * Parse a message with a parser of its own, as every message was before decoders kept one.
     *
     * @param src    holding UTF-8 JSON text.
     * @param offset of the first byte.
     * @param length of the text in bytes.
     * @return true when the message parsed; false when it was refused, with {@link #error()} set.
     */
    private boolean parseWithNewParser(final byte[] src, final int offset, final int length)
    {
        JsonParser parser = null;
        try
        {
            parser = JSON_FACTORY.createParser(src, offset, length);
            if (!parse(parser))
            {
                return false;
            }
            if (null != parser.nextToken())
            {
                fail(ErrorCode.NOT_JSON, REASON_TRAILING);
                return false;
            }

            return true;
        }
        catch (final StreamConstraintsException ex)
        {
            failParse(parser);
            return false;
        }
        catch (final IOException ex)
        {
            fail(ErrorCode.NOT_JSON, REASON_NOT_JSON);
            return false;
        }
        finally
        {
            closeQuietly(parser);
        }
    }

    /**
     * Count the names the kept parser has learnt, and the bytes of the messages that taught it any.
     *
     * @param length of the message just fed.
     * @return true when they are past a limit.
     */
    private boolean hasLearntTooManyNames(final int length)
    {
        final int names = parser.nameCount();
        if (names != learntNames)
        {
            learntNames = names;
            learntNameBytes += length;
        }

        return learntNames > MAX_PARSER_NAMES || learntNameBytes > MAX_PARSER_NAME_BYTES;
    }

    /**
     * Close the kept parser, which adds the names it learnt to the name table, and create another from the table,
     * or from a new, empty one.
     *
     * @param forgetNames true to start from an empty name table.
     */
    private void replaceParser(final boolean forgetNames)
    {
        closeQuietly(parser);
        if (forgetNames)
        {
            nameTable = REUSABLE_PARSER_FACTORY.createNameTable();
            learntNames = 0;
            learntNameBytes = 0;
        }
        parser = REUSABLE_PARSER_FACTORY.createReusableParser(nameTable);
    }

    /**
     * @param parser the kept parser or a parser of the message's own.
     * @return offset in the message of the {@code '{'} the parser has just returned as {@link JsonToken#START_OBJECT}.
     */
    private int objectStart(final JsonParser parser)
    {
        return parser == this.parser ?
            this.parser.position() - 1 - messageOffset : (int)parser.currentTokenLocation().getByteOffset();
    }

    /**
     * @param parser the kept parser or a parser of the message's own.
     * @return offset in the message just past the token the parser has just returned.
     */
    private int tokenEnd(final JsonParser parser)
    {
        return parser == this.parser ?
            this.parser.position() - messageOffset : (int)parser.currentLocation().getByteOffset();
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private boolean parse(final JsonParser parser) throws IOException
    {
        JsonToken token = parser.nextToken();
        if (null == token)
        {
            fail(ErrorCode.NOT_JSON, REASON_EMPTY);
            return false;
        }
        if (token != JsonToken.START_OBJECT)
        {
            fail(ErrorCode.NOT_AN_OBJECT, REASON_NOT_AN_OBJECT);
            return false;
        }
        rootStart = objectStart(parser);

        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            final boolean parsed;
            switch (name)
            {
                case "type":
                    parsed = parseType(parser, value);
                    break;

                case "id":
                    parsed = parseIdentifier(parser, value, id, false);
                    break;

                case "room":
                    parsed = parseIdentifier(parser, value, room, true);
                    break;

                case "key":
                    parsed = parseIdentifier(parser, value, key, false);
                    break;

                case "data":
                    parsed = parseData(parser, value);
                    break;

                default:
                    extraField = true;
                    rootAuthor |= "author".equals(name);
                    parsed = skip(parser, value, 2, maxDepth) || tooDeep();
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
        rootEnd = tokenEnd(parser);

        return true;
    }

    private boolean parseType(final JsonParser parser, final JsonToken value) throws IOException
    {
        if (typeState != ABSENT)
        {
            typeState = DUPLICATE;
        }
        else if (value != JsonToken.VALUE_STRING)
        {
            typeState = WRONG_TYPE;
        }
        else
        {
            typeState = PRESENT;
            type = clientType(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }

        return skip(parser, value, 2, maxDepth) || tooDeep();
    }

    private boolean parseIdentifier(
        final JsonParser parser, final JsonToken value, final Identifier identifier, final boolean isRoom)
        throws IOException
    {
        if (identifier.state != ABSENT)
        {
            identifier.state = DUPLICATE;
        }
        else if (value != JsonToken.VALUE_STRING)
        {
            identifier.state = WRONG_TYPE;
        }
        else
        {
            identifier.state = identifier.capture(
                parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), isRoom) ?
                PRESENT : INVALID;
        }

        return skip(parser, value, 2, maxDepth) || tooDeep();
    }

    private boolean parseData(final JsonParser parser, final JsonToken value) throws IOException
    {
        if (dataState != ABSENT || value != JsonToken.START_OBJECT)
        {
            dataState = dataState != ABSENT ? DUPLICATE : WRONG_TYPE;
            return skip(parser, value, 2, maxDepth) || tooDeep();
        }
        if (2 > maxDepth)
        {
            return tooDeep();
        }
        dataStart = objectStart(parser);

        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken field = parser.nextToken();
            switch (name)
            {
                case "author":
                    dataAuthor = true;
                    break;

                case "epoch":
                    epoch.capture(parser, field, Long.MAX_VALUE);
                    break;

                case "seq":
                    seq.capture(parser, field, Long.MAX_VALUE);
                    break;

                case "timestamp":
                    timestamp.capture(parser, field, Long.MAX_VALUE);
                    break;

                case "version":
                    version.capture(parser, field, 0xFFFF);
                    break;

                case "typing":
                    parseTyping(field);
                    break;

                case "token":
                    parseToken(parser, field);
                    break;

                default:
                    break;
            }

            if (!skip(parser, field, 3, maxDepth))
            {
                return tooDeep();
            }
        }

        if (token != JsonToken.END_OBJECT)
        {
            throw new IOException("object not closed");
        }
        dataEnd = tokenEnd(parser);
        dataState = PRESENT;

        return true;
    }

    private void parseTyping(final JsonToken value)
    {
        if (typingState != ABSENT)
        {
            typingState = DUPLICATE;
        }
        else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE)
        {
            typingState = PRESENT;
            typing = value == JsonToken.VALUE_TRUE;
        }
        else
        {
            typingState = WRONG_TYPE;
        }
    }

    private void parseToken(final JsonParser parser, final JsonToken value) throws IOException
    {
        if (tokenState != ABSENT)
        {
            tokenState = DUPLICATE;
            return;
        }
        if (value != JsonToken.VALUE_STRING)
        {
            tokenState = WRONG_TYPE;
            return;
        }

        final char[] chars = parser.getTextCharacters();
        final int offset = parser.getTextOffset();
        final int end = offset + parser.getTextLength();
        final byte[] token = this.token;
        int length = 0;
        for (int i = offset; i < end; i++)
        {
            final char c = chars[i];
            if (length + 4 > MAX_TOKEN_BYTES && length + utf8Length(chars, i, end) > MAX_TOKEN_BYTES)
            {
                tokenState = TOO_LONG;
                return;
            }

            if (c < 0x80)
            {
                token[length++] = (byte)c;
            }
            else if (c < 0x800)
            {
                token[length++] = (byte)(0xC0 | (c >> 6));
                token[length++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1]))
            {
                final int cp = Character.toCodePoint(c, chars[++i]);
                token[length++] = (byte)(0xF0 | (cp >> 18));
                token[length++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                token[length++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                token[length++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                tokenState = INVALID;
                return;
            }
            else
            {
                token[length++] = (byte)(0xE0 | (c >> 12));
                token[length++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                token[length++] = (byte)(0x80 | (c & 0x3F));
            }
        }

        tokenLength = length;
        tokenState = PRESENT;
    }

    private static int utf8Length(final char[] chars, final int index, final int end)
    {
        final char c = chars[index];
        if (c < 0x80)
        {
            return 1;
        }
        else if (c < 0x800)
        {
            return 2;
        }
        else if (Character.isHighSurrogate(c) && index + 1 < end && Character.isLowSurrogate(chars[index + 1]))
        {
            return 4;
        }

        return 3;
    }

    private static int clientType(final char[] chars, final int offset, final int length)
    {
        for (int i = 0; i < TYPE_NAMES.length; i++)
        {
            final char[] name = TYPE_NAMES[i];
            if (name.length == length && regionMatches(name, chars, offset))
            {
                return i + 1;
            }
        }

        return TYPE_UNKNOWN;
    }

    private static boolean regionMatches(final char[] name, final char[] chars, final int offset)
    {
        for (int i = 0; i < name.length; i++)
        {
            if (name[i] != chars[offset + i])
            {
                return false;
            }
        }

        return true;
    }

    private int encodeSeedForm(
        final byte[] src, final int offset, final MutableDirectBuffer dst, final int dstOffset, final byte[] defaultRoom)
    {
        seedForm = true;
        errorDefaultRoom = defaultRoom;
        if (rootAuthor)
        {
            return fail(ErrorCode.RESERVED_FIELD, SEED_AUTHOR);
        }

        publishEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .kind(MessageKind.MESSAGE)
            .format(PayloadFormat.JSON)
            .putRoom(defaultRoom, 0, defaultRoom.length)
            .putClientMessageId(src, 0, 0)
            .putKey(src, 0, 0)
            .putPayload(src, offset + rootStart, rootEnd - rootStart);

        return MessageHeaderEncoder.ENCODED_LENGTH + publishEncoder.encodedLength();
    }

    private int encodeProtocol(
        final byte[] src, final int offset, final MutableDirectBuffer dst, final int dstOffset, final byte[] defaultRoom)
    {
        if (typeState == ABSENT)
        {
            return fail(ErrorCode.UNKNOWN_TYPE, TYPE_MISSING);
        }
        if (typeState == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, TYPE_TWICE);
        }
        if (id.state == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, ID_TWICE);
        }
        if (room.state == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, ROOM_TWICE);
        }
        if (key.state == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, KEY_TWICE);
        }
        if (dataState == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, DATA_TWICE);
        }
        if (typeState == WRONG_TYPE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, TYPE_NOT_STRING);
        }
        if (type == TYPE_UNKNOWN)
        {
            return fail(ErrorCode.UNKNOWN_TYPE, TYPE_NOT_CLIENT);
        }
        if (id.state == WRONG_TYPE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, ID_NOT_STRING);
        }
        if (id.state == INVALID)
        {
            return fail(ErrorCode.INVALID_ID, ID_INVALID);
        }

        switch (type)
        {
            case TYPE_TEXT:
                return encodePublish(MessageKind.TEXT, src, offset, dst, dstOffset, defaultRoom);

            case TYPE_MESSAGE:
                return encodePublish(MessageKind.MESSAGE, src, offset, dst, dstOffset, defaultRoom);

            case TYPE_SYSTEM:
                return encodePublish(MessageKind.SYSTEM, src, offset, dst, dstOffset, defaultRoom);

            case TYPE_JOIN:
            case TYPE_RESUME:
                return encodeJoin(dst, dstOffset, defaultRoom);

            case TYPE_LEAVE:
                return encodeLeave(dst, dstOffset, defaultRoom);

            case TYPE_TYPING:
                return encodeTyping(dst, dstOffset, defaultRoom);

            case TYPE_PING:
                return encodePing(dst, dstOffset);

            default:
                return encodeConnect(dst, dstOffset);
        }
    }

    private byte[] resolveRoom(final byte[] defaultRoom)
    {
        switch (room.state)
        {
            case PRESENT:
                return room.bytes;

            case WRONG_TYPE:
                fail(ErrorCode.WRONG_FIELD_TYPE, ROOM_NOT_STRING);
                return null;

            case INVALID:
                fail(ErrorCode.INVALID_ROOM, ROOM_INVALID);
                return null;

            default:
                if (null == defaultRoom)
                {
                    fail(ErrorCode.MISSING_FIELD, ROOM_MISSING);
                    return null;
                }
                errorDefaultRoom = defaultRoom;
                return defaultRoom;
        }
    }

    private int roomLength(final byte[] resolvedRoom)
    {
        return resolvedRoom == room.bytes ? room.length : resolvedRoom.length;
    }

    private boolean isDataWrongType()
    {
        if (dataState == WRONG_TYPE)
        {
            fail(ErrorCode.WRONG_FIELD_TYPE, DATA_NOT_OBJECT);
            return true;
        }

        return false;
    }

    private int encodePublish(
        final MessageKind kind,
        final byte[] src,
        final int offset,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final byte[] defaultRoom)
    {
        final byte[] resolvedRoom = resolveRoom(defaultRoom);
        if (null == resolvedRoom)
        {
            return -1;
        }
        if (key.state == WRONG_TYPE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, KEY_NOT_STRING);
        }
        if (key.state == INVALID)
        {
            return fail(ErrorCode.INVALID_ID, KEY_INVALID);
        }
        if (isDataWrongType())
        {
            return -1;
        }
        if (dataAuthor)
        {
            return fail(ErrorCode.RESERVED_FIELD, DATA_AUTHOR);
        }

        publishEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .kind(kind)
            .format(PayloadFormat.JSON)
            .putRoom(resolvedRoom, 0, roomLength(resolvedRoom))
            .putClientMessageId(id.bytes, 0, id.state == PRESENT ? id.length : 0)
            .putKey(key.bytes, 0, key.state == PRESENT ? key.length : 0);

        if (dataState == PRESENT)
        {
            publishEncoder.putPayload(src, offset + dataStart, dataEnd - dataStart);
        }
        else
        {
            publishEncoder.putPayload(EMPTY_OBJECT, 0, EMPTY_OBJECT.length);
        }

        return MessageHeaderEncoder.ENCODED_LENGTH + publishEncoder.encodedLength();
    }

    private int encodeJoin(final MutableDirectBuffer dst, final int dstOffset, final byte[] defaultRoom)
    {
        final byte[] resolvedRoom = resolveRoom(defaultRoom);
        if (null == resolvedRoom || isDataWrongType() ||
            isNumberWrong(epoch, EPOCH_WRONG, EPOCH_TWICE) || isNumberWrong(seq, SEQ_WRONG, SEQ_TWICE))
        {
            return -1;
        }

        final boolean hasEpoch = epoch.state == PRESENT;
        final boolean hasSeq = seq.state == PRESENT;
        if (type == TYPE_RESUME && dataState == ABSENT)
        {
            return fail(ErrorCode.MISSING_FIELD, DATA_MISSING);
        }
        if ((type == TYPE_RESUME || hasSeq) && !hasEpoch)
        {
            return fail(ErrorCode.MISSING_FIELD, EPOCH_MISSING);
        }
        if ((type == TYPE_RESUME || hasEpoch) && !hasSeq)
        {
            return fail(ErrorCode.MISSING_FIELD, SEQ_MISSING);
        }

        joinEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .resumeEpoch(hasEpoch ? epoch.value : JoinEncoder.resumeEpochNullValue())
            .resumeSeq(hasSeq ? seq.value : JoinEncoder.resumeSeqNullValue())
            .putRoom(resolvedRoom, 0, roomLength(resolvedRoom))
            .putCorrelationId(id.bytes, 0, id.state == PRESENT ? id.length : 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + joinEncoder.encodedLength();
    }

    private int encodeLeave(final MutableDirectBuffer dst, final int dstOffset, final byte[] defaultRoom)
    {
        final byte[] resolvedRoom = resolveRoom(defaultRoom);
        if (null == resolvedRoom)
        {
            return -1;
        }

        leaveEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .putRoom(resolvedRoom, 0, roomLength(resolvedRoom))
            .putCorrelationId(id.bytes, 0, id.state == PRESENT ? id.length : 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + leaveEncoder.encodedLength();
    }

    private int encodeTyping(final MutableDirectBuffer dst, final int dstOffset, final byte[] defaultRoom)
    {
        final byte[] resolvedRoom = resolveRoom(defaultRoom);
        if (null == resolvedRoom || isDataWrongType())
        {
            return -1;
        }
        if (typingState == DUPLICATE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, TYPING_TWICE);
        }
        if (typingState == WRONG_TYPE)
        {
            return fail(ErrorCode.WRONG_FIELD_TYPE, TYPING_WRONG);
        }

        typingCommandEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .isTyping(typing ? BooleanType.TRUE : BooleanType.FALSE)
            .putRoom(resolvedRoom, 0, roomLength(resolvedRoom));

        return MessageHeaderEncoder.ENCODED_LENGTH + typingCommandEncoder.encodedLength();
    }

    private int encodePing(final MutableDirectBuffer dst, final int dstOffset)
    {
        if (isDataWrongType() || isNumberWrong(timestamp, TIMESTAMP_WRONG, TIMESTAMP_TWICE))
        {
            return -1;
        }

        pingEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .timestamp(timestamp.state == PRESENT ? timestamp.value : 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + pingEncoder.encodedLength();
    }

    private int encodeConnect(final MutableDirectBuffer dst, final int dstOffset)
    {
        if (isDataWrongType() || isNumberWrong(version, VERSION_WRONG, VERSION_TWICE))
        {
            return -1;
        }

        switch (tokenState)
        {
            case ABSENT:
                return fail(ErrorCode.MISSING_FIELD, TOKEN_MISSING);

            case WRONG_TYPE:
                return fail(ErrorCode.WRONG_FIELD_TYPE, TOKEN_NOT_STRING);

            case DUPLICATE:
                return fail(ErrorCode.WRONG_FIELD_TYPE, TOKEN_TWICE);

            case INVALID:
                return fail(ErrorCode.INVALID_UTF8, TOKEN_NOT_UNICODE);

            case TOO_LONG:
                return fail(ErrorCode.MESSAGE_TOO_LARGE, TOKEN_TOO_LONG);

            default:
                break;
        }

        connectEncoder.wrapAndApplyHeader(dst, dstOffset, headerEncoder)
            .protocolVersion(version.state == PRESENT ? (int)version.value : 0)
            .putToken(token, 0, tokenLength);

        return MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();
    }

    private boolean isNumberWrong(final Integral number, final String wrongReason, final String twiceReason)
    {
        switch (number.state)
        {
            case WRONG_TYPE:
            case INVALID:
                fail(ErrorCode.WRONG_FIELD_TYPE, wrongReason);
                return true;

            case DUPLICATE:
                fail(ErrorCode.WRONG_FIELD_TYPE, twiceReason);
                return true;

            default:
                return false;
        }
    }

    /**
     * An identifier read from the text: its state, and its ASCII bytes when valid.
     */
    private static final class Identifier
    {
        final byte[] bytes = new byte[Identifiers.MAX_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        byte state;
        int length;
        boolean captured;

        void reset()
        {
            state = ABSENT;
            length = 0;
            captured = false;
        }

        boolean capture(final char[] chars, final int offset, final int length, final boolean isRoom)
        {
            if (length < 1 || length > Identifiers.MAX_LENGTH)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                final char c = chars[offset + i];
                if (c >= 0x80)
                {
                    return false;
                }
                bytes[i] = (byte)c;
            }

            final boolean valid = isRoom ?
                Identifiers.isValidRoom(buffer, 0, length) : Identifiers.isValidId(buffer, 0, length);
            if (valid)
            {
                this.length = length;
                captured = true;
            }

            return valid;
        }
    }

    /**
     * A non-negative integer read from the text.
     */
    private static final class Integral
    {
        private static final int MAX_LONG_CHARS = 20;

        byte state;
        long value;

        void reset()
        {
            state = ABSENT;
            value = 0;
        }

        void capture(final JsonParser parser, final JsonToken token, final long max) throws IOException
        {
            if (state != ABSENT)
            {
                state = DUPLICATE;
            }
            else if (token != JsonToken.VALUE_NUMBER_INT)
            {
                state = WRONG_TYPE;
            }
            else
            {
                state = INVALID;
                if (parser.getTextLength() <= MAX_LONG_CHARS)
                {
                    final JsonParser.NumberType numberType = parser.getNumberType();
                    if (numberType == JsonParser.NumberType.INT || numberType == JsonParser.NumberType.LONG)
                    {
                        final long value = parser.getLongValue();
                        if (value >= 0 && value <= max)
                        {
                            this.value = value;
                            state = PRESENT;
                        }
                    }
                }
            }
        }
    }
}
