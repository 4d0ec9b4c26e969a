package io.roomwire.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link JsonWriter} writes what the JSON form needs; {@code JsonCodecProperties} checks that arbitrary strings
 * written by it parse back with Jackson.
 */
class JsonWriterTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8);
    private final JsonWriter writer = new JsonWriter().wrap(buffer, 2);

    @Test
    void writesNumbersIncludingTheExtremes()
    {
        writer.number(0).raw(',').number(-1).raw(',').number(Long.MAX_VALUE).raw(',').number(Long.MIN_VALUE);

        assertEquals("0,-1,9223372036854775807,-9223372036854775808", written());
    }

    @Test
    void writesBooleansIdentifiersAndRawText()
    {
        writer.raw('{').identifier("a").raw(':').bool(true).raw(",\"b\":").bool(false).raw(',')
            .identifier(utf8("c")).raw(':').identifier(new UnsafeBuffer(utf8("xdy")), 1, 1).raw('}');

        assertEquals("{\"a\":true,\"b\":false,\"c\":\"d\"}", written());
        assertEquals(2 + writer.length(), writer.position());
    }

    @Test
    void escapesQuoteBackslashAndControlCharacters()
    {
        writer.string("\"\\\n\r\t\u0000\u001f\u007f/\u00e9\u4e2d\ud83d\ude00");

        assertEquals("\"\\\"\\\\\\n\\r\\t\\u0000\\u001f\u007f/\u00e9\u4e2d\ud83d\ude00\"", written());
    }

    @Test
    void replacesUnpairedSurrogates()
    {
        writer.string("a\ud800b\udc00");

        assertEquals("\"a\\ufffdb\\ufffd\"", written());
    }

    @Test
    void escapesUtf8BytesTheSameWay()
    {
        final byte[] bytes = utf8("\"\\\n\u0001\u00e9");
        writer.utf8String(new UnsafeBuffer(bytes), 0, bytes.length);

        assertEquals("\"\\\"\\\\\\n\\u0001\u00e9\"", written());
    }

    @Test
    void writesRfc4648Base64()
    {
        final String[][] vectors =
        {
            { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
            { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
        };
        for (final String[] vector : vectors)
        {
            final byte[] bytes = utf8(vector[0]);
            writer.wrap(buffer, 0).base64(new UnsafeBuffer(bytes), 0, bytes.length);

            assertEquals("\"" + vector[1] + "\"", string(buffer, 0, writer.length()));
        }
    }

    private String written()
    {
        return string(buffer, 2, writer.length());
    }
}
