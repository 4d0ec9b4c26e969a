package io.roomwire.undertow.auth;

import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.ErrorCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.roomwire.undertow.auth.TestTokens.SECRET;
import static io.roomwire.undertow.auth.TestTokens.base64url;
import static io.roomwire.undertow.auth.TestTokens.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of {@link TokenCodec} and {@link Claims}: no input makes verification throw, nothing but an unchanged
 * token is accepted, issued claims come back as they were, and glob matching agrees with {@link Identifiers}.
 */
class TokenCodecProperties
{
    private static final long NOW_MS = 1_711_000_000_000L;
    private static final long EXP = 1_711_000_600L;
    private static final String ROOM_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";
    private static final String BASE64URL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String JSONISH_CHARS = "{}[]\":,0123456789.-+eE \t\\/usbjpexalgHS256nonetrufl*@";
    private static final int MUTATION_KINDS = 7;

    private final TokenCodec codec = new TokenCodec(SECRET, () -> NOW_MS);
    private final Verification verification = new Verification();
    private final String validToken = codec.issue(
        new Claims("user_42", EXP, new String[]{ "chat.*", "lobby" }, new String[]{ "chat.general" }));

    @Property(tries = 2000)
    void shouldNeverAcceptArbitraryTokenishStrings(@ForAll("tokenishStrings") final String text)
    {
        assertRefusedWithoutThrowing(text);
    }

    @Property(tries = 1000)
    void shouldNeverAcceptArbitraryStrings(@ForAll final String text)
    {
        assertRefusedWithoutThrowing(text);
    }

    @Property(tries = 2000)
    void shouldRefuseEveryMutationOfValidToken(
        @ForAll @Size(min = 1, max = 4) final List<@IntRange(min = 0, max = 1_000_000) Integer> mutations)
    {
        String token = validToken;
        for (final int mutation : mutations)
        {
            token = mutate(token, mutation);
        }

        final ErrorCode result = codec.verify(token, verification);
        if (token.equals(validToken))
        {
            assertEquals(ErrorCode.NULL_VAL, result);
        }
        else
        {
            assertEquals(ErrorCode.NOT_AUTHENTICATED, result, verification.reason());
            assertNull(verification.claims());
        }
    }

    @Property(tries = 400)
    void shouldNeverThrowForSignedJsonOfAnyShape(
        @ForAll("jsonishStrings") final String header, @ForAll("jsonishStrings") final String payload)
    {
        final String[] headers = { header, "{\"alg\":\"HS256\"," + header, "{\"alg\":\"HS256\"}" };
        final String[] payloads = { payload, "{\"sub\":\"u\",\"exp\":" + EXP + "," + payload, "{\"sub\":" + payload };
        for (final String h : headers)
        {
            for (final String p : payloads)
            {
                final ErrorCode result = codec.verify(signed(base64url(h), base64url(p), SECRET), verification);
                assertTrue(
                    result == ErrorCode.NULL_VAL || result == ErrorCode.NOT_AUTHENTICATED ||
                    result == ErrorCode.TOKEN_EXPIRED);
                assertEquals(result == ErrorCode.NULL_VAL, null != verification.claims());
            }
        }
    }

    @Property(tries = 500)
    void shouldVerifyIssuedTokenToItsClaims(@ForAll("claims") final Claims claims)
    {
        final ErrorCode result = codec.verify(codec.issue(claims), verification);

        if (claims.expiresAtSeconds() <= NOW_MS / 1000 - TokenCodec.DEFAULT_CLOCK_SKEW_SECONDS)
        {
            assertEquals(ErrorCode.TOKEN_EXPIRED, result);
        }
        else
        {
            assertEquals(ErrorCode.NULL_VAL, result, verification.reason());
            assertEquals(claims, verification.claims());
        }
    }

    @Property(tries = 1500)
    void shouldMatchLikeIdentifiers(@ForAll("patterns") final String pattern, @ForAll("smallRooms") final String room)
    {
        final byte[] patternBytes = pattern.getBytes(StandardCharsets.US_ASCII);
        final byte[] roomBytes = room.getBytes(StandardCharsets.US_ASCII);
        final boolean expected = Identifiers.matches(patternBytes, new UnsafeBuffer(roomBytes), 0, roomBytes.length);

        assertEquals(expected, Claims.matches(pattern, room));
        final Claims claims = new Claims("u", EXP, new String[]{ pattern }, new String[0]);
        assertEquals(expected, claims.mayJoin(room));
        assertFalse(claims.mayPublish(room));
    }

    @Provide
    Arbitrary<String> tokenishStrings()
    {
        return Arbitraries.strings().withChars(BASE64URL_CHARS + "..=+/ ").ofMinLength(0).ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> jsonishStrings()
    {
        return Arbitraries.strings().withChars(JSONISH_CHARS).ofMinLength(0).ofMaxLength(60);
    }

    @Provide
    Arbitrary<Claims> claims()
    {
        final Arbitrary<String> users =
            Arbitraries.strings().withChars(ROOM_CHARS + "@").ofMinLength(1).ofMaxLength(64);
        final Arbitrary<Long> expiries = Arbitraries.oneOf(
            Arbitraries.longs(), Arbitraries.longs().between(EXP - 3600, EXP + 3600));
        final Arbitrary<String[]> patternArrays = patterns().array(String[].class).ofMaxSize(6);

        return Combinators.combine(users, expiries, patternArrays, patternArrays).as(Claims::new);
    }

    @Provide
    Arbitrary<String> patterns()
    {
        return Arbitraries.strings().withChars("ab.*").ofMinLength(1).ofMaxLength(8);
    }

    @Provide
    Arbitrary<String> smallRooms()
    {
        return Arbitraries.strings().withChars("ab.").ofMinLength(1).ofMaxLength(10);
    }

    private void assertRefusedWithoutThrowing(final String text)
    {
        final ErrorCode result = codec.verify(text, verification);

        assertNotEquals(ErrorCode.NULL_VAL, result);
        assertEquals(result, verification.errorCode());
        assertNull(verification.claims());
    }

    /**
     * One edit of a token chosen by {@code mutation}: replace, insert, delete, flip one bit, truncate, swap two
     * neighbours, or repeat a character.
     */
    private static String mutate(final String token, final int mutation)
    {
        final int length = token.length();
        final int kind = mutation % MUTATION_KINDS;
        final int at = (mutation / MUTATION_KINDS) % Math.max(1, length);
        final char c = (BASE64URL_CHARS + ".=").charAt((mutation / 13) % (BASE64URL_CHARS.length() + 2));
        final StringBuilder edited = new StringBuilder(token);
        switch (kind)
        {
            case 0:
                if (length > 0)
                {
                    edited.setCharAt(at, c);
                }
                break;

            case 1:
                edited.insert(at, c);
                break;

            case 2:
                if (length > 0)
                {
                    edited.deleteCharAt(at);
                }
                break;

            case 3:
                if (length > 0)
                {
                    edited.setCharAt(at, (char)(token.charAt(at) ^ (1 << ((mutation / 17) % 8))));
                }
                break;

            case 4:
                edited.setLength(at);
                break;

            case 5:
                if (at + 1 < length)
                {
                    edited.setCharAt(at, token.charAt(at + 1));
                    edited.setCharAt(at + 1, token.charAt(at));
                }
                break;

            default:
                if (length > 0)
                {
                    edited.insert(at, token.charAt(at));
                }
                break;
        }

        return edited.toString();
    }
}
