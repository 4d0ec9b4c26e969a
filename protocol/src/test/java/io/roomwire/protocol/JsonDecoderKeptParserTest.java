package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.roomwire.protocol.TestMessages.bytes;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of the parser a {@link JsonDecoder} keeps for client messages: kept across well-formed messages, refused
 * ones included, replaced after text it could not take whole, and replaced before hostile field names can make its
 * symbol table large.
 */
class JsonDecoderKeptParserTest
{
    private static final byte[] GENERAL = utf8("general");
    private static final byte[] PUBLISH =
        utf8("{\"type\":\"text\",\"id\":\"msg_123\",\"room\":\"general\",\"data\":{\"content\":\"Hello\"}}");

    private final JsonDecoder decoder = new JsonDecoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
    private final byte[] expected = expectedPublish();

    @ParameterizedTest
    @ValueSource(strings = {
        "{", "{\"type\":\"pi", "{\"type\":", "{\"a\":[1,2}", "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{'a':1}",
        "{}x", "{} {}", "{}]", "{} 1", "{} 12", "{}\"s\"", "{} \"s", "{} tr", "{\"type\":\"ping\"}\n{}",
        "{\"a\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" + "}",
        "{\"a\":\"\u0001\"}", "{\"a\":1,}", "{\"a\" 1}",
    })
    void textTheParserCannotTakeWholeReplacesIt(final String text)
    {
        final ReusableJsonParser before = decoder.keptParser();
        final byte[] bad = utf8(text);

        assertEquals(-1, decoder.decodeClientMessage(bad, 0, bad.length, out, 0, null));
        assertTrue(decoder.error().code() == ErrorCode.NOT_JSON || decoder.error().code() == ErrorCode.TOO_DEEP,
            () -> decoder.error().toString());

        assertNotSame(before, decoder.keptParser());
        assertDecodesThePublish();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "  ", "[]", "42", "\"s\"", "null", "\ufeff{}", "x{}", "}" })
    void textThatDoesNotStartAnObjectIsNeverFed(final String text)
    {
        final ReusableJsonParser before = decoder.keptParser();
        final byte[] bad = utf8(text);

        assertEquals(-1, decoder.decodeClientMessage(bad, 0, bad.length, out, 0, null));

        assertSame(before, decoder.keptParser());
        assertDecodesThePublish();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{\"type\":\"bogus\"}", "{\"type\":\"text\",\"data\":{}}", "{\"type\":5}",
        "{\"type\":\"join\",\"room\":\"gen eral\"}", "{\"type\":\"text\",\"room\":\"general\",\"data\":{\"author\":1}}",
        "{\"type\":\"connect\",\"data\":{\"version\":65536,\"token\":\"t\"}}",
    })
    void wellFormedMessagesKeepTheParserEvenWhenRefused(final String text)
    {
        final ReusableJsonParser before = decoder.keptParser();
        final byte[] message = utf8(text);

        for (int i = 0; i < 100; i++)
        {
            assertEquals(-1, decoder.decodeClientMessage(message, 0, message.length, out, 0, null));
            assertDecodesThePublish();
        }

        assertSame(before, decoder.keptParser());
    }

    @Test
    void messageSplitAcrossTwoDecodesIsTwoRefusals()
    {
        final byte[] head = utf8("{\"type\":\"pi");
        final byte[] tail = utf8("ng\"}");

        assertEquals(-1, decoder.decodeClientMessage(head, 0, head.length, out, 0, null));
        assertEquals(ErrorCode.NOT_JSON, decoder.error().code());
        assertEquals(-1, decoder.decodeClientMessage(tail, 0, tail.length, out, 0, null));
        assertEquals(ErrorCode.NOT_JSON, decoder.error().code());
        assertDecodesThePublish();
    }

    @Test
    void messagesAreReadOnlyBetweenTheirOffsetAndLength()
    {
        final String first = "{\"type\":\"ping\"}";
        final String second = " {\"type\":\"join\",\"room\":\"general\"} ";
        final byte[] frames = utf8(first + second + new String(PUBLISH, java.nio.charset.StandardCharsets.UTF_8) +
            "{\"type\":");
        final int secondAt = first.length();
        final int publishAt = secondAt + second.length();

        for (int i = 0; i < 3; i++)
        {
            assertTrue(decoder.decodeClientMessage(frames, 0, first.length(), out, 0, null) > 0);
            assertTrue(decoder.decodeClientMessage(frames, secondAt, second.length(), out, 0, null) > 0);
            final int length = decoder.decodeClientMessage(frames, publishAt, PUBLISH.length, out, 0, null);
            assertArrayEquals(expected, bytes(out, 0, length));
        }
    }

    @Test
    void knownNamesDoNotGrowTheParser()
    {
        final ReusableJsonParser before = decoder.keptParser();
        assertDecodesThePublish();
        final int names = before.nameCount();

        for (int i = 0; i < 10_000; i++)
        {
            assertDecodesThePublish();
        }

        assertSame(before, decoder.keptParser());
        assertEquals(names, before.nameCount());
    }

    @Test
    void newNamesPastTheLimitReplaceTheParser()
    {
        int replaced = 0;
        ReusableJsonParser parser = decoder.keptParser();
        for (int i = 0; i < 3 * JsonDecoder.MAX_PARSER_NAMES; i++)
        {
            final byte[] seedForm = utf8("{\"name_" + i + "\":" + i + "}");

            assertTrue(decoder.decodeClientMessage(seedForm, 0, seedForm.length, out, 0, GENERAL) > 0);

            assertTrue(decoder.keptParser().nameCount() <= JsonDecoder.MAX_PARSER_NAMES);
            if (parser != decoder.keptParser())
            {
                parser = decoder.keptParser();
                replaced++;
            }
        }

        assertEquals(2, replaced);
        assertDecodesThePublish();
    }

    @Test
    void longNewNamesReplaceTheParserByTheBytesOfTheirMessages()
    {
        final int nameLength = 8 * 1024;
        final int messageLength = nameLength + "{\"\":1}".length();
        final int messagesPerParser = JsonDecoder.MAX_PARSER_NAME_BYTES / messageLength + 1;
        int replaced = 0;
        int learnt = 0;
        ReusableJsonParser parser = decoder.keptParser();
        for (int i = 0; i < 3 * messagesPerParser; i++)
        {
            final String name = String.format("%0" + nameLength + "d", i);
            final byte[] seedForm = utf8("{\"" + name + "\":1}");
            assertEquals(messageLength, seedForm.length);

            assertTrue(decoder.decodeClientMessage(seedForm, 0, seedForm.length, out, 0, GENERAL) > 0);

            learnt++;
            if (parser != decoder.keptParser())
            {
                parser = decoder.keptParser();
                replaced++;
                assertEquals(messagesPerParser, learnt);
                learnt = 0;
            }
            assertTrue(parser.nameCount() < messagesPerParser);
        }

        assertEquals(3, replaced);
        assertDecodesThePublish();
    }

    @Test
    void aReplacedParserKeepsTheNamesLearntBeforeIt()
    {
        assertDecodesThePublish();
        final ReusableJsonParser before = decoder.keptParser();
        final int names = before.nameCount();
        final byte[] bad = utf8("{\"type\":\"text\"} x");

        assertEquals(-1, decoder.decodeClientMessage(bad, 0, bad.length, out, 0, null));

        assertNotSame(before, decoder.keptParser());
        assertEquals(names, decoder.keptParser().nameCount());
    }

    @Test
    void namesLearntFromRefusedTextCountTowardsTheLimit()
    {
        final int nameLength = 8 * 1024;
        final int messageLength = nameLength + "{\"\":tru}".length();
        final int messagesPerTable = JsonDecoder.MAX_PARSER_NAME_BYTES / messageLength + 1;
        for (int i = 0; i < 3 * messagesPerTable; i++)
        {
            final byte[] bad = utf8("{\"" + String.format("%0" + nameLength + "d", i) + "\":tru}");

            assertEquals(-1, decoder.decodeClientMessage(bad, 0, bad.length, out, 0, GENERAL));
            assertEquals(ErrorCode.NOT_JSON, decoder.error().code());

            assertTrue(decoder.keptParser().nameCount() < messagesPerTable, () -> decoder.keptParser().nameCount() +
                " names");
        }

        assertDecodesThePublish();
    }

    @Test
    void decoderWithAParserPerMessageKeepsNone()
    {
        final JsonDecoder perMessage = JsonDecoder.withParserPerMessage(65536, 32);

        final int length = perMessage.decodeClientMessage(PUBLISH, 0, PUBLISH.length, out, 0, null);

        assertEquals(null, perMessage.keptParser());
        assertArrayEquals(expected, bytes(out, 0, length));
    }

    private void assertDecodesThePublish()
    {
        final int length = decoder.decodeClientMessage(PUBLISH, 0, PUBLISH.length, out, 0, null);

        assertTrue(length > 0, () -> decoder.error().toString());
        assertArrayEquals(expected, bytes(out, 0, length));
    }

    private static byte[] expectedPublish()
    {
        return TestMessages.publish(
            io.roomwire.protocol.codec.MessageKind.TEXT, "general", "msg_123", "", "{\"content\":\"Hello\"}");
    }
}
