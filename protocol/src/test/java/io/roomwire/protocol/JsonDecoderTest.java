package io.roomwire.protocol;

import io.roomwire.protocol.codec.ConnectDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every typed error of {@link JsonDecoder}, at and just past its limits, the seed form, and what an error carries.
 */
class JsonDecoderTest
{
    private static final byte[] GENERAL = utf8("general");

    private JsonDecoder decoder = new JsonDecoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PublishDecoder publish = new PublishDecoder();

    @Test
    void defaultLimits()
    {
        assertEquals(65536, JsonDecoder.DEFAULT_MAX_MESSAGE_BYTES);
        assertEquals(32, JsonDecoder.DEFAULT_MAX_DEPTH);
        assertEquals(JsonDecoder.DEFAULT_MAX_MESSAGE_BYTES, decoder.maxMessageBytes());
        assertEquals(JsonDecoder.DEFAULT_MAX_DEPTH, decoder.maxDepth());
    }

    @Test
    void rejectsLimitsOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new JsonDecoder(0, 32));
        assertThrows(IllegalArgumentException.class, () -> new JsonDecoder(JsonDecoder.MAX_MESSAGE_BYTES_LIMIT + 1, 32));
        assertThrows(IllegalArgumentException.class, () -> new JsonDecoder(1024, 0));
        assertThrows(IllegalArgumentException.class, () -> new JsonDecoder(1024, JsonDecoder.MAX_DEPTH_LIMIT + 1));
    }

    // ---------------------------------------------------------------- message_too_large

    @Test
    void messageOfExactlyMaxMessageBytesIsAccepted()
    {
        decoder = new JsonDecoder(100, 32);
        final String text = publishOfLength(100);

        assertTrue(decode(text) > 0, () -> decoder.error().toString());
    }

    @Test
    void messageOneByteOverMaxMessageBytesIsRejected()
    {
        decoder = new JsonDecoder(100, 32);

        assertError(ErrorCode.MESSAGE_TOO_LARGE, publishOfLength(101));
    }

    @Test
    void messageTooLargeIsCheckedBeforeAnythingElse()
    {
        decoder = new JsonDecoder(10, 32);
        final byte[] notEvenUtf8 = { (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF,
            (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF };

        assertEquals(-1, decoder.decodeClientMessage(notEvenUtf8, 0, notEvenUtf8.length, out, 0, null));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, decoder.error().code());
    }

    @Test
    void messageTooLargeInAnOffHeapBufferIsRejectedWithoutCopying()
    {
        decoder = new JsonDecoder(100, 32);
        final ExpandableDirectByteBuffer src = new ExpandableDirectByteBuffer(256);
        final byte[] text = utf8(publishOfLength(101));
        src.putBytes(0, text);

        assertEquals(-1, decoder.decodeClientMessage(src, 0, text.length, out, 0, null));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, decoder.error().code());
    }

    // ---------------------------------------------------------------- invalid_utf8

    @ParameterizedTest
    @ValueSource(strings = {
        "C0 80", "C1 BF", "E0 80 80", "E0 9F BF", "F0 80 80 80", "F0 8F BF BF",
        "ED A0 80", "ED BF BF", "F4 90 80 80", "F5 80 80 80", "FF", "FE", "80", "BF",
        "C3", "E2 82", "F0 9F 98", "C3 28", "E2 28 A1", "F0 28 8C BC"
    })
    void invalidUtf8InsideAStringIsRejected(final String hex)
    {
        final byte[] prefix = utf8("{\"type\":\"text\",\"room\":\"general\",\"data\":{\"t\":\"");
        final byte[] suffix = utf8("\"}}");
        final byte[] bad = hexBytes(hex);
        final byte[] text = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, text, 0, prefix.length);
        System.arraycopy(bad, 0, text, prefix.length, bad.length);
        System.arraycopy(suffix, 0, text, prefix.length + bad.length, suffix.length);

        assertEquals(-1, decoder.decodeClientMessage(text, 0, text.length, out, 0, null));
        assertEquals(ErrorCode.INVALID_UTF8, decoder.error().code());
    }

    @Test
    void truncatedSequenceAtTheEndIsInvalidUtf8()
    {
        final byte[] text = { '{', '}', (byte)0xE2, (byte)0x82 };

        assertEquals(-1, decoder.decodeClientMessage(text, 0, text.length, out, 0, null));
        assertEquals(ErrorCode.INVALID_UTF8, decoder.error().code());
    }

    @Test
    void validMultiByteSequencesAtTheirBoundariesAreAccepted()
    {
        final String text = "{\"type\":\"text\",\"room\":\"general\",\"data\":{\"t\":\"\u0080\u07ff\u0800\ud7ff\ue000\uffff" +
            "\ud800\udc00\udbff\udfff\"}}";

        assertTrue(decode(text) > 0, () -> decoder.error().toString());
    }

    @Test
    void utf8ValidatorAgreesWithTheJdkOnEveryLeadAndSecondByte()
    {
        final int[] tails = { 0x20, 0x80, 0xBF, 0xF0 };
        final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder();
        for (int b0 = 0x80; b0 <= 0xFF; b0++)
        {
            for (int b1 = 0; b1 <= 0xFF; b1++)
            {
                for (final int b2 : tails)
                {
                    for (final int b3 : tails)
                    {
                        final byte[] bytes = { (byte)b0, (byte)b1, (byte)b2, (byte)b3 };
                        assertEquals(isValidUtf8ForTheJdk(jdk, bytes), JsonDecoder.isValidUtf8(bytes, 0, bytes.length),
                            () -> String.format("%02X %02X %02X %02X", bytes[0], bytes[1], bytes[2], bytes[3]));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- not_json, not_an_object

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "\n", "{", "{\"type\":", "{\"type\":\"ping\"", "{'type':'ping'}", "{type:\"ping\"}",
        "{\"a\":01}", "{\"a\":NaN}", "{\"a\":1,}", "{\"a\" 1}", "/* c */{}", "{} // c", "{\"a\":\"\u0001\"}",
        "{\"a\":\"\\x\"}", "{\"a\":tru}", "\ufeff{}", "{\"a\":[1,2}"
    })
    void unparseableTextIsNotJson(final String text)
    {
        assertError(ErrorCode.NOT_JSON, text);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{}x", "{} {}", "{}]", "{}}", "{} 1", "{}\"s\"", "{\"type\":\"ping\"}\n{}" })
    void trailingContentAfterTheObjectIsNotJson(final String text)
    {
        assertError(ErrorCode.NOT_JSON, text);
    }

    @Test
    void trailingWhitespaceIsAccepted()
    {
        assertTrue(decode(" \t\r\n{\"type\":\"ping\"} \t\r\n") > 0);
    }

    @Test
    void nulByteIsNotJson()
    {
        final byte[] text = { '{', 0, '}', 0 };

        assertEquals(-1, decoder.decodeClientMessage(text, 0, text.length, out, 0, null));
        assertEquals(ErrorCode.NOT_JSON, decoder.error().code());
    }

    @ParameterizedTest
    @ValueSource(strings = { "[]", "[{\"type\":\"ping\"}]", "\"ping\"", "42", "null", "true", "false", " -1.5 " })
    void topLevelValueOtherThanAnObjectIsNotAnObject(final String text)
    {
        assertError(ErrorCode.NOT_AN_OBJECT, text);
        assertError(ErrorCode.NOT_AN_OBJECT, text, GENERAL);
    }

    // ---------------------------------------------------------------- unknown_type

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{\"id\":\"x\",\"room\":\"general\"}", "{\"type\":\"bogus\"}", "{\"type\":\"Text\"}",
        "{\"type\":\"ack\"}", "{\"type\":\"error\"}", "{\"type\":\"pong\"}", "{\"type\":\"presence\"}",
        "{\"type\":\"\"}", "{\"type\":\"text \"}"
    })
    void missingUnknownOrServerOnlyTypeIsUnknownType(final String text)
    {
        assertError(ErrorCode.UNKNOWN_TYPE, text);
    }

    // ---------------------------------------------------------------- missing_field

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"text\",\"data\":{\"a\":1}}",
        "{\"type\":\"message\"}",
        "{\"type\":\"join\",\"id\":\"j1\"}",
        "{\"type\":\"resume\",\"id\":\"j1\",\"data\":{\"epoch\":1,\"seq\":2}}",
        "{\"type\":\"leave\"}",
        "{\"type\":\"typing\",\"data\":{\"typing\":true}}",
    })
    void missingRoomOnTheFullProtocolIsMissingField(final String text)
    {
        assertError(ErrorCode.MISSING_FIELD, text);
        assertEquals("field 'room' is missing", decoder.error().reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"resume\",\"room\":\"general\"}",
        "{\"type\":\"resume\",\"room\":\"general\",\"data\":{}}",
        "{\"type\":\"resume\",\"room\":\"general\",\"data\":{\"epoch\":1}}",
        "{\"type\":\"resume\",\"room\":\"general\",\"data\":{\"seq\":1}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"seq\":1}}",
        "{\"type\":\"connect\"}",
        "{\"type\":\"connect\",\"data\":{\"version\":0}}",
    })
    void missingRequiredDataFieldIsMissingField(final String text)
    {
        assertError(ErrorCode.MISSING_FIELD, text);
    }

    // ---------------------------------------------------------------- wrong_field_type

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":5}",
        "{\"type\":null}",
        "{\"type\":[\"text\"]}",
        "{\"type\":\"text\",\"id\":5,\"room\":\"general\"}",
        "{\"type\":\"text\",\"room\":5}",
        "{\"type\":\"text\",\"room\":null}",
        "{\"type\":\"text\",\"room\":{\"name\":\"general\"}}",
        "{\"type\":\"text\",\"room\":\"general\",\"key\":[]}",
        "{\"type\":\"text\",\"room\":\"general\",\"data\":\"hello\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"data\":[1]}",
        "{\"type\":\"text\",\"room\":\"general\",\"data\":null}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":\"1\",\"seq\":2}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1,\"seq\":-1}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1.0,\"seq\":2}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1e3,\"seq\":2}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":9223372036854775808,\"seq\":2}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1,\"seq\":123456789012345678901234567890}}",
        "{\"type\":\"resume\",\"room\":\"general\",\"data\":{\"epoch\":{},\"seq\":2}}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":\"yes\"}}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":1}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":\"1\"}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":-1}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":1.5}}",
        "{\"type\":\"ping\",\"data\":5}",
        "{\"type\":\"connect\",\"data\":{\"version\":65536,\"token\":\"t\"}}",
        "{\"type\":\"connect\",\"data\":{\"version\":-1,\"token\":\"t\"}}",
        "{\"type\":\"connect\",\"data\":{\"version\":0,\"token\":5}}",
        "{\"type\":\"connect\",\"data\":{\"version\":0,\"token\":null}}",
    })
    void wrongJsonTypeOrOutOfRangeNumberIsWrongFieldType(final String text)
    {
        assertError(ErrorCode.WRONG_FIELD_TYPE, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"text\",\"type\":\"text\",\"room\":\"general\"}",
        "{\"type\":\"text\",\"id\":\"a\",\"id\":\"a\",\"room\":\"general\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"room\":\"general\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"key\":\"k\",\"key\":\"k\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"data\":{},\"data\":{}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":1,\"timestamp\":1}}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":true,\"typing\":false}}",
        "{\"type\":\"join\",\"room\":\"general\",\"data\":{\"epoch\":1,\"seq\":2,\"seq\":3}}",
        "{\"type\":\"connect\",\"data\":{\"token\":\"a\",\"token\":\"b\"}}",
    })
    void fieldGivenTwiceIsWrongFieldType(final String text)
    {
        assertError(ErrorCode.WRONG_FIELD_TYPE, text);
        assertTrue(decoder.error().reason().endsWith("appears twice"), decoder.error().reason());
    }

    @Test
    void fieldTypeErrorNamesTheField()
    {
        assertError(ErrorCode.WRONG_FIELD_TYPE, "{\"type\":\"text\",\"room\":5}");

        assertEquals("field 'room' must be a string", decoder.error().reason());
    }

    // ---------------------------------------------------------------- too_deep

    @Test
    void depthOfExactlyMaxDepthIsAccepted()
    {
        decoder = new JsonDecoder(65536, 4);

        assertTrue(decode("{\"type\":\"text\",\"room\":\"general\",\"data\":{\"a\":{\"b\":[1]}}}") > 0);
        assertTrue(decode("{\"type\":\"ping\",\"extra\":[[[1]]]}") > 0);
    }

    @Test
    void depthOneOverMaxDepthIsTooDeep()
    {
        decoder = new JsonDecoder(65536, 4);

        assertError(ErrorCode.TOO_DEEP, "{\"type\":\"text\",\"room\":\"general\",\"data\":{\"a\":{\"b\":[[1]]}}}");
        assertError(ErrorCode.TOO_DEEP, "{\"type\":\"ping\",\"extra\":[[[{}]]]}");
        assertError(ErrorCode.WRONG_FIELD_TYPE, "{\"type\":{\"a\":{\"b\":{\"c\":1}}}}");
        assertError(ErrorCode.TOO_DEEP, "{\"type\":{\"a\":{\"b\":{\"c\":{}}}}}");
    }

    @Test
    void defaultDepthLimitIsThirtyTwo()
    {
        final String depth32 = "{\"type\":\"text\",\"room\":\"general\",\"data\":" + nested(31) + "}";
        final String depth33 = "{\"type\":\"text\",\"room\":\"general\",\"data\":" + nested(32) + "}";

        assertTrue(decode(depth32) > 0);
        assertError(ErrorCode.TOO_DEEP, depth33);
    }

    @Test
    void topLevelObjectIsDepthOne()
    {
        decoder = new JsonDecoder(65536, 1);

        assertTrue(decode("{\"type\":\"ping\"}") > 0);
        assertError(ErrorCode.TOO_DEEP, "{\"type\":\"ping\",\"data\":{}}");
        assertError(ErrorCode.TOO_DEEP, "{\"type\":\"ping\",\"x\":[]}");
    }

    @Test
    void tooDeepIsFoundBeforeTheEndOfAHugeNesting()
    {
        final String text = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

        assertError(ErrorCode.TOO_DEEP, text);
    }

    // ---------------------------------------------------------------- invalid_room, invalid_id

    @Test
    void roomOf64CharactersIsAccepted()
    {
        final String room = "r".repeat(64);

        final int length = decode("{\"type\":\"join\",\"room\":\"" + room + "\"}");

        assertTrue(length > 0);
        final JoinDecoder join = new JoinDecoder().wrapAndApplyHeader(out, 0, header);
        assertEquals(room, join.room());
    }

    @Test
    void roomOf65CharactersIsInvalidRoom()
    {
        assertError(ErrorCode.INVALID_ROOM, "{\"type\":\"join\",\"room\":\"" + "r".repeat(65) + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "gen eral", "g\u00e9n\u00e9ral", "a@b", "a/b", "a*", "\\u0000", "a\\\"b" })
    void roomWithBadSyntaxIsInvalidRoom(final String room)
    {
        assertError(ErrorCode.INVALID_ROOM, "{\"type\":\"text\",\"room\":\"" + room + "\",\"data\":{}}");
    }

    @Test
    void escapedRoomCharactersAreReadAsTheCharacters()
    {
        assertTrue(decode("{\"type\":\"join\",\"room\":\"gen\\u0065ral\"}") > 0);

        assertEquals("general", new JoinDecoder().wrapAndApplyHeader(out, 0, header).room());
    }

    @Test
    void idOf64CharactersIsAcceptedAnd65IsInvalidId()
    {
        assertTrue(decode("{\"type\":\"join\",\"id\":\"" + "i".repeat(64) + "\",\"room\":\"general\"}") > 0);
        assertError(ErrorCode.INVALID_ID, "{\"type\":\"join\",\"id\":\"" + "i".repeat(65) + "\",\"room\":\"general\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"join\",\"id\":\"\",\"room\":\"general\"}",
        "{\"type\":\"join\",\"id\":\"a b\",\"room\":\"general\"}",
        "{\"type\":\"join\",\"id\":\"a\\\"b\",\"room\":\"general\"}",
        "{\"type\":\"join\",\"id\":\"a\\\\b\",\"room\":\"general\"}",
        "{\"type\":\"join\",\"id\":\"\u00e9\",\"room\":\"general\"}",
        "{\"type\":\"ping\",\"id\":\"tab\\t\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"key\":\"k k\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"key\":\"\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"key\":\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\"}",
    })
    void idOrKeyWithBadSyntaxIsInvalidId(final String text)
    {
        assertError(ErrorCode.INVALID_ID, text);
    }

    // ---------------------------------------------------------------- reserved_field

    @Test
    void authorAtTheTopOfPublishedDataIsReserved()
    {
        assertError(ErrorCode.RESERVED_FIELD,
            "{\"type\":\"text\",\"id\":\"m1\",\"room\":\"general\",\"data\":{\"content\":\"hi\",\"author\":\"me\"}}");
    }

    @Test
    void authorNestedInPublishedDataIsAllowed()
    {
        assertTrue(decode("{\"type\":\"text\",\"room\":\"general\",\"data\":{\"quote\":{\"author\":\"me\"}}}") > 0);
    }

    @Test
    void authorAtTheTopOfASeedFormObjectIsReserved()
    {
        assertError(ErrorCode.RESERVED_FIELD, "{\"text\":\"hi\",\"author\":\"me\"}", GENERAL);
        assertEquals("general", string(decoder.error().roomBuffer(), 0, decoder.error().roomLength()));
        assertEquals(0, decoder.error().correlationIdLength());
    }

    @Test
    void topLevelAuthorIsIgnoredOnTheFullProtocol()
    {
        assertTrue(decode("{\"type\":\"ping\",\"author\":\"me\"}") > 0);
    }

    // ---------------------------------------------------------------- connect token

    @Test
    void tokenWithUnpairedSurrogateIsInvalidUtf8()
    {
        assertError(ErrorCode.INVALID_UTF8, "{\"type\":\"connect\",\"data\":{\"token\":\"a\\ud800b\"}}");
        assertError(ErrorCode.INVALID_UTF8, "{\"type\":\"connect\",\"data\":{\"token\":\"\\udc00\"}}");
    }

    @Test
    void tokenLongerThanTheSchemaAllowsIsTooLarge()
    {
        final String fits = "t".repeat(JsonDecoder.MAX_TOKEN_BYTES - 2) + "\u00e9";
        final String over = "t".repeat(JsonDecoder.MAX_TOKEN_BYTES - 1) + "\u00e9";

        assertTrue(decode("{\"type\":\"connect\",\"data\":{\"token\":\"" + fits + "\"}}") > 0);
        assertError(ErrorCode.MESSAGE_TOO_LARGE, "{\"type\":\"connect\",\"data\":{\"token\":\"" + over + "\"}}");
    }

    @Test
    void connectReadsVersionAndTokenWithEscapes()
    {
        assertTrue(decode("{\"type\":\"connect\",\"data\":{\"token\":\"a\\\"\\u00e9\\ud83d\\ude00\",\"version\":7}}") > 0);

        final ConnectDecoder connect = new ConnectDecoder().wrapAndApplyHeader(out, 0, header);
        assertEquals(7, connect.protocolVersion());
        assertEquals("a\"\u00e9\ud83d\ude00", connect.token());
    }

    @Test
    void connectVersionDefaultsToZero()
    {
        assertTrue(decode("{\"type\":\"connect\",\"data\":{\"token\":\"t\"}}") > 0);

        assertEquals(0, new ConnectDecoder().wrapAndApplyHeader(out, 0, header).protocolVersion());
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void publishKindsFollowTheType()
    {
        for (final MessageKind kind : new MessageKind[]{ MessageKind.TEXT, MessageKind.MESSAGE, MessageKind.SYSTEM })
        {
            final String type = kind.name().toLowerCase(java.util.Locale.ROOT);
            assertTrue(decode("{\"type\":\"" + type + "\",\"room\":\"general\",\"data\":{}}") > 0);
            assertEquals(kind, publish().kind());
        }
    }

    @Test
    void publishWithoutDataCarriesAnEmptyObject()
    {
        assertTrue(decode("{\"type\":\"text\",\"room\":\"general\"}") > 0);

        assertEquals("{}", payload(publish()));
    }

    @Test
    void joinWithoutDataHasNullResumePoint()
    {
        assertTrue(decode("{\"type\":\"join\",\"room\":\"general\"}") > 0);

        final JoinDecoder join = new JoinDecoder().wrapAndApplyHeader(out, 0, header);
        assertEquals(JoinDecoder.resumeEpochNullValue(), join.resumeEpoch());
        assertEquals(JoinDecoder.resumeSeqNullValue(), join.resumeSeq());
    }

    @Test
    void joinWithEpochAndSeqCarriesTheResumePoint()
    {
        assertTrue(decode("{\"type\":\"join\",\"room\":\"general\",\"data\":{\"seq\":0,\"epoch\":0}}") > 0);

        final JoinDecoder join = new JoinDecoder().wrapAndApplyHeader(out, 0, header);
        assertEquals(0, join.resumeEpoch());
        assertEquals(0, join.resumeSeq());
    }

    @Test
    void typingDefaultsToTrue()
    {
        assertTrue(decode("{\"type\":\"typing\",\"room\":\"general\"}") > 0);

        assertEquals(1, new TypingCommandDecoder().wrapAndApplyHeader(out, 0, header).isTypingRaw());
    }

    @Test
    void pingTimestampDefaultsToZero()
    {
        assertTrue(decode("{\"type\":\"ping\"}") > 0);

        assertEquals(0, new PingDecoder().wrapAndApplyHeader(out, 0, header).timestamp());
    }

    @Test
    void unknownTopLevelFieldsAreIgnoredOnTheFullProtocol()
    {
        assertTrue(decode("{\"v\":2,\"type\":\"text\",\"x\":{\"y\":[1]},\"room\":\"general\",\"data\":{\"a\":1}}") > 0);

        assertEquals("{\"a\":1}", payload(publish()));
    }

    @Test
    void fieldsMayComeInAnyOrder()
    {
        assertTrue(decode("{\"data\":{\"content\":\"Hello\"},\"room\":\"general\",\"id\":\"m\",\"type\":\"text\"}") > 0);

        final PublishDecoder publish = publish();
        assertEquals(MessageKind.TEXT, publish.kind());
        assertEquals("general", publish.room());
        assertEquals("m", publish.clientMessageId());
        assertEquals("", publish.key());
        assertEquals("{\"content\":\"Hello\"}", payload(publish));
    }

    // ---------------------------------------------------------------- raw data bytes

    @Test
    void payloadIsTheExactBytesOfDataWithWhitespaceAndNesting()
    {
        final String data = "{ \"a\" : { \"b\" : [ 1 , { } , \"}\\\"{\" ] } ,\n\t\"c\":\"\u00e9\\u00e9\" }";
        final String text = "  {  \"type\" : \"text\" ,\n \"room\":\"general\",  \"data\" :  \t" + data + "  \n, \"z\":1 }  ";

        assertTrue(decode(text) > 0, () -> decoder.error().toString());

        assertEquals(data, payload(publish()));
    }

    @Test
    void payloadIsExactAtAnOffsetInsideALargerArray()
    {
        final byte[] text = utf8("\u00e9xx{\"type\":\"text\",\"room\":\"general\",\"data\":{\"k\":\"\u4e2d\"}}yy");
        final int offset = 4;
        final int length = text.length - offset - 2;

        assertTrue(decoder.decodeClientMessage(text, offset, length, out, 16, null) > 0);

        publish.wrapAndApplyHeader(out, 16, header);
        assertEquals("{\"k\":\"\u4e2d\"}", payload(publish));
    }

    @Test
    void decodesFromArrayBackedAndOffHeapBuffers()
    {
        final byte[] text = utf8("{\"type\":\"text\",\"room\":\"general\",\"data\":{\"a\":[1,2]}}");
        final byte[] padded = new byte[text.length + 10];
        System.arraycopy(text, 0, padded, 7, text.length);
        final UnsafeBuffer slice = new UnsafeBuffer(padded, 5, text.length + 4);
        final ExpandableDirectByteBuffer offHeap = new ExpandableDirectByteBuffer(128);
        offHeap.putBytes(3, text);

        assertTrue(decoder.decodeClientMessage(slice, 2, text.length, out, 0, null) > 0);
        assertEquals("{\"a\":[1,2]}", payload(publish()));
        assertTrue(decoder.decodeClientMessage(offHeap, 3, text.length, out, 0, null) > 0);
        assertEquals("{\"a\":[1,2]}", payload(publish()));
    }

    // ---------------------------------------------------------------- seed form

    @Test
    void seedFormObjectBecomesAMessagePublishToTheDefaultRoom()
    {
        final String object = "{\"text\":\"hi\",\"id\":\"ignored\",\"n\":[1,{\"x\":null}]}";

        assertTrue(decode("  " + object + "\n", GENERAL) > 0);

        final PublishDecoder publish = publish();
        assertEquals(MessageKind.MESSAGE, publish.kind());
        assertEquals("general", publish.room());
        assertEquals("", publish.clientMessageId());
        assertEquals("", publish.key());
        assertEquals(object, payload(publish));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"text\":\"hi\"}",
        "{\"type\":\"chat\",\"text\":\"hi\"}",
        "{\"type\":\"ack\"}",
        "{\"type\":5,\"room\":\"general\"}",
        "{\"type\":\"text\",\"room\":\"general\",\"data\":{},\"extra\":1}",
        "{\"type\":\"ping\",\"timestamp\":5}",
        "{\"type\":\"text\",\"room\":\"bad room\",\"extra\":true}",
    })
    void anyObjectThatIsNotAProtocolMessageIsSeedForm(final String object)
    {
        assertTrue(decode(object, GENERAL) > 0, () -> decoder.error().toString());

        final PublishDecoder publish = publish();
        assertEquals(MessageKind.MESSAGE, publish.kind());
        assertEquals("general", publish.room());
        assertEquals(object, payload(publish));
    }

    @Test
    void protocolPublishWithoutRoomGoesToTheDefaultRoom()
    {
        assertTrue(decode("{\"type\":\"text\",\"id\":\"m1\",\"data\":{\"content\":\"Hello\"}}", GENERAL) > 0);

        final PublishDecoder publish = publish();
        assertEquals(MessageKind.TEXT, publish.kind());
        assertEquals("general", publish.room());
        assertEquals("m1", publish.clientMessageId());
        assertEquals("{\"content\":\"Hello\"}", payload(publish));
    }

    @Test
    void protocolMessageWithARoomGoesToThatRoom()
    {
        assertTrue(decode("{\"type\":\"text\",\"room\":\"other\",\"data\":{}}", GENERAL) > 0);

        assertEquals("other", publish().room());
    }

    @Test
    void protocolJoinLeaveAndTypingDefaultToTheDefaultRoom()
    {
        assertTrue(decode("{\"type\":\"join\",\"id\":\"j\"}", GENERAL) > 0);
        assertEquals("general", new JoinDecoder().wrapAndApplyHeader(out, 0, header).room());

        assertTrue(decode("{\"type\":\"typing\",\"data\":{\"typing\":false}}", GENERAL) > 0);
        final TypingCommandDecoder typing = new TypingCommandDecoder().wrapAndApplyHeader(out, 0, header);
        assertEquals(0, typing.isTypingRaw());
        assertEquals("general", typing.room());
    }

    @Test
    void protocolShapedMessageOnTheSeedPathIsValidatedAsProtocol()
    {
        assertError(ErrorCode.INVALID_ROOM, "{\"type\":\"text\",\"room\":\"bad room\"}", GENERAL);
        assertError(ErrorCode.RESERVED_FIELD, "{\"type\":\"text\",\"data\":{\"author\":\"x\"}}", GENERAL);
        assertError(ErrorCode.WRONG_FIELD_TYPE, "{\"type\":\"text\",\"data\":\"x\"}", GENERAL);
    }

    @Test
    void invalidDefaultRoomIsRefused()
    {
        assertError(ErrorCode.INVALID_ROOM, "{\"text\":\"hi\"}", utf8("bad room"));
    }

    // ---------------------------------------------------------------- what an error carries

    @Test
    void errorCarriesTheCorrelationIdAndRoom()
    {
        assertError(ErrorCode.RESERVED_FIELD,
            "{\"id\":\"msg_9\",\"type\":\"text\",\"room\":\"general\",\"data\":{\"author\":\"x\"}}");

        final JsonError error = decoder.error();
        assertEquals("msg_9", string(error.correlationIdBuffer(), 0, error.correlationIdLength()));
        assertEquals("general", string(error.roomBuffer(), 0, error.roomLength()));
        final byte[] id = new byte[error.correlationIdLength()];
        error.getCorrelationId(id, 0);
        assertEquals("msg_9", string(id));
        final byte[] room = new byte[error.roomLength()];
        error.getRoom(room, 0);
        assertEquals("general", string(room));
    }

    @Test
    void errorCarriesTheCorrelationIdWhenTheRoomIsBad()
    {
        assertError(ErrorCode.INVALID_ROOM, "{\"type\":\"text\",\"id\":\"m1\",\"room\":\"bad room\"}");

        assertEquals("m1", string(decoder.error().correlationIdBuffer(), 0, decoder.error().correlationIdLength()));
        assertEquals(0, decoder.error().roomLength());
    }

    @Test
    void errorCarriesTheCorrelationIdSeenBeforeTheTextBroke()
    {
        assertError(ErrorCode.NOT_JSON, "{\"id\":\"m2\",\"room\":\"general\",\"type\":\"text\",\"data\":{\"a\":}");

        assertEquals("m2", string(decoder.error().correlationIdBuffer(), 0, decoder.error().correlationIdLength()));
        assertEquals("general", string(decoder.error().roomBuffer(), 0, decoder.error().roomLength()));
    }

    @Test
    void errorCarriesNoInvalidCorrelationId()
    {
        assertError(ErrorCode.INVALID_ID, "{\"type\":\"text\",\"id\":\"a b\",\"room\":\"general\"}");

        assertEquals(0, decoder.error().correlationIdLength());
    }

    @Test
    void errorCarriesTheDefaultRoomWhenTheMessageUsesIt()
    {
        assertError(ErrorCode.RESERVED_FIELD, "{\"type\":\"text\",\"id\":\"m3\",\"data\":{\"author\":\"x\"}}", GENERAL);

        assertEquals("m3", string(decoder.error().correlationIdBuffer(), 0, decoder.error().correlationIdLength()));
        assertEquals("general", string(decoder.error().roomBuffer(), 0, decoder.error().roomLength()));
    }

    @Test
    void errorEncodesAsAnSbeErrorThatRendersAsJson()
    {
        assertError(ErrorCode.RESERVED_FIELD,
            "{\"type\":\"text\",\"id\":\"msg_9\",\"room\":\"general\",\"data\":{\"author\":\"x\"}}");

        final int length = decoder.error().encode(out, 8);

        final ErrorDecoder error = new ErrorDecoder().wrapAndApplyHeader(out, 8, header);
        assertEquals(ErrorCode.RESERVED_FIELD, error.code());
        assertEquals("general", error.room());
        assertEquals("msg_9", error.correlationId());
        assertEquals("field 'data.author' is set by the server", error.reason());
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + error.encodedLength());

        final ExpandableArrayBuffer json = new ExpandableArrayBuffer();
        final int jsonLength = new JsonEncoder().encode(out, 8, length, json, 0);
        assertEquals("{\"type\":\"error\",\"id\":\"msg_9\",\"room\":\"general\",\"data\":{\"code\":\"reserved_field\"," +
            "\"reason\":\"field 'data.author' is set by the server\"}}", string(json, 0, jsonLength));
    }

    @Test
    void errorIsClearedByTheNextDecode()
    {
        assertError(ErrorCode.NOT_JSON, "{");

        assertTrue(decode("{\"type\":\"ping\"}") > 0);
        assertEquals(ErrorCode.NULL_VAL, decoder.error().code());
        assertEquals(0, decoder.error().correlationIdLength());
    }

    // ---------------------------------------------------------------- server messages

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"text\"}",
        "{\"type\":\"ack\",\"room\":\"general\",\"data\":{\"status\":\"delivered\",\"epoch\":1}}",
        "{\"type\":\"system\",\"data\":{}}",
        "{\"type\":\"presence\",\"room\":\"general\",\"epoch\":1,\"seq\":2,\"timestamp\":3}",
    })
    void serverMessageMissingAFieldIsMissingField(final String text)
    {
        final byte[] bytes = utf8(text);

        assertEquals(-1, decoder.decodeServerMessage(bytes, 0, bytes.length, out, 0));
        assertEquals(ErrorCode.MISSING_FIELD, decoder.error().code(), decoder.error().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "{}", "{\"type\":\"connect\"}", "{\"type\":\"system\",\"data\":{\"event\":\"x\"}}" })
    void serverMessageOfUnknownTypeIsUnknownType(final String text)
    {
        final byte[] bytes = utf8(text);

        assertEquals(-1, decoder.decodeServerMessage(bytes, 0, bytes.length, out, 0));
        assertEquals(ErrorCode.UNKNOWN_TYPE, decoder.error().code());
    }

    @Test
    void serverDeliverWhoseAuthorIsNotLastIsRefused()
    {
        final byte[] bytes = utf8("{\"type\":\"text\",\"room\":\"general\",\"epoch\":1,\"seq\":2,\"timestamp\":3," +
            "\"data\":{\"author\":\"u\",\"content\":\"x\"}}");

        assertEquals(-1, decoder.decodeServerMessage(bytes, 0, bytes.length, out, 0));
        assertEquals(ErrorCode.WRONG_FIELD_TYPE, decoder.error().code());
    }

    @Test
    void serverMessageLimitsApplyToo()
    {
        decoder = new JsonDecoder(20, 2);
        final byte[] large = utf8("{\"type\":\"pong\",\"data\":{\"timestamp\":1,\"serverTimestamp\":2}}");
        final byte[] deep = utf8("{\"data\":{\"a\":[]}}");

        assertEquals(-1, decoder.decodeServerMessage(large, 0, large.length, out, 0));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, decoder.error().code());
        assertEquals(-1, decoder.decodeServerMessage(deep, 0, deep.length, out, 0));
        assertEquals(ErrorCode.TOO_DEEP, decoder.error().code());
    }

    // ---------------------------------------------------------------- helpers

    private int decode(final String text)
    {
        return decode(text, null);
    }

    private int decode(final String text, final byte[] defaultRoom)
    {
        final byte[] bytes = utf8(text);
        return decoder.decodeClientMessage(bytes, 0, bytes.length, out, 0, defaultRoom);
    }

    private void assertError(final ErrorCode code, final String text)
    {
        assertError(code, text, null);
    }

    private void assertError(final ErrorCode code, final String text, final byte[] defaultRoom)
    {
        final int length = decode(text, defaultRoom);

        assertEquals(-1, length, () -> "decoded " + text);
        assertEquals(code, decoder.error().code(), () -> decoder.error() + " for " + text);
        assertTrue(decoder.error().reason().length() > 0);
    }

    private PublishDecoder publish()
    {
        return publish.wrapAndApplyHeader(out, 0, header);
    }

    private static String payload(final PublishDecoder publish)
    {
        publish.sbeRewind();
        publish.skipRoom();
        publish.skipClientMessageId();
        publish.skipKey();
        final byte[] bytes = new byte[publish.payloadLength()];
        publish.getPayload(bytes, 0, bytes.length);
        return string(bytes);
    }

    private static String publishOfLength(final int length)
    {
        final String prefix = "{\"type\":\"text\",\"room\":\"general\",\"data\":{\"t\":\"";
        final String suffix = "\"}}";
        return prefix + "x".repeat(length - prefix.length() - suffix.length()) + suffix;
    }

    private static String nested(final int depth)
    {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static boolean isValidUtf8ForTheJdk(final CharsetDecoder jdk, final byte[] bytes)
    {
        try
        {
            jdk.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }

    private static byte[] hexBytes(final String hex)
    {
        final String[] parts = hex.split(" ");
        final byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }
}
