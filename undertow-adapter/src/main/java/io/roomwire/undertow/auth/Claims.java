package io.roomwire.undertow.auth;

import io.roomwire.protocol.Identifiers;

import java.util.Arrays;

/**
 * What a token says about its bearer: the user id ({@code sub}), the expiry ({@code exp}, seconds since the Unix
 * epoch), and the room patterns the user may join ({@code join}) and publish to ({@code pub}). A pattern is a room
 * name in which {@code *} matches any run of characters, including none, as in
 * {@link Identifiers#matches(byte[], org.agrona.DirectBuffer, int, int)}; {@link #ALL_ROOMS} matches every room.
 * <p>
 * Every instance is valid: the constructor refuses a user id or a pattern that does not have the syntax of
 * {@link Identifiers}, so a {@link TokenCodec} can issue any {@code Claims}.
 * <p>
 * Immutable; safe from any thread.
 */
public final class Claims
{
    /**
     * The pattern that matches every room.
     */
    public static final String ALL_ROOMS = "*";

    private static final String[] NO_PATTERNS = new String[0];
    private static final String[] ALL_ROOMS_PATTERNS = { ALL_ROOMS };

    private final String userId;
    private final long expiresAtSeconds;
    private final String[] joinPatterns;
    private final String[] publishPatterns;

    /**
     * Claims of a user.
     *
     * @param userId           of the user: the syntax of {@link Identifiers#isValidUser(CharSequence)}.
     * @param expiresAtSeconds expiry of the token, in seconds since the Unix epoch.
     * @param joinPatterns     room patterns the user may join, each with the syntax of
     *                         {@link Identifiers#isValidRoomPattern(CharSequence)}; copied.
     * @param publishPatterns  room patterns the user may publish to, with the same syntax; copied.
     * @throws IllegalArgumentException when the user id or a pattern is invalid or missing.
     */
    public Claims(
        final String userId,
        final long expiresAtSeconds,
        final String[] joinPatterns,
        final String[] publishPatterns)
    {
        if (!Identifiers.isValidUser(userId))
        {
            throw new IllegalArgumentException("user id is missing or invalid");
        }
        this.userId = userId;
        this.expiresAtSeconds = expiresAtSeconds;
        this.joinPatterns = validPatterns(joinPatterns, "join");
        this.publishPatterns = validPatterns(publishPatterns, "publish");
    }

    /**
     * Claims of a guest: a user who may join and publish to every room.
     *
     * @param userId           of the guest, e.g. {@code guest-7}.
     * @param expiresAtSeconds expiry of the token, in seconds since the Unix epoch.
     * @return the claims.
     * @throws IllegalArgumentException when the user id is invalid.
     */
    public static Claims guest(final String userId, final long expiresAtSeconds)
    {
        return new Claims(userId, expiresAtSeconds, ALL_ROOMS_PATTERNS, ALL_ROOMS_PATTERNS);
    }

    /**
     * @return the user id ({@code sub}).
     */
    public String userId()
    {
        return userId;
    }

    /**
     * @return the expiry ({@code exp}) in seconds since the Unix epoch.
     */
    public long expiresAtSeconds()
    {
        return expiresAtSeconds;
    }

    /**
     * @return a copy of the patterns of the rooms the user may join ({@code join}); empty when none.
     */
    public String[] joinPatterns()
    {
        return joinPatterns.length == 0 ? joinPatterns : joinPatterns.clone();
    }

    /**
     * @return a copy of the patterns of the rooms the user may publish to ({@code pub}); empty when none.
     */
    public String[] publishPatterns()
    {
        return publishPatterns.length == 0 ? publishPatterns : publishPatterns.clone();
    }

    /**
     * Does a join pattern match the room? A room that is not a valid room name is never granted.
     *
     * @param room to join.
     * @return true when the user may join the room.
     */
    public boolean mayJoin(final CharSequence room)
    {
        return isGranted(joinPatterns, room);
    }

    /**
     * Does a publish pattern match the room? A room that is not a valid room name is never granted.
     *
     * @param room to publish to.
     * @return true when the user may publish to the room.
     */
    public boolean mayPublish(final CharSequence room)
    {
        return isGranted(publishPatterns, room);
    }

    /**
     * Glob match of a room against a pattern, with the semantics of
     * {@link Identifiers#matches(byte[], org.agrona.DirectBuffer, int, int)}: {@code *} matches any run of characters,
     * including none, and every other character matches itself. Without allocation.
     *
     * @param pattern room pattern.
     * @param room    room name.
     * @return true when the room matches the pattern.
     */
    public static boolean matches(final CharSequence pattern, final CharSequence room)
    {
        final int patternLength = pattern.length();
        final int roomLength = room.length();
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = 0;
        while (s < roomLength)
        {
            final char c = room.charAt(s);
            if (p < patternLength && pattern.charAt(p) != '*' && pattern.charAt(p) == c)
            {
                p++;
                s++;
            }
            else if (p < patternLength && pattern.charAt(p) == '*')
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
        while (p < patternLength && pattern.charAt(p) == '*')
        {
            p++;
        }

        return p == patternLength;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Claims))
        {
            return false;
        }

        final Claims that = (Claims)o;
        return expiresAtSeconds == that.expiresAtSeconds &&
            userId.equals(that.userId) &&
            Arrays.equals(joinPatterns, that.joinPatterns) &&
            Arrays.equals(publishPatterns, that.publishPatterns);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        int result = userId.hashCode();
        result = 31 * result + Long.hashCode(expiresAtSeconds);
        result = 31 * result + Arrays.hashCode(joinPatterns);
        result = 31 * result + Arrays.hashCode(publishPatterns);

        return result;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Claims{" +
            "userId=" + userId +
            ", expiresAtSeconds=" + expiresAtSeconds +
            ", joinPatterns=" + Arrays.toString(joinPatterns) +
            ", publishPatterns=" + Arrays.toString(publishPatterns) +
            '}';
    }

    private static boolean isGranted(final String[] patterns, final CharSequence room)
    {
        if (!Identifiers.isValidRoom(room))
        {
            return false;
        }
        for (final String pattern : patterns)
        {
            if (matches(pattern, room))
            {
                return true;
            }
        }

        return false;
    }

    private static String[] validPatterns(final String[] patterns, final String permission)
    {
        if (null == patterns)
        {
            throw new IllegalArgumentException(permission + " patterns are missing");
        }
        if (patterns.length == 0)
        {
            return NO_PATTERNS;
        }

        final String[] copy = patterns.clone();
        for (int i = 0; i < copy.length; i++)
        {
            if (!Identifiers.isValidRoomPattern(copy[i]))
            {
                throw new IllegalArgumentException(permission + " pattern " + i + " is missing or invalid");
            }
        }

        return copy;
    }
}
