package io.roomwire.protocol;

import org.agrona.DirectBuffer;

/**
 * Syntax of the identifiers that travel in the protocol: room names, user ids, client message ids, conflation keys
 * and room patterns. Every identifier is ASCII, 1 to {@link #MAX_LENGTH} bytes, and needs no escaping in JSON, so the
 * JSON form can copy it between quotes as it is.
 * <ul>
 *     <li>room: {@code [A-Za-z0-9_.:-]}</li>
 *     <li>user id: {@code [A-Za-z0-9_.:@-]}</li>
 *     <li>client message id and conflation key: printable ASCII ({@code 0x21-0x7E}) except {@code "} and {@code \}</li>
 *     <li>room pattern: room characters plus {@code *}, which matches any run of characters, including none</li>
 * </ul>
 * Stateless; safe from any thread.
 */
public final class Identifiers
{
    /**
     * Longest identifier in bytes.
     */
    public static final int MAX_LENGTH = 64;

    private static final byte ROOM = 1;
    private static final byte USER = 2;
    private static final byte ID = 4;
    private static final byte PATTERN = 8;
    private static final byte[] CLASSES = new byte[128];

    static
    {
        for (int c = 0x21; c <= 0x7E; c++)
        {
            if (c != '"' && c != '\\')
            {
                CLASSES[c] |= ID;
            }
        }
        for (int c = 0; c < 128; c++)
        {
            final boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum || c == '_' || c == '.' || c == ':' || c == '-')
            {
                CLASSES[c] |= ROOM | USER | PATTERN;
            }
        }
        CLASSES['@'] |= USER;
        CLASSES['*'] |= PATTERN;
    }

    private Identifiers()
    {
    }

    /**
     * @param buffer holding the name.
     * @param offset of the first byte.
     * @param length in bytes.
     * @return true when the bytes are a valid room name.
     */
    public static boolean isValidRoom(final DirectBuffer buffer, final int offset, final int length)
    {
        return isValid(buffer, offset, length, ROOM);
    }

    /**
     * @param name to check.
     * @return true when the name is a valid room name.
     */
    public static boolean isValidRoom(final CharSequence name)
    {
        return isValid(name, ROOM);
    }

    /**
     * @param buffer holding the id.
     * @param offset of the first byte.
     * @param length in bytes.
     * @return true when the bytes are a valid user id.
     */
    public static boolean isValidUser(final DirectBuffer buffer, final int offset, final int length)
    {
        return isValid(buffer, offset, length, USER);
    }

    /**
     * @param userId to check.
     * @return true when the id is a valid user id.
     */
    public static boolean isValidUser(final CharSequence userId)
    {
        return isValid(userId, USER);
    }

    /**
     * @param buffer holding the id.
     * @param offset of the first byte.
     * @param length in bytes.
     * @return true when the bytes are a valid client message id or conflation key.
     */
    public static boolean isValidId(final DirectBuffer buffer, final int offset, final int length)
    {
        return isValid(buffer, offset, length, ID);
    }

    /**
     * @param id to check.
     * @return true when the id is a valid client message id or conflation key.
     */
    public static boolean isValidId(final CharSequence id)
    {
        return isValid(id, ID);
    }

    /**
     * @param pattern to check.
     * @return true when the pattern is a valid room pattern.
     */
    public static boolean isValidRoomPattern(final CharSequence pattern)
    {
        return isValid(pattern, PATTERN);
    }

    /**
     * Glob match of a room name against a pattern in which {@code *} matches any run of characters, including none.
     * Linear in the lengths for patterns with one star, and without allocation for any pattern.
     *
     * @param pattern       ASCII pattern bytes.
     * @param buffer        holding the room name.
     * @param offset        of the room name.
     * @param length        of the room name.
     * @return true when the room name matches.
     */
    public static boolean matches(final byte[] pattern, final DirectBuffer buffer, final int offset, final int length)
    {
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = 0;
        while (s < length)
        {
            final byte c = buffer.getByte(offset + s);
            if (p < pattern.length && pattern[p] != '*' && pattern[p] == c)
            {
                p++;
                s++;
            }
            else if (p < pattern.length && pattern[p] == '*')
            {
                starP = p++;
                starS = s;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                s = ++starS;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.length;
    }

    private static boolean isValid(final DirectBuffer buffer, final int offset, final int length, final byte cls)
    {
        if (length < 1 || length > MAX_LENGTH)
        {
            return false;
        }
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final int c = buffer.getByte(i);
            if (c < 0 || (CLASSES[c] & cls) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static boolean isValid(final CharSequence value, final byte cls)
    {
        final int length = null == value ? 0 : value.length();
        if (length < 1 || length > MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c >= 128 || (CLASSES[c] & cls) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
