package io.roomwire.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.roomwire.protocol.codec.ConnectDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.roomwire.protocol.TestMessages.bytes;
import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the JSON codec: no input makes the decoder throw or write something unreadable, valid publishes
 * keep the client's bytes, and what {@link JsonWriter} writes is the string Jackson reads back.
 */
class JsonCodecProperties
{
    private static final byte[] GENERAL = utf8("general");
    private static final String ROOM_CHARS =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";
    private static final String SEEDS_JSON_CHARS = "{}[]\":,0123456789.-+eE \t\n\rtruefalsnl\\/ubx";
    private static final List<String> VALID_CLIENT_MESSAGES = List.of(
        "{\"type\":\"connect\",\"data\":{\"version\":0,\"token\":\"abc.def\"}}",
        "{\"type\":\"join\",\"id\":\"j1\",\"room\":\"general\"}",
        "{\"type\":\"resume\",\"id\":\"j1\",\"room\":\"general\",\"data\":{\"epoch\":1711000000000,\"seq\":41}}",
        "{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"general\"}",
        "{\"type\":\"text\",\"id\":\"msg_123\",\"room\":\"general\",\"data\":{\"content\":\"Hello\"}}",
        "{\"type\":\"message\",\"room\":\"general\",\"key\":\"k\",\"data\":{\"a\":[1,{\"b\":null}],\"c\":\"\u00e9\"}}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":true}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":1711000000123}}",
        "{\"text\":\"a seed-form object\",\"n\":1}",
        " { \"type\" : \"system\" , \"room\" : \"r\" , \"data\" : { \"x\" : [ ] } } ");

    private final JsonDecoder decoder = new JsonDecoder(4096, 8);
    private final JsonDecoder lenientDecoder = new JsonDecoder(8192, 9);
    private final JsonEncoder encoder = new JsonEncoder();
    private final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer();
    private final ExpandableArrayBuffer json = new ExpandableArrayBuffer();
    private final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    // ---------------------------------------------------------------- (a) arbitrary input

    @Property(tries = 5000)
    void arbitraryStringsDecodeOrFailWithATypedError(@ForAll("jsonishStrings") final String text)
    {
        assertDecodesOrFailsCleanly(utf8(text));
    }

    @Property(tries = 1000)
    void arbitraryUnicodeStringsDecodeOrFailWithATypedError(@ForAll @Size(max = 200) final String text)
    {
        assertDecodesOrFailsCleanly(utf8(text));
    }

    @Property(tries = 1000)
    void arbitraryBytesDecodeOrFailWithATypedError(@ForAll @Size(max = 300) final byte[] bytes)
    {
        assertDecodesOrFailsCleanly(bytes);
    }

    // ---------------------------------------------------------------- (b) mutations of valid messages

    @Property(tries = 8000)
    void mutatedValidMessagesDecodeOrFailWithATypedError(@ForAll("mutatedMessages") final byte[] bytes)
    {
        assertDecodesOrFailsCleanly(bytes);
    }

    @Property(tries = 1)
    void unmutatedSeedsAllDecode()
    {
        for (final String text : VALID_CLIENT_MESSAGES)
        {
            final byte[] bytes = utf8(text);
            assertTrue(decoder.decodeClientMessage(bytes, 0, bytes.length, sbe, 0, GENERAL) > 0, text);
            assertTrue(decoder.decodeClientMessage(bytes, 0, bytes.length, sbe, 0, null) > 0 ||
                decoder.error().code() == ErrorCode.UNKNOWN_TYPE, text);
        }
    }

    // ---------------------------------------------------------------- (c) valid publishes

    @Property(tries = 1000)
    void validPublishesKeepTheBytesOfData(
        @ForAll("rooms") final String room,
        @ForAll("ids") final String id,
        @ForAll("optionalIds") final String key,
        @ForAll("dataObjects") final String data,
        @ForAll("whitespace") final String space,
        @ForAll("kinds") final MessageKind kind)
    {
        final List<String> fields = new ArrayList<>();
        fields.add(quote("type") + space + ":" + quote(kind.name().toLowerCase(java.util.Locale.ROOT)));
        fields.add(quote("id") + ":" + space + quote(id));
        fields.add(quote("room") + ":" + quote(room) + space);
        if (!key.isEmpty())
        {
            fields.add(space + quote("key") + ":" + quote(key));
        }
        fields.add(quote("data") + space + ":" + space + data + space);
        java.util.Collections.rotate(fields, data.length() % fields.size());
        final byte[] text = utf8(space + "{" + String.join(",", fields) + "}" + space);

        final int length = decoder.decodeClientMessage(text, 0, text.length, sbe, 0, null);

        assertTrue(length > 0, () -> decoder.error() + " for " + string(text));
        final PublishDecoder publish = new PublishDecoder().wrapAndApplyHeader(sbe, 0, header);
        assertEquals(kind, publish.kind());
        assertEquals(PayloadFormat.JSON, publish.format());
        assertEquals(room, publish.room());
        assertEquals(id, publish.clientMessageId());
        assertEquals(key, publish.key());
        final byte[] payload = new byte[publish.payloadLength()];
        publish.getPayload(payload, 0, payload.length);
        assertArrayEquals(utf8(data), payload);
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + publish.encodedLength());
    }

    @Property(tries = 300)
    void seedFormObjectsAreCarriedWhole(@ForAll("dataObjects") final String object)
    {
        final byte[] text = utf8(object);

        final int length = decoder.decodeClientMessage(text, 0, text.length, sbe, 0, GENERAL);

        assertTrue(length > 0, () -> decoder.error() + " for " + object);
        final PublishDecoder publish = new PublishDecoder().wrapAndApplyHeader(sbe, 0, header);
        assertEquals(MessageKind.MESSAGE, publish.kind());
        assertEquals("general", publish.room());
        assertEquals("", publish.clientMessageId());
        assertEquals("", publish.key());
        final byte[] payload = new byte[publish.payloadLength()];
        publish.getPayload(payload, 0, payload.length);
        assertArrayEquals(text, payload);
    }

    @Property(tries = 300)
    void deliversRoundTripThroughJson(
        @ForAll("rooms") final String room,
        @ForAll("users") final String author,
        @ForAll("optionalIds") final String key,
        @ForAll("dataObjects") final String data,
        @ForAll final byte[] binary,
        @ForAll final boolean isBinary,
        @ForAll("kinds") final MessageKind kind)
    {
        final byte[] message = TestMessages.deliver(kind, isBinary ? PayloadFormat.BINARY : PayloadFormat.JSON, room,
            TestMessages.EPOCH, data.length(), binary.length, author, key, isBinary ? binary : utf8(data));

        final int jsonLength = encoder.encode(new UnsafeBuffer(message), 0, message.length, json, 0);
        assertTrue(jsonLength > 0);
        final int length = lenientDecoder.decodeServerMessage(json, 0, jsonLength, sbe, 0);

        assertTrue(length > 0, () -> lenientDecoder.error() + " for " + string(json, 0, jsonLength));
        assertArrayEquals(message, bytes(sbe, 0, length), () -> string(json, 0, jsonLength));
    }

    // ---------------------------------------------------------------- (d) JsonWriter

    @Property(tries = 1500)
    void writtenStringsParseToTheSameString(@ForAll("unicodeStrings") final String value) throws IOException
    {
        final String expected = replaceUnpairedSurrogates(value);
        final JsonWriter writer = new JsonWriter().wrap(json, 3);

        writer.raw('[').string(value).raw(',').utf8String(new UnsafeBuffer(utf8(expected)), 0, utf8(expected).length)
            .raw(']');

        final byte[] written = bytes(json, 3, writer.length());
        assertTrue(JsonDecoder.isValidUtf8(written, 0, written.length));
        try (JsonParser parser = JsonDecoder.JSON_FACTORY.createParser(written))
        {
            assertEquals(JsonToken.START_ARRAY, parser.nextToken());
            assertEquals(JsonToken.VALUE_STRING, parser.nextToken());
            assertEquals(expected, parser.getText());
            assertEquals(JsonToken.VALUE_STRING, parser.nextToken());
            assertEquals(expected, parser.getText());
            assertEquals(JsonToken.END_ARRAY, parser.nextToken());
            assertEquals(null, parser.nextToken());
        }
    }

    @Property(tries = 500)
    void writtenControlCharactersAreEscaped(@ForAll("controlStrings") final String value) throws IOException
    {
        final JsonWriter writer = new JsonWriter().wrap(json, 0).string(value);

        final String written = string(json, 0, writer.length());
        for (int i = 0; i < written.length(); i++)
        {
            assertTrue(written.charAt(i) >= 0x20, written);
        }
        try (JsonParser parser = JsonDecoder.JSON_FACTORY.createParser(written))
        {
            assertEquals(JsonToken.VALUE_STRING, parser.nextToken());
            assertEquals(value, parser.getText());
        }
    }

    @Property(tries = 300)
    void writtenBase64DecodesToTheBytes(@ForAll @Size(max = 100) final byte[] value)
    {
        final JsonWriter writer = new JsonWriter().wrap(json, 0).base64(new UnsafeBuffer(value), 0, value.length);

        final String written = string(json, 0, writer.length());
        assertArrayEquals(value, java.util.Base64.getDecoder().decode(written.substring(1, written.length() - 1)));
    }

    // ---------------------------------------------------------------- checks

    private void assertDecodesOrFailsCleanly(final byte[] bytes)
    {
        assertDecodesOrFailsCleanly(bytes, null);
        assertDecodesOrFailsCleanly(bytes, GENERAL);
    }

    private void assertDecodesOrFailsCleanly(final byte[] bytes, final byte[] defaultRoom)
    {
        final int length = decoder.decodeClientMessage(bytes, 0, bytes.length, sbe, 0, defaultRoom);
        if (length < 0)
        {
            assertEquals(-1, length);
            assertNotNull(decoder.error().code());
            assertNotEquals(ErrorCode.NULL_VAL, decoder.error().code());
            assertNotNull(decoder.error().reason());
            final int errorLength = decoder.error().encode(again, 0);
            final int errorJsonLength = encoder.encode(again, 0, errorLength, json, 0);
            assertTrue(errorJsonLength > 0);
            assertParses(json, errorJsonLength);
            return;
        }

        assertTrue(length <= bytes.length + JsonDecoder.MAX_SBE_OVERHEAD);
        assertEquals(length, readWithGeneratedDecoders(sbe, length));

        final int jsonLength = encoder.encode(sbe, 0, length, json, 0);
        assertTrue(jsonLength > 0, () -> "cannot render what " + string(bytes) + " decoded to");
        assertParses(json, jsonLength);

        final int againLength = lenientDecoder.decodeClientMessage(json, 0, jsonLength, again, 0, defaultRoom);
        assertTrue(againLength > 0, () -> lenientDecoder.error() + " for " + string(json, 0, jsonLength));
        assertArrayEquals(bytes(sbe, 0, length), bytes(again, 0, againLength), () -> string(json, 0, jsonLength));
    }

    private int readWithGeneratedDecoders(final DirectBuffer buffer, final int length)
    {
        header.wrap(buffer, 0);
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, header.schemaId());
        assertEquals(MessageHeaderDecoder.SCHEMA_VERSION, header.version());
        final int bodyLength;
        switch (header.templateId())
        {
            case ConnectDecoder.TEMPLATE_ID:
                final ConnectDecoder connect = new ConnectDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertTrue(connect.protocolVersion() >= 0);
                assertNotNull(connect.token());
                bodyLength = connect.encodedLength();
                break;

            case JoinDecoder.TEMPLATE_ID:
                final JoinDecoder join = new JoinDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertEquals(join.resumeEpoch() == JoinDecoder.resumeEpochNullValue(),
                    join.resumeSeq() == JoinDecoder.resumeSeqNullValue());
                assertTrue(Identifiers.isValidRoom(join.room()));
                join.correlationId();
                bodyLength = join.encodedLength();
                break;

            case LeaveDecoder.TEMPLATE_ID:
                final LeaveDecoder leave = new LeaveDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertTrue(Identifiers.isValidRoom(leave.room()));
                leave.correlationId();
                bodyLength = leave.encodedLength();
                break;

            case PublishDecoder.TEMPLATE_ID:
                final PublishDecoder publish = new PublishDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertNotEquals(MessageKind.NULL_VAL, publish.kind());
                assertEquals(PayloadFormat.JSON, publish.format());
                assertTrue(Identifiers.isValidRoom(publish.room()));
                final String id = publish.clientMessageId();
                assertTrue(id.isEmpty() || Identifiers.isValidId(id));
                final String key = publish.key();
                assertTrue(key.isEmpty() || Identifiers.isValidId(key));
                final byte[] payload = new byte[publish.payloadLength()];
                publish.getPayload(payload, 0, payload.length);
                assertEquals('{', payload[0]);
                assertEquals('}', payload[payload.length - 1]);
                bodyLength = publish.encodedLength();
                break;

            case TypingCommandDecoder.TEMPLATE_ID:
                final TypingCommandDecoder typing = new TypingCommandDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertNotNull(typing.isTyping());
                assertTrue(Identifiers.isValidRoom(typing.room()));
                bodyLength = typing.encodedLength();
                break;

            case PingDecoder.TEMPLATE_ID:
                final PingDecoder ping = new PingDecoder().wrapAndApplyHeader(buffer, 0, header);
                assertTrue(ping.timestamp() >= 0);
                bodyLength = ping.encodedLength();
                break;

            default:
                throw new AssertionError("not a client message: " + header.templateId());
        }

        return MessageHeaderDecoder.ENCODED_LENGTH + bodyLength;
    }

    private static void assertParses(final DirectBuffer buffer, final int length)
    {
        try
        {
            JsonEncoderTest.assertParsesAsObject(string(buffer, 0, length));
        }
        catch (final IOException ex)
        {
            throw new AssertionError(string(buffer, 0, length), ex);
        }
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> jsonishStrings()
    {
        final Arbitrary<String> tokens = Arbitraries.of(
            "{", "}", "[", "]", ":", ",", "\"type\"", "\"text\"", "\"join\"", "\"resume\"", "\"ping\"",
            "\"connect\"", "\"typing\"", "\"leave\"", "\"message\"", "\"system\"", "\"id\"", "\"room\"",
            "\"key\"", "\"data\"", "\"author\"", "\"general\"", "\"epoch\"", "\"seq\"", "\"timestamp\"",
            "\"token\"", "\"version\"", "1", "-1", "0", "1.5", "1e3", "99999999999999999999", "true", "false",
            "null", " ", "\"\\u00e9\"", "\"a b\"", "\"\\ud800\"");
        return Arbitraries.frequencyOf(
            Tuple.of(6, protocolMessage()),
            Tuple.of(2, protocolObject(3)),
            Tuple.of(2, tokens.list().ofMaxSize(40).map((list) -> String.join("", list))),
            Tuple.of(1, Arbitraries.strings().withChars(SEEDS_JSON_CHARS).ofMaxLength(80)));
    }

    private Arbitrary<String> protocolMessage()
    {
        final Arbitrary<String> clientTypes = Arbitraries.of(
            "text", "message", "system", "join", "resume", "leave", "typing", "ping", "connect");
        final Arbitrary<String> type = Arbitraries.frequencyOf(
            Tuple.of(8, clientTypes.map(JsonCodecProperties::quote)), Tuple.of(1, protocolScalar()));
        final Arbitrary<String> id = Arbitraries.frequencyOf(
            Tuple.of(4, ids().map(JsonCodecProperties::quote)), Tuple.of(1, protocolScalar()));
        final Arbitrary<String> room = Arbitraries.frequencyOf(
            Tuple.of(4, rooms().map(JsonCodecProperties::quote)), Tuple.of(1, protocolScalar()));
        final Arbitrary<String> data = Arbitraries.frequencyOf(
            Tuple.of(4, protocolData()), Tuple.of(1, protocolScalar()), Tuple.of(1, protocolObject(2)));
        final Arbitrary<String> extra = Combinators.combine(
            Arbitraries.of("author", "type", "data", "x", "room"), protocolScalar())
            .as((name, value) -> quote(name) + ":" + value);

        return Combinators.combine(
            type.map((value) -> "\"type\":" + value).injectNull(0.1),
            id.map((value) -> "\"id\":" + value).injectNull(0.5),
            room.map((value) -> "\"room\":" + value).injectNull(0.3),
            id.map((value) -> "\"key\":" + value).injectNull(0.8),
            data.map((value) -> "\"data\":" + value).injectNull(0.3),
            extra.injectNull(0.85),
            whitespace())
            .as((t, i, r, k, d, e, space) ->
            {
                final List<String> fields = new ArrayList<>();
                for (final String field : Arrays.asList(t, i, r, k, d, e))
                {
                    if (null != field)
                    {
                        fields.add(space + field);
                    }
                }
                return fields;
            })
            .flatMap(Arbitraries::shuffle)
            .map((fields) -> "{" + String.join(",", fields) + "}");
    }

    private Arbitrary<String> protocolData()
    {
        final Arbitrary<String> names = Arbitraries.of(
            "epoch", "seq", "timestamp", "typing", "token", "version", "author", "content", "epoch", "seq");
        final Arbitrary<String> values = Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.longs().between(-2, Long.MAX_VALUE).map(String::valueOf)),
            Tuple.of(3, protocolScalar()),
            Tuple.of(1, Arbitraries.lazy(() -> protocolObject(1))));

        return Combinators.combine(names, values).as((name, value) -> quote(name) + ":" + value)
            .list().ofMaxSize(3).map((members) -> "{" + String.join(",", members) + "}");
    }

    private Arbitrary<String> protocolObject(final int depth)
    {
        final Arbitrary<String> names = Arbitraries.of(
            "type", "type", "id", "room", "key", "data", "data", "author", "epoch", "seq", "timestamp", "typing",
            "token", "version", "x");
        final Arbitrary<String> values = depth == 0 ? protocolScalar() : Arbitraries.frequencyOf(
            Tuple.of(5, protocolScalar()),
            Tuple.of(2, Arbitraries.lazy(() -> protocolObject(depth - 1))),
            Tuple.of(1, Arbitraries.lazy(() -> protocolObject(depth - 1)).list().ofMaxSize(2)
                .map((list) -> "[" + String.join(",", list) + "]")));
        final Arbitrary<String> member = Combinators.combine(names, values, whitespace())
            .as((name, value, space) -> space + quote(name) + ":" + value + space);

        return member.list().ofMaxSize(6).map((members) -> "{" + String.join(",", members) + "}");
    }

    private Arbitrary<String> protocolScalar()
    {
        return Arbitraries.oneOf(
            Arbitraries.of(
                "text", "message", "system", "join", "resume", "leave", "typing", "ping", "connect", "ack", "general",
                "j1", "msg_123", "bad room", "", "r".repeat(64), "r".repeat(65), "a\"b").map(JsonCodecProperties::quote),
            Arbitraries.of(
                "0", "1", "-1", "41", "1711000000000", "65535", "65536", "1.5", "1e3", "9223372036854775807",
                "9223372036854775808", "true", "false", "null"));
    }

    @Provide
    Arbitrary<byte[]> mutatedMessages()
    {
        final Arbitrary<byte[]> seeds = Arbitraries.of(VALID_CLIENT_MESSAGES).map(TestMessages::utf8);
        final Arbitrary<int[]> mutation = Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 255)).as((kind, at, span, value) -> new int[]{ kind, at, span, value });

        return Combinators.combine(seeds, mutation.list().ofMinSize(1).ofMaxSize(4))
            .as(JsonCodecProperties::mutate);
    }

    @Provide
    Arbitrary<String> rooms()
    {
        return Arbitraries.strings().withChars(ROOM_CHARS).ofMinLength(1).ofMaxLength(Identifiers.MAX_LENGTH);
    }

    @Provide
    Arbitrary<String> users()
    {
        return Arbitraries.strings().withChars(ROOM_CHARS + "@").ofMinLength(1).ofMaxLength(Identifiers.MAX_LENGTH);
    }

    @Provide
    Arbitrary<String> ids()
    {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars('"', '\\')
            .ofMinLength(1).ofMaxLength(Identifiers.MAX_LENGTH);
    }

    @Provide
    Arbitrary<String> optionalIds()
    {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")), Tuple.of(2, ids()));
    }

    @Provide
    Arbitrary<MessageKind> kinds()
    {
        return Arbitraries.of(MessageKind.TEXT, MessageKind.MESSAGE, MessageKind.SYSTEM);
    }

    @Provide
    Arbitrary<String> whitespace()
    {
        return Arbitraries.strings().withChars(" \t\r\n").ofMaxLength(3);
    }

    @Provide
    Arbitrary<String> dataObjects()
    {
        return object(3, true);
    }

    @Provide
    Arbitrary<String> unicodeStrings()
    {
        return Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30),
            Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(30),
            Arbitraries.strings().withChars("a\"\\\u0000\u001f\u007f\u0080\u07ff\u0800\uffff\ud83d\ude00\ud800\udfff")
                .ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> controlStrings()
    {
        return Arbitraries.strings().withCharRange('\u0000', '\u0020').withChars("\"\\\u007f\u2028\u00e9")
            .ofMaxLength(40);
    }

    private Arbitrary<String> value(final int depth)
    {
        final Arbitrary<String> scalar = Arbitraries.oneOf(
            jsonString(),
            Arbitraries.of("0", "-1", "3.25", "1e-7", "-0.5E+3", "12345678901234567890123", "true", "false", "null"));
        if (depth == 0)
        {
            return scalar;
        }

        return Arbitraries.frequencyOf(
            Tuple.of(4, scalar),
            Tuple.of(1, Arbitraries.lazy(() -> object(depth - 1, false))),
            Tuple.of(1, Arbitraries.lazy(() -> array(depth - 1))));
    }

    private Arbitrary<String> object(final int depth, final boolean topLevel)
    {
        // At the top level a "type" naming a client message ({"type":"typing"}) makes it that message, not a seed-form
        // publish: such objects are covered by the typed examples, not by this generator.
        final Arbitrary<String> name = jsonString()
            .filter((quoted) -> !topLevel || !(quoted.equals("\"author\"") || quoted.equals("\"type\"")));
        final Arbitrary<String> member = Combinators.combine(name, whitespace(), whitespace(), value(depth))
            .as((key, before, after, value) -> before + key + after + ":" + before + value + after);

        return member.list().ofMaxSize(4).map((members) -> "{" + String.join(",", members) + "}");
    }

    private Arbitrary<String> array(final int depth)
    {
        return Combinators.combine(value(depth).list().ofMaxSize(4), whitespace())
            .as((values, space) -> "[" + space + String.join("," + space, values) + "]");
    }

    private static Arbitrary<String> jsonString()
    {
        return Arbitraries.oneOf(
            Arbitraries.of("author", "type", "epoch", "seq", "token", "typing", "members", "user"),
            Arbitraries.strings().ofMaxLength(12))
            .map((raw) -> quote(replaceUnpairedSurrogates(raw)));
    }

    private static String quote(final String value)
    {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    private static String replaceUnpairedSurrogates(final String value)
    {
        final StringBuilder builder = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                builder.append(c).append(value.charAt(++i));
            }
            else
            {
                builder.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }

        return builder.toString();
    }

    private static byte[] mutate(final byte[] seed, final List<int[]> mutations)
    {
        byte[] bytes = seed;
        for (final int[] mutation : mutations)
        {
            final int at = bytes.length == 0 ? 0 : mutation[1] % (bytes.length + 1);
            final int span = 1 + mutation[2] % 8;
            switch (mutation[0])
            {
                case 0:
                    if (bytes.length > 0)
                    {
                        bytes = bytes.clone();
                        bytes[Math.min(at, bytes.length - 1)] = (byte)mutation[3];
                    }
                    break;

                case 1:
                    bytes = Arrays.copyOf(bytes, at);
                    break;

                case 2:
                {
                    final byte[] inserted = new byte[bytes.length + span];
                    System.arraycopy(bytes, 0, inserted, 0, at);
                    Arrays.fill(inserted, at, at + span, (byte)mutation[3]);
                    System.arraycopy(bytes, at, inserted, at + span, bytes.length - at);
                    bytes = inserted;
                    break;
                }

                case 3:
                {
                    final int end = Math.min(bytes.length, at + span * 3);
                    final byte[] duplicated = new byte[bytes.length + end - at];
                    System.arraycopy(bytes, 0, duplicated, 0, end);
                    System.arraycopy(bytes, at, duplicated, end, bytes.length - at);
                    bytes = duplicated;
                    break;
                }

                default:
                {
                    final int end = Math.min(bytes.length, at + span);
                    final byte[] removed = new byte[bytes.length - (end - at)];
                    System.arraycopy(bytes, 0, removed, 0, at);
                    System.arraycopy(bytes, end, removed, at, bytes.length - end);
                    bytes = removed;
                }
            }
        }

        return bytes;
    }
}
