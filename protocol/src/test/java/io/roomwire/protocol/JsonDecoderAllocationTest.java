package io.roomwire.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guards the per-message path of the server: once warm, {@link JsonDecoder#decodeClientMessage} allocates nothing for
 * well-formed messages, as the JVM counts it, whatever their type, whitespace or escapes, on the full protocol and on
 * the seed path, from an array, an array-backed buffer or an off-heap one.
 */
class JsonDecoderAllocationTest
{
    private static final int WARM_UP = 20_000;
    private static final int ITERATIONS = 10_000;

    private static final byte[] GENERAL = utf8("general");

    private static final String[] FULL_PROTOCOL =
    {
        "{\"type\":\"text\",\"id\":\"msg_123\",\"room\":\"general\"," +
            "\"data\":{\"content\":\"The quick brown fox jumps over the lazy dog; EURUSD 1.084120\"}}",
        "{\"type\":\"message\",\"room\":\"general\",\"key\":\"cursor\"," +
            "\"data\":{\"a\":[1,{\"b\":null}],\"c\":\"\u00e9\"}}",
        " {\n  \"type\" : \"system\" ,\t\"room\" : \"r\" , \"data\" : { \"x\" : [ true, false, -1.5e3 ] }\n} \r\n",
        "{\"type\":\"text\",\"room\":\"general\"," +
            "\"data\":{\"content\":\"line\\nbreak \\\"quoted\\\" \\u00e9 \ud83d\ude00\"}}",
        "{\"type\":\"join\",\"id\":\"j1\",\"room\":\"general\"}",
        "{\"type\":\"resume\",\"id\":\"j1\",\"room\":\"general\",\"data\":{\"epoch\":1711000000000,\"seq\":41}}",
        "{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"general\"}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":true}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":1711000000123}}",
        "{\"type\":\"connect\"," +
            "\"data\":{\"version\":1,\"token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzQyIn0.c2ln\"}}",
        "{\"type\":\"join\",\"room\":\"gen\\u0065ral\",\"extra\":{\"nested\":[[1],[2]]}}",
    };

    private static final String[] SEED_PATH =
    {
        "{\"text\":\"a seed-form object\",\"n\":1}",
        "{\"user\":\"bob\",\"msg\":\"hi\",\"at\":1711000000123,\"tags\":[\"a\",\"b\"]}",
        "{\"type\":\"text\",\"data\":{\"content\":\"on the default room\"}}",
    };

    @Test
    void decodingIsAllocationFreeOnceWarm()
    {
        final byte[][] fullProtocol = embed(FULL_PROTOCOL);
        final byte[][] seedPath = embed(SEED_PATH);
        final JsonDecoder decoder = new JsonDecoder();
        final ExpandableArrayBuffer dst = new ExpandableArrayBuffer(4096);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        final ExpandableDirectByteBuffer offHeap = new ExpandableDirectByteBuffer(4096);

        final long allocated = Allocations.fewestBytesPerRound(
            (iterations) -> run(decoder, fullProtocol, seedPath, dst, view, offHeap, iterations), WARM_UP, ITERATIONS);
        assertEquals(0, allocated, "fewest bytes allocated by " +
            ITERATIONS * 3 * (fullProtocol.length + seedPath.length) + " decodes");
    }

    /**
     * Each message placed at offset 3 of an array with bytes either side that are not part of it.
     */
    private static byte[][] embed(final String[] texts)
    {
        final byte[][] messages = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++)
        {
            final byte[] text = utf8(texts[i]);
            final byte[] message = new byte[text.length + 6];
            message[0] = '}';
            message[1] = ' ';
            message[2] = '{';
            System.arraycopy(text, 0, message, 3, text.length);
            message[text.length + 3] = '}';
            message[text.length + 4] = 'x';
            message[text.length + 5] = '{';
            messages[i] = message;
        }

        return messages;
    }

    private static long run(
        final JsonDecoder decoder,
        final byte[][] fullProtocol,
        final byte[][] seedPath,
        final ExpandableArrayBuffer dst,
        final UnsafeBuffer view,
        final ExpandableDirectByteBuffer offHeap,
        final int iterations)
    {
        long checksum = 0;
        for (int i = 0; i < iterations; i++)
        {
            for (final byte[] message : fullProtocol)
            {
                checksum += decoded(decoder.decodeClientMessage(message, 3, message.length - 6, dst, 0, null));
                view.wrap(message);
                checksum += decoded(decoder.decodeClientMessage(view, 3, message.length - 6, dst, 0, GENERAL));
                offHeap.putBytes(0, message);
                checksum += decoded(decoder.decodeClientMessage(offHeap, 3, message.length - 6, dst, 0, null));
            }
            for (final byte[] message : seedPath)
            {
                checksum += decoded(decoder.decodeClientMessage(message, 3, message.length - 6, dst, 0, GENERAL));
                view.wrap(message, 1, message.length - 1);
                checksum += decoded(decoder.decodeClientMessage(view, 2, message.length - 6, dst, 0, GENERAL));
                offHeap.putBytes(0, message);
                checksum += decoded(decoder.decodeClientMessage(offHeap, 3, message.length - 6, dst, 0, GENERAL));
            }
        }

        return checksum;
    }

    private static int decoded(final int length)
    {
        if (length <= 0)
        {
            throw new AssertionError("refused a message the test expects to decode");
        }

        return length;
    }
}
