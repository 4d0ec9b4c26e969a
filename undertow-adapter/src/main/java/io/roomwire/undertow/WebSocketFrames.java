package io.roomwire.undertow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 framing constants and the server side of it: frames the server sends are unmasked and unfragmented.
 * Undertow's own WebSocket API allocates a channel and a pooled buffer per frame and cannot write bytes shared by
 * many receivers; the server writes frames itself, straight into each connection's outbound buffer.
 * <p>
 * Stateless; safe from any thread.
 */
final class WebSocketFrames
{
    static final int OPCODE_CONTINUATION = 0x0;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;

    static final int MAX_CONTROL_PAYLOAD = 125;
    static final int MAX_HEADER_LENGTH = 14;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketFrames()
    {
    }

    /**
     * @param payloadLength bytes of payload.
     * @return length of an unmasked server frame header for it.
     */
    static int headerLength(final int payloadLength)
    {
        return payloadLength <= 125 ? 2 : (payloadLength <= 0xFFFF ? 4 : 10);
    }

    /**
     * Put the header of a final, unmasked frame.
     *
     * @param dst           to put it into, at its position.
     * @param opcode        of the frame.
     * @param payloadLength bytes of payload that will follow.
     */
    static void putHeader(final ByteBuffer dst, final int opcode, final int payloadLength)
    {
        dst.put((byte)(0x80 | opcode));
        if (payloadLength <= 125)
        {
            dst.put((byte)payloadLength);
        }
        else if (payloadLength <= 0xFFFF)
        {
            dst.put((byte)126);
            dst.putShort((short)payloadLength);
        }
        else
        {
            dst.put((byte)127);
            dst.putLong(payloadLength);
        }
    }

    /**
     * @param key the client's {@code Sec-WebSocket-Key}.
     * @return the {@code Sec-WebSocket-Accept} answer.
     */
    static String acceptKey(final String key)
    {
        try
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is required by the JDK", ex);
        }
    }

    /**
     * @param code   close code.
     * @param reason text; cut to fit a control frame.
     * @return the close frame's payload: code then UTF-8 reason.
     */
    static byte[] closePayload(final int code, final String reason)
    {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_CONTROL_PAYLOAD - 2)
        {
            text = java.util.Arrays.copyOf(text, MAX_CONTROL_PAYLOAD - 2);
        }
        final byte[] payload = new byte[2 + text.length];
        payload[0] = (byte)(code >> 8);
        payload[1] = (byte)code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }
}
