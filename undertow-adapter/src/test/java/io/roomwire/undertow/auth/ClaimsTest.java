package io.roomwire.undertow.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grants of {@link Claims}: glob patterns, separate join and publish grants, validation and immutability.
 */
class ClaimsTest
{
    private static final long EXP = 1_711_000_600L;

    @Test
    void shouldMatchPrefixPattern()
    {
        final Claims claims = new Claims("u", EXP, new String[]{ "chat.*" }, new String[]{ "chat.*" });

        assertTrue(claims.mayJoin("chat.general"));
        assertTrue(claims.mayJoin("chat."));
        assertTrue(claims.mayPublish("chat.general"));
        assertFalse(claims.mayJoin("news"));
        assertFalse(claims.mayJoin("chat"));
        assertFalse(claims.mayJoin("xchat.general"));
        assertFalse(claims.mayPublish("news"));
    }

    @Test
    void shouldMatchEveryRoomWithStar()
    {
        final Claims guest = Claims.guest("guest-1", EXP);

        for (final String room : new String[]{ "general", "news", "a", "chat.general", "x".repeat(64), "A:b-c_d.e" })
        {
            assertTrue(guest.mayJoin(room), room);
            assertTrue(guest.mayPublish(room), room);
        }
        assertArrayEquals(new String[]{ Claims.ALL_ROOMS }, guest.joinPatterns());
        assertArrayEquals(new String[]{ Claims.ALL_ROOMS }, guest.publishPatterns());
        assertEquals("guest-1", guest.userId());
        assertEquals(EXP, guest.expiresAtSeconds());
    }

    @Test
    void shouldMatchExactAndInnerStarPatterns()
    {
        final String[] join = { "lobby", "team-*-chat", "*.log", "a**b" };
        final Claims claims = new Claims("u", EXP, join, new String[0]);

        assertTrue(claims.mayJoin("lobby"));
        assertFalse(claims.mayJoin("lobby2"));
        assertFalse(claims.mayJoin("Lobby"));
        assertTrue(claims.mayJoin("team-red-chat"));
        assertTrue(claims.mayJoin("team--chat"));
        assertFalse(claims.mayJoin("team-red-chat2"));
        assertTrue(claims.mayJoin("build.log"));
        assertTrue(claims.mayJoin("ab"));
        assertTrue(claims.mayJoin("a.x.b"));
    }

    @Test
    void shouldKeepJoinAndPublishGrantsApart()
    {
        final Claims claims = new Claims("u", EXP, new String[]{ "*" }, new String[]{ "announcements" });

        assertTrue(claims.mayJoin("general"));
        assertFalse(claims.mayPublish("general"));
        assertTrue(claims.mayPublish("announcements"));
    }

    @Test
    void shouldGrantNothingWithoutPatterns()
    {
        final Claims claims = new Claims("u", EXP, new String[0], new String[0]);

        assertFalse(claims.mayJoin("general"));
        assertFalse(claims.mayPublish("general"));
    }

    @Test
    void shouldNeverGrantInvalidRoom()
    {
        final Claims guest = Claims.guest("u", EXP);

        assertFalse(guest.mayJoin(""));
        assertFalse(guest.mayJoin(null));
        assertFalse(guest.mayJoin("no room"));
        assertFalse(guest.mayJoin("chat/general"));
        assertFalse(guest.mayJoin("r*"));
        assertFalse(guest.mayJoin("x".repeat(65)));
        assertFalse(guest.mayPublish("caf\u00e9"));
    }

    @Test
    void shouldCopyPatternsInAndOut()
    {
        final String[] join = { "chat.*" };
        final Claims claims = new Claims("u", EXP, join, new String[]{ "chat.*" });
        join[0] = "*";
        assertFalse(claims.mayJoin("news"));

        claims.joinPatterns()[0] = "*";
        claims.publishPatterns()[0] = "*";
        assertFalse(claims.mayJoin("news"));
        assertFalse(claims.mayPublish("news"));
        assertArrayEquals(new String[]{ "chat.*" }, claims.joinPatterns());
    }

    @Test
    void shouldRefuseInvalidUserOrPattern()
    {
        final String[] none = new String[0];
        assertThrows(IllegalArgumentException.class, () -> new Claims(null, EXP, none, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("", EXP, none, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("a b", EXP, none, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u".repeat(65), EXP, none, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u", EXP, null, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u", EXP, none, null));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u", EXP, new String[]{ "a b" }, none));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u", EXP, none, new String[]{ null }));
        assertThrows(IllegalArgumentException.class, () -> new Claims("u", EXP, none, new String[]{ "a@b" }));
        assertThrows(IllegalArgumentException.class, () -> Claims.guest("a/b", EXP));
        new Claims("u@example.com", EXP, new String[]{ "*" }, none);
    }

    @Test
    void shouldCompareByValue()
    {
        final Claims a = new Claims("u", EXP, new String[]{ "a" }, new String[]{ "b" });
        final Claims b = new Claims("u", EXP, new String[]{ "a" }, new String[]{ "b" });

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Claims("u", EXP, new String[]{ "b" }, new String[]{ "a" }));
        assertNotEquals(a, new Claims("u", EXP + 1, new String[]{ "a" }, new String[]{ "b" }));
        assertNotEquals(a, new Claims("v", EXP, new String[]{ "a" }, new String[]{ "b" }));
        assertEquals(
            "Claims{userId=u, expiresAtSeconds=" + EXP + ", joinPatterns=[a], publishPatterns=[b]}", a.toString());
    }
}
