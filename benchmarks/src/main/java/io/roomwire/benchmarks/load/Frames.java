package io.roomwire.benchmarks.load;

import java.nio.ByteBuffer;

/**
 * The client side of RFC 6455 framing: final frames, masked with the given key.
 * <p>
 * Stateless; safe from any thread.
 */
final class Frames
{
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_CLOSE = 0x8;
    static final int MAX_HEADER_LENGTH = 14;

    private Frames()
    {
    }

    /**
     * @param payloadLength bytes of payload.
     * @return length of a masked client frame header for it, mask included.
     */
    static int headerLength(final int payloadLength)
    {
        return (payloadLength <= 125 ? 2 : (payloadLength <= 0xFFFF ? 4 : 10)) + 4;
    }

    /**
     * Put a frame's header, mask included, into an array.
     *
     * @return the offset after the header, where the payload goes.
     */
    static int putHeader(final byte[] dst, final int offset, final int opcode, final int payloadLength, final int mask)
    {
        int i = offset;
        dst[i++] = (byte)(0x80 | opcode);
        if (payloadLength <= 125)
        {
            dst[i++] = (byte)(0x80 | payloadLength);
        }
        else if (payloadLength <= 0xFFFF)
        {
            dst[i++] = (byte)(0x80 | 126);
            dst[i++] = (byte)(payloadLength >>> 8);
            dst[i++] = (byte)payloadLength;
        }
        else
        {
            dst[i++] = (byte)(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                dst[i++] = (byte)((long)payloadLength >>> shift);
            }
        }
        dst[i++] = (byte)(mask >>> 24);
        dst[i++] = (byte)(mask >>> 16);
        dst[i++] = (byte)(mask >>> 8);
        dst[i++] = (byte)mask;
        return i;
    }

    /**
     * Mask a payload in place (the mask is its own inverse).
     */
    static void mask(final byte[] b, final int offset, final int length, final int mask)
    {
        final byte m0 = (byte)(mask >>> 24);
        final byte m1 = (byte)(mask >>> 16);
        final byte m2 = (byte)(mask >>> 8);
        final byte m3 = (byte)mask;
        int i = 0;
        for (; i + 4 <= length; i += 4)
        {
            final int at = offset + i;
            b[at] ^= m0;
            b[at + 1] ^= m1;
            b[at + 2] ^= m2;
            b[at + 3] ^= m3;
        }
        for (; i < length; i++)
        {
            b[offset + i] ^= (i & 3) == 0 ? m0 : ((i & 3) == 1 ? m1 : m2);
        }
    }

    /**
     * Put a complete masked frame into a buffer at its position.
     */
    static void putMaskedFrame(final ByteBuffer dst, final int opcode, final byte[] payload, final int mask)
    {
        final byte[] frame = new byte[headerLength(payload.length) + payload.length];
        final int at = putHeader(frame, 0, opcode, payload.length, mask);
        System.arraycopy(payload, 0, frame, at, payload.length);
        mask(frame, at, payload.length, mask);
        dst.put(frame);
    }
}
