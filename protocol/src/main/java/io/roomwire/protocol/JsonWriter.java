package io.roomwire.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Appends JSON text to a {@link MutableDirectBuffer} without allocating. Jackson's generator allocates an instance
 * per document, which the per-record path cannot afford; what the server writes has a fixed shape, so this small
 * writer covers it. Everything it writes parses with Jackson (see {@code JsonWriterTest}).
 * <p>
 * Use an expandable buffer ({@link org.agrona.ExpandableArrayBuffer}) when the size is not known in advance.
 * <p>
 * Not thread safe: one writer per thread.
 */
public final class JsonWriter
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BASE64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MutableDirectBuffer buffer;
    private int start;
    private int position;

    /**
     * Start writing at an offset of a buffer.
     *
     * @param buffer to write into.
     * @param offset of the first byte.
     * @return this for a fluent API.
     */
    public JsonWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        return this;
    }

    /**
     * @return bytes written since {@link #wrap(MutableDirectBuffer, int)}.
     */
    public int length()
    {
        return position - start;
    }

    /**
     * @return the index the next byte goes to.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return the buffer being written.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Append one ASCII character as it is.
     *
     * @param c character.
     * @return this for a fluent API.
     */
    public JsonWriter raw(final char c)
    {
        buffer.putByte(position++, (byte)c);
        return this;
    }

    /**
     * Append ASCII text as it is, with no quoting or escaping: for literal punctuation and field names.
     *
     * @param ascii text.
     * @return this for a fluent API.
     */
    public JsonWriter raw(final String ascii)
    {
        position += buffer.putStringWithoutLengthAscii(position, ascii);
        return this;
    }

    /**
     * Append bytes as they are.
     *
     * @param bytes to copy.
     * @return this for a fluent API.
     */
    public JsonWriter raw(final byte[] bytes)
    {
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return this;
    }

    /**
     * Append bytes as they are.
     *
     * @param src    holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return this for a fluent API.
     */
    public JsonWriter raw(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    /**
     * Append a decimal number.
     *
     * @param value to write.
     * @return this for a fluent API.
     */
    public JsonWriter number(final long value)
    {
        position += buffer.putLongAscii(position, value);
        return this;
    }

    /**
     * Append {@code true} or {@code false}.
     *
     * @param value to write.
     * @return this for a fluent API.
     */
    public JsonWriter bool(final boolean value)
    {
        return raw(value ? "true" : "false");
    }

    /**
     * Append a quoted string whose bytes are known to need no escaping (an {@link Identifiers identifier}).
     *
     * @param src    holding the ASCII bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return this for a fluent API.
     */
    public JsonWriter identifier(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putByte(position++, (byte)'"');
        buffer.putBytes(position, src, offset, length);
        position += length;
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    /**
     * Append a quoted string whose bytes are known to need no escaping.
     *
     * @param ascii bytes.
     * @return this for a fluent API.
     */
    public JsonWriter identifier(final byte[] ascii)
    {
        buffer.putByte(position++, (byte)'"');
        raw(ascii);
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    /**
     * Append a quoted string whose characters are known to need no escaping.
     *
     * @param ascii text.
     * @return this for a fluent API.
     */
    public JsonWriter identifier(final String ascii)
    {
        buffer.putByte(position++, (byte)'"');
        raw(ascii);
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    /**
     * Append a quoted, escaped string from UTF-8 bytes. Bytes of multi-byte sequences pass through unchanged;
     * quote, backslash and control characters are escaped.
     *
     * @param src    holding UTF-8 bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return this for a fluent API.
     */
    public JsonWriter utf8String(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putByte(position++, (byte)'"');
        for (int i = offset, end = offset + length; i < end; i++)
        {
            escape(src.getByte(i));
        }
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    /**
     * Append a quoted, escaped string.
     *
     * @param value text, any characters.
     * @return this for a fluent API.
     */
    public JsonWriter string(final CharSequence value)
    {
        buffer.putByte(position++, (byte)'"');
        for (int i = 0, length = value.length(); i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                escape((byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(position++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                buffer.putByte(position++, (byte)(0xF0 | (cp >> 18)));
                buffer.putByte(position++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (cp & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                raw("\\ufffd");
            }
            else
            {
                buffer.putByte(position++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(position++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    /**
     * Append a quoted base64 (RFC 4648, padded) string of bytes.
     *
     * @param src    holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return this for a fluent API.
     */
    public JsonWriter base64(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putByte(position++, (byte)'"');
        int i = offset;
        final int end = offset + length;
        for (; i + 2 < end; i += 3)
        {
            final int v = ((src.getByte(i) & 0xFF) << 16) | ((src.getByte(i + 1) & 0xFF) << 8) | (src.getByte(i + 2) & 0xFF);
            buffer.putByte(position++, BASE64[(v >>> 18) & 0x3F]);
            buffer.putByte(position++, BASE64[(v >>> 12) & 0x3F]);
            buffer.putByte(position++, BASE64[(v >>> 6) & 0x3F]);
            buffer.putByte(position++, BASE64[v & 0x3F]);
        }
        final int remaining = end - i;
        if (remaining > 0)
        {
            final int v = ((src.getByte(i) & 0xFF) << 16) | (remaining == 2 ? (src.getByte(i + 1) & 0xFF) << 8 : 0);
            buffer.putByte(position++, BASE64[(v >>> 18) & 0x3F]);
            buffer.putByte(position++, BASE64[(v >>> 12) & 0x3F]);
            buffer.putByte(position++, remaining == 2 ? BASE64[(v >>> 6) & 0x3F] : (byte)'=');
            buffer.putByte(position++, (byte)'=');
        }
        buffer.putByte(position++, (byte)'"');
        return this;
    }

    private void escape(final byte b)
    {
        switch (b)
        {
            case '"':
                buffer.putByte(position++, (byte)'\\');
                buffer.putByte(position++, (byte)'"');
                break;
            case '\\':
                buffer.putByte(position++, (byte)'\\');
                buffer.putByte(position++, (byte)'\\');
                break;
            case '\n':
                buffer.putByte(position++, (byte)'\\');
                buffer.putByte(position++, (byte)'n');
                break;
            case '\r':
                buffer.putByte(position++, (byte)'\\');
                buffer.putByte(position++, (byte)'r');
                break;
            case '\t':
                buffer.putByte(position++, (byte)'\\');
                buffer.putByte(position++, (byte)'t');
                break;
            default:
                if (b >= 0 && b < 0x20)
                {
                    buffer.putByte(position++, (byte)'\\');
                    buffer.putByte(position++, (byte)'u');
                    buffer.putByte(position++, (byte)'0');
                    buffer.putByte(position++, (byte)'0');
                    buffer.putByte(position++, HEX[b >> 4]);
                    buffer.putByte(position++, HEX[b & 0xF]);
                }
                else
                {
                    buffer.putByte(position++, b);
                }
        }
    }
}
