package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static io.roomwire.protocol.TestMessages.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kept parser against the reference: a {@link JsonDecoder} that keeps one non-blocking parser for every message
 * must answer exactly as a decoder that parses each message with a parser of its own (as all decoders did before):
 * the same SBE bytes for a message it decodes, the same error code, reason, correlation id and room for one it
 * refuses. The messages are random JSON, valid and invalid: client messages, arbitrary objects, other values,
 * mutated, truncated, run together, with whitespace and escapes anywhere, placed between bytes that are not part of
 * them. Each decoder sees one message after another, good and bad mixed, for the whole run, so whatever one message
 * leaves in the kept parser is seen by the next.
 */
class JsonDecoderKeptParserProperties
{
    private static final byte[] GENERAL = TestMessages.utf8("general");

    private static final String[] TYPES =
    {
        "text", "message", "system", "join", "resume", "leave", "typing", "ping", "connect", "ack", "Text", "",
    };
    private static final String[] PROTOCOL_NAMES =
    {
        "type", "id", "room", "key", "data", "author", "epoch", "seq", "timestamp", "version", "typing", "token",
        "content", "text",
    };
    private static final String[] ODD_NAMES =
    {
        "", "a", "b", "x1", "d\\u0061ta", "\\u0074ype", "ro\\u006Fm", "\u00e9", "\u540d\u524d", "\ud83d\ude00",
        "a\\\"b", "a\\\\b", "tab\\t", "a very long field name past twelve bytes",
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "type\\u0000", "\\u0000type", "typ", "types", "data\\u0000",
        "\\u0000", "room\\u0000\\u0000\\u0000\\u0000",
    };
    private static final String[] STRINGS =
    {
        "general", "r1", "msg_123", "j1", "user_42", "", "gen eral", "g\u00e9n\u00e9ral", "a@b", "r".repeat(65),
        "gen\\u0065ral", "line\\nbreak", "\\\"quoted\\\"", "back\\\\slash", "\\/", "\\b\\f\\r\\t", "\\u0000",
        "\\ud800", "\\udc00x", "\\ud83d\\ude00", "\ud83d\ude00", "\u00e9", "\u20ac", "\\u00e9\\u20AC", "eyJ.abc",
    };
    private static final String[] NUMBERS =
    {
        "0", "-0", "1", "-1", "42", "65535", "65536", "1711000000123", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999", "123456789012345678901234567890",
        "1.5", "-1.5", "1e3", "1E+3", "1e-3", "0.0", "0e0", "-0.0",
    };
    private static final String[] BAD_TOKENS =
    {
        "01", "1.", ".5", "+1", "-", "1e", "1e+", "tru", "nul", "fals", "NaN", "Infinity", "'s'", "u", "truex",
        "nullx", "1x", "\"\\x\"", "\"\\u12\"", "\"\u0001\"", "//c", "/*c*/", "#",
    };
    private static final String[] TRAILERS =
    {
        "x", " x", "1", " 1", " 12", "{}", " {}", "}", "]", "\"s\"", " \"s", " tr", " true", " [", " ,", " /", "\u0000",
        "\ufeff",
    };
    private static final String WHITESPACE = " \t\r\n";
    private static final String JUNK = "{}[]\":,0123456789.-+eE \t\n\rtruefalsnl\\/ubx\u0000";

    private static final JsonDecoder KEPT = new JsonDecoder(4096, 8);
    private static final JsonDecoder REFERENCE = JsonDecoder.withParserPerMessage(4096, 8);
    private static final JsonDecoder SHALLOW_KEPT = new JsonDecoder(256, 3);
    private static final JsonDecoder SHALLOW_REFERENCE = JsonDecoder.withParserPerMessage(256, 3);

    private final ExpandableArrayBuffer keptOut = new ExpandableArrayBuffer();
    private final ExpandableArrayBuffer referenceOut = new ExpandableArrayBuffer();

    @Property(tries = 4000)
    void keptParserAnswersAsAParserPerMessage(@ForAll("messageSequences") final List<byte[]> messages)
    {
        for (final byte[] message : messages)
        {
            assertSameAnswer(KEPT, REFERENCE, message, null);
            assertSameAnswer(KEPT, REFERENCE, message, GENERAL);
            assertSameAnswer(SHALLOW_KEPT, SHALLOW_REFERENCE, message, null);
        }

        Statistics.label("answers").coverage(
            (checker) ->
            {
                checker.check("decoded").percentage((percent) -> percent > 15);
                checker.check(ErrorCode.NOT_JSON.name()).percentage((percent) -> percent > 5);
                checker.check(ErrorCode.NOT_AN_OBJECT.name()).percentage((percent) -> percent > 0.5);
                checker.check(ErrorCode.TOO_DEEP.name()).percentage((percent) -> percent > 0.5);
                checker.check(ErrorCode.WRONG_FIELD_TYPE.name()).percentage((percent) -> percent > 1);
                checker.check(ErrorCode.UNKNOWN_TYPE.name()).percentage((percent) -> percent > 1);
                checker.check(ErrorCode.MISSING_FIELD.name()).percentage((percent) -> percent > 0.5);
            });
    }

    @Property(tries = 2000)
    void keptParserAnswersAsAParserPerMessageForAnyBytes(@ForAll("byteSequences") final List<byte[]> messages)
    {
        for (final byte[] message : messages)
        {
            assertSameAnswer(KEPT, REFERENCE, message, null);
            assertSameAnswer(SHALLOW_KEPT, SHALLOW_REFERENCE, message, GENERAL);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> messageSequences()
    {
        return Arbitraries.randomValue(JsonDecoderKeptParserProperties::framedMessage).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<byte[]>> byteSequences()
    {
        final Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        final Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars(JUNK).ofMaxLength(64)
            .map((text) -> text.getBytes(StandardCharsets.UTF_8));

        return Arbitraries.oneOf(bytes, jsonish).map(JsonDecoderKeptParserProperties::embed)
            .list().ofMinSize(1).ofMaxSize(6);
    }

    private void assertSameAnswer(
        final JsonDecoder kept, final JsonDecoder reference, final byte[] message, final byte[] defaultRoom)
    {
        final int length = message.length - 2 * MARGIN;
        final int expected = reference.decodeClientMessage(message, MARGIN, length, referenceOut, 0, defaultRoom);
        final int actual = kept.decodeClientMessage(message, MARGIN, length, keptOut, 0, defaultRoom);

        final String text = new String(message, MARGIN, length, StandardCharsets.UTF_8);
        assertEquals(expected, actual, () -> reference.error() + " / " + kept.error() + " for " + text);
        if (expected > 0)
        {
            assertArrayEquals(bytes(referenceOut, 0, expected), bytes(keptOut, 0, actual), text);
            Statistics.label("answers").collect("decoded");
            return;
        }

        final JsonError want = reference.error();
        final JsonError got = kept.error();
        assertEquals(want.code(), got.code(), text);
        assertEquals(want.reason(), got.reason(), text);
        assertArrayEquals(bytes(want.correlationIdBuffer(), 0, want.correlationIdLength()),
            bytes(got.correlationIdBuffer(), 0, got.correlationIdLength()), text);
        assertArrayEquals(bytes(want.roomBuffer(), 0, want.roomLength()),
            bytes(got.roomBuffer(), 0, got.roomLength()), text);
        Statistics.label("answers").collect(want.code().name());
    }

    // ---------------------------------------------------------------- generation

    /**
     * Bytes either side of a message that are not part of it: a decoder reading past its message would see them.
     */
    private static final int MARGIN = 2;

    private static byte[] framedMessage(final Random random)
    {
        String text = message(random);
        if (random.nextInt(10) < 4)
        {
            text = mutate(random, text);
        }
        if (random.nextInt(10) < 3)
        {
            text = whitespace(random) + text + whitespace(random);
        }

        return embed(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] embed(final byte[] text)
    {
        final byte[] message = new byte[text.length + 2 * MARGIN];
        message[0] = '{';
        message[1] = '"';
        System.arraycopy(text, 0, message, MARGIN, text.length);
        message[message.length - 2] = '}';
        message[message.length - 1] = '1';

        return message;
    }

    private static String message(final Random random)
    {
        final int shape = random.nextInt(20);
        if (shape < 10)
        {
            return clientMessage(random);
        }
        if (shape < 16)
        {
            return object(random, 1);
        }
        if (shape < 18)
        {
            return value(random, 1, "");
        }

        return clientMessage(random) + whitespace(random) + clientMessage(random);
    }

    private static String clientMessage(final Random random)
    {
        final String type = random.nextInt(10) < 9 ? TYPES[random.nextInt(9)] : pick(random, TYPES);
        final StringBuilder fields = new StringBuilder();
        fields.append(member(random, "type", quote(type)));
        if (random.nextBoolean())
        {
            final String id = random.nextInt(8) > 0 ? quote("msg_1") : value(random, 2, "");
            fields.append(',').append(member(random, "id", id));
        }
        if (random.nextInt(4) > 0)
        {
            final String room = random.nextInt(8) > 0 ? quote("general") : string(random);
            fields.append(',').append(member(random, "room", room));
        }
        if (random.nextInt(4) == 0)
        {
            fields.append(',').append(member(random, "key", random.nextInt(4) > 0 ? quote("k") : string(random)));
        }
        if (random.nextInt(3) > 0)
        {
            fields.append(',').append(member(random, "data", data(random, type)));
        }
        if (random.nextInt(5) == 0)
        {
            fields.append(',').append(member(random, name(random), value(random, 2, "")));
        }

        return "{" + fields + "}";
    }

    private static String data(final Random random, final String type)
    {
        if (random.nextInt(10) == 0)
        {
            return value(random, 2, "data");
        }

        final StringBuilder data = new StringBuilder("{");
        switch (type)
        {
            case "join":
            case "resume":
                data.append(member(random, "epoch", number(random))).append(',')
                    .append(member(random, "seq", number(random)));
                break;

            case "typing":
                data.append(member(random, "typing", random.nextBoolean() ? "true" : "false"));
                break;

            case "ping":
                data.append(member(random, "timestamp", number(random)));
                break;

            case "connect":
                data.append(member(random, "version", number(random))).append(',')
                    .append(member(random, "token", string(random)));
                break;

            default:
                data.append(member(random, "content", string(random)));
                break;
        }
        for (int i = random.nextInt(3); i > 0; i--)
        {
            data.append(',').append(member(random, name(random), value(random, 3, "")));
        }

        return data.append('}').toString();
    }

    private static String object(final Random random, final int depth)
    {
        final StringBuilder object = new StringBuilder("{");
        final int count = depth > 6 ? 0 : random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                object.append(',');
            }
            final String name = name(random);
            object.append(member(random, name, value(random, depth + 1, name)));
        }

        return object.append(whitespace(random)).append('}').toString();
    }

    private static String array(final Random random, final int depth)
    {
        final StringBuilder array = new StringBuilder("[");
        final int count = depth > 6 ? 0 : random.nextInt(4);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                array.append(',');
            }
            array.append(whitespace(random)).append(value(random, depth + 1, "")).append(whitespace(random));
        }

        return array.append(']').toString();
    }

    private static String value(final Random random, final int depth, final String name)
    {
        if ("type".equals(name) && random.nextInt(4) > 0)
        {
            return quote(pick(random, TYPES));
        }

        final int kind = random.nextInt(20);
        if (kind < 7)
        {
            return string(random);
        }
        if (kind < 11)
        {
            return number(random);
        }
        if (kind < 14)
        {
            return object(random, depth);
        }
        if (kind < 16)
        {
            return array(random, depth);
        }
        if (kind < 19)
        {
            return pick(random, new String[]{ "true", "false", "null" });
        }

        return depth > 6 ? "[]" : "[" + value(random, depth + 1, "") + "]";
    }

    private static String member(final Random random, final String name, final String value)
    {
        return whitespace(random) + quote(name) + whitespace(random) + ":" + whitespace(random) + value +
            whitespace(random);
    }

    private static String name(final Random random)
    {
        final int kind = random.nextInt(10);
        if (kind < 6)
        {
            return pick(random, PROTOCOL_NAMES);
        }
        if (kind < 8)
        {
            return pick(random, ODD_NAMES);
        }

        return randomText(random, 1 + random.nextInt(20), "abcdefghijklmnopqrstuvwxyz_0123456789");
    }

    private static String string(final Random random)
    {
        if (random.nextInt(4) > 0)
        {
            return quote(pick(random, STRINGS));
        }

        return quote(randomText(random, random.nextInt(30), "abcxyz \u00e9\u20ac\ud83d\ude00") +
            pick(random, STRINGS));
    }

    private static String number(final Random random)
    {
        return random.nextInt(4) > 0 ? pick(random, NUMBERS) : Long.toString(random.nextLong() >>> random.nextInt(64));
    }

    private static String mutate(final Random random, final String text)
    {
        final StringBuilder mutated = new StringBuilder(text);
        for (int i = 1 + random.nextInt(3); i > 0; i--)
        {
            final int at = mutated.length() == 0 ? 0 : random.nextInt(mutated.length());
            switch (random.nextInt(9))
            {
                case 0:
                    if (mutated.length() > 0)
                    {
                        mutated.deleteCharAt(at);
                    }
                    break;

                case 1:
                    mutated.insert(at, JUNK.charAt(random.nextInt(JUNK.length())));
                    break;

                case 2:
                    if (mutated.length() > 0)
                    {
                        mutated.setCharAt(at, JUNK.charAt(random.nextInt(JUNK.length())));
                    }
                    break;

                case 3:
                    mutated.setLength(at);
                    break;

                case 4:
                    mutated.append(pick(random, TRAILERS));
                    break;

                case 5:
                    mutated.insert(0, random.nextBoolean() ? "\ufeff" : pick(random, TRAILERS));
                    break;

                case 6:
                    mutated.insert(at, pick(random, BAD_TOKENS));
                    break;

                case 7:
                    mutated.insert(at, "[".repeat(1 + random.nextInt(12)));
                    break;

                default:
                    mutated.insert(at, mutated.substring(at, Math.min(mutated.length(), at + random.nextInt(8))));
                    break;
            }
        }

        return unpairedSurrogatesRemoved(mutated);
    }

    /**
     * Mutating a string can split a surrogate pair, which Java would encode as {@code '?'}: drop the halves left.
     */
    private static String unpairedSurrogatesRemoved(final CharSequence text)
    {
        final StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                clean.append(c).append(text.charAt(++i));
            }
            else if (!Character.isSurrogate(c))
            {
                clean.append(c);
            }
        }

        return clean.toString();
    }

    private static String whitespace(final Random random)
    {
        return random.nextInt(4) > 0 ? "" : randomText(random, 1 + random.nextInt(3), WHITESPACE);
    }

    private static String randomText(final Random random, final int length, final String chars)
    {
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final char c = chars.charAt(random.nextInt(chars.length()));
            if (Character.isHighSurrogate(c))
            {
                text.append("\ud83d\ude00");
            }
            else if (!Character.isLowSurrogate(c))
            {
                text.append(c);
            }
        }

        return text.toString();
    }

    private static String quote(final String text)
    {
        return "\"" + text + "\"";
    }

    private static String pick(final Random random, final String[] choices)
    {
        return choices[random.nextInt(choices.length)];
    }
}
