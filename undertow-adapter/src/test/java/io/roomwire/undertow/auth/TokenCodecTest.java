package io.roomwire.undertow.auth;

import io.roomwire.protocol.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.roomwire.undertow.auth.TestTokens.HEADER;
import static io.roomwire.undertow.auth.TestTokens.OTHER_SECRET;
import static io.roomwire.undertow.auth.TestTokens.SECRET;
import static io.roomwire.undertow.auth.TestTokens.base64url;
import static io.roomwire.undertow.auth.TestTokens.base64urlDecode;
import static io.roomwire.undertow.auth.TestTokens.signed;
import static io.roomwire.undertow.auth.TestTokens.token;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issuing, every refusal of {@link TokenCodec#verify(CharSequence, Verification)} with the rule it names, expiry at
 * its edge, and secrets.
 */
class TokenCodecTest
{
    private static final long NOW_MS = 1_711_000_000_000L;
    private static final long EXP = 1_711_000_600L;
    private static final String VALID_PAYLOAD = "{\"sub\":\"user_42\",\"exp\":" + EXP + ",\"join\":[\"chat.*\"]," +
        "\"pub\":[\"chat.general\"]}";

    private long nowMs = NOW_MS;
    private final TokenCodec codec = new TokenCodec(SECRET, () -> nowMs);
    private final Verification verification = new Verification();

    // ---------------------------------------------------------------- issue and accept

    @Test
    void shouldRoundTripIssuedToken()
    {
        final Claims claims =
            new Claims("user_42", EXP, new String[]{ "chat.*", "news" }, new String[]{ "chat.general" });
        final String token = codec.issue(claims);

        assertEquals(ErrorCode.NULL_VAL, codec.verify(token, verification));
        assertTrue(verification.isValid());
        assertEquals(ErrorCode.NULL_VAL, verification.errorCode());
        assertNull(verification.reason());
        assertEquals(claims, verification.claims());
    }

    @Test
    void shouldRoundTripGuestAndClaimsWithoutGrants()
    {
        final Claims guest = Claims.guest("guest-1", EXP);
        assertEquals(ErrorCode.NULL_VAL, codec.verify(codec.issue(guest), verification));
        assertEquals(guest, verification.claims());

        final Claims none = new Claims("u", EXP, new String[0], new String[0]);
        assertEquals(ErrorCode.NULL_VAL, codec.verify(codec.issue(none), verification));
        assertEquals(none, verification.claims());
    }

    @Test
    void shouldIssueDocumentedHeaderAndPayload()
    {
        final String token =
            codec.issue(new Claims("user_42", EXP, new String[]{ "chat.*" }, new String[]{ "a", "b" }));
        final String[] parts = token.split("\\.", -1);

        assertEquals(3, parts.length);
        assertEquals(HEADER, new String(base64urlDecode(parts[0]), StandardCharsets.UTF_8));
        assertEquals(
            "{\"sub\":\"user_42\",\"exp\":" + EXP + ",\"join\":[\"chat.*\"],\"pub\":[\"a\",\"b\"]}",
            new String(base64urlDecode(parts[1]), StandardCharsets.UTF_8));
        assertFalse(token.contains("="));
        assertEquals(signed(parts[0], parts[1], SECRET), token);
    }

    @Test
    void shouldAcceptTokenSignedByAnotherImplementation()
    {
        assertEquals(ErrorCode.NULL_VAL, codec.verify(token(VALID_PAYLOAD), verification));
        final Claims claims = verification.claims();
        assertEquals("user_42", claims.userId());
        assertEquals(EXP, claims.expiresAtSeconds());
        assertArrayEquals(new String[]{ "chat.*" }, claims.joinPatterns());
        assertArrayEquals(new String[]{ "chat.general" }, claims.publishPatterns());
    }

    @Test
    void shouldTreatAbsentGrantsAsNone()
    {
        assertEquals(ErrorCode.NULL_VAL, codec.verify(token("{\"sub\":\"u\",\"exp\":" + EXP + "}"), verification));
        assertEquals(0, verification.claims().joinPatterns().length);
        assertEquals(0, verification.claims().publishPatterns().length);
        assertFalse(verification.claims().mayJoin("general"));
    }

    @Test
    void shouldIgnoreUnknownClaimsAndHeaderMembers()
    {
        final String header = "{\"typ\":\"JWT\",\"kid\":{\"a\":[1,2]},\"alg\":\"HS256\"}";
        final String payload = "{\"iat\":1,\"extra\":{\"nested\":[{\"x\":null}]},\"sub\":\"u\",\"exp\":" + EXP +
            ",\"pub\":[],\"iss\":\"me\"} ";

        assertEquals(ErrorCode.NULL_VAL, codec.verify(token(header, payload), verification));
        assertEquals("u", verification.claims().userId());
    }

    @Test
    void shouldAcceptAnyCharSequence()
    {
        final String token = codec.issue(Claims.guest("u", EXP));
        assertEquals(ErrorCode.NULL_VAL, codec.verify(new StringBuilder(token), verification));
    }

    // ---------------------------------------------------------------- refusals: shape

    @Test
    void shouldRefuseMissingToken()
    {
        assertRefused(null, TokenCodec.REASON_MISSING);
    }

    @Test
    void shouldRefuseEmptyToken()
    {
        assertRefused("", TokenCodec.REASON_MISSING);
    }

    @Test
    void shouldRefuseTwoParts()
    {
        final String token = token(VALID_PAYLOAD);
        assertRefused(token.substring(0, token.lastIndexOf('.')), TokenCodec.REASON_NOT_THREE_PARTS);
        assertRefused("abc", TokenCodec.REASON_NOT_THREE_PARTS);
    }

    @Test
    void shouldRefuseFourParts()
    {
        assertRefused(token(VALID_PAYLOAD) + ".e30", TokenCodec.REASON_NOT_THREE_PARTS);
        assertRefused("...", TokenCodec.REASON_NOT_THREE_PARTS);
    }

    @ParameterizedTest
    @ValueSource(strings = { "=", "+", "/", " ", "\n", "!", "\u00e9", "\u0000" })
    void shouldRefuseCharacterOutsideBase64url(final String character)
    {
        final String token = token(VALID_PAYLOAD);
        final int at = token.indexOf('.') + 3;
        assertRefused(token.substring(0, at) + character + token.substring(at), TokenCodec.REASON_NOT_BASE64URL);
        assertRefused(token + character, TokenCodec.REASON_NOT_BASE64URL);
    }

    @Test
    void shouldRefuseSignedPartsThatAreNotBase64url()
    {
        final String header = base64url(HEADER);
        final String payload = base64url(VALID_PAYLOAD);
        assertRefused(signed(oneCharacterTooMany(header), payload, SECRET), TokenCodec.REASON_HEADER_NOT_BASE64URL);
        assertRefused(signed(header, oneCharacterTooMany(payload), SECRET), TokenCodec.REASON_PAYLOAD_NOT_BASE64URL);
        assertRefused(signed("A", payload, SECRET), TokenCodec.REASON_HEADER_NOT_BASE64URL);
    }

    @Test
    void shouldRefuseTokenLongerThanLimit()
    {
        final String longest = paddedToken(TokenCodec.MAX_TOKEN_LENGTH);
        assertEquals(TokenCodec.MAX_TOKEN_LENGTH, longest.length());
        assertEquals(ErrorCode.NULL_VAL, codec.verify(longest, verification));

        final String tooLong = paddedToken(TokenCodec.MAX_TOKEN_LENGTH + 1);
        assertEquals(TokenCodec.MAX_TOKEN_LENGTH + 1, tooLong.length());
        assertRefused(tooLong, TokenCodec.REASON_TOO_LONG);
    }

    // ---------------------------------------------------------------- refusals: forged

    @Test
    void shouldRefuseSignatureAlteredByOneBit()
    {
        final String token = token(VALID_PAYLOAD);
        final int dot = token.lastIndexOf('.');
        final byte[] signature = base64urlDecode(token.substring(dot + 1));
        for (int bit = 0; bit < signature.length * 8; bit++)
        {
            final byte[] altered = signature.clone();
            altered[bit / 8] ^= (byte)(1 << (bit % 8));
            assertRefused(token.substring(0, dot + 1) + base64url(altered), TokenCodec.REASON_SIGNATURE);
        }
    }

    @Test
    void shouldRefuseNonCanonicalEncodingOfTheRightSignature()
    {
        final String token = token(VALID_PAYLOAD);
        final char last = token.charAt(token.length() - 1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // 43 characters carry 258 bits for 256: the last character's two low bits are unused, and must be zero.
        final char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        final String nonCanonical = token.substring(0, token.length() - 1) + sibling;
        assertArrayEquals(
            base64urlDecode(token.substring(token.lastIndexOf('.') + 1)),
            base64urlDecode(nonCanonical.substring(nonCanonical.lastIndexOf('.') + 1)));

        assertRefused(nonCanonical, TokenCodec.REASON_SIGNATURE);
    }

    @Test
    void shouldRefuseTokenSignedWithAnotherSecret()
    {
        assertRefused(signed(base64url(HEADER), base64url(VALID_PAYLOAD), OTHER_SECRET), TokenCodec.REASON_SIGNATURE);
        final TokenCodec other = new TokenCodec(OTHER_SECRET, () -> nowMs);
        assertRefused(other.issue(Claims.guest("u", EXP)), TokenCodec.REASON_SIGNATURE);
    }

    @Test
    void shouldRefuseUnsignedAlgNoneToken()
    {
        final String header = base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        assertRefused(header + "." + base64url(VALID_PAYLOAD) + ".", TokenCodec.REASON_SIGNATURE);
    }

    @Test
    void shouldRefuseSignatureOfWrongLength()
    {
        final String token = token(VALID_PAYLOAD);
        assertRefused(token.substring(0, token.length() - 1), TokenCodec.REASON_SIGNATURE);
        assertRefused(token + "A", TokenCodec.REASON_SIGNATURE);
        assertRefused(token.substring(0, token.lastIndexOf('.') + 1), TokenCodec.REASON_SIGNATURE);
    }

    // ---------------------------------------------------------------- refusals: header

    @ParameterizedTest
    @ValueSource(strings = { "", "not json", "{\"alg\":\"HS256\"", "[\"HS256\"]", "\"HS256\"", "null",
        "{\"alg\":\"HS256\"} {}", "{\"alg\":\"HS256\"}x", "{'alg':'HS256'}", "{alg:\"HS256\"}" })
    void shouldRefuseHeaderThatIsNotJsonObject(final String header)
    {
        assertRefused(token(header, VALID_PAYLOAD), TokenCodec.REASON_HEADER_NOT_JSON);
    }

    @Test
    void shouldRefuseAlgNone()
    {
        assertRefused(token("{\"alg\":\"none\",\"typ\":\"JWT\"}", VALID_PAYLOAD), TokenCodec.REASON_ALG);
    }

    @ParameterizedTest
    @ValueSource(strings = { "HS512", "HS384", "RS256", "ES256", "hs256", "HS256 ", "" })
    void shouldRefuseAlgOtherThanHs256(final String alg)
    {
        assertRefused(token("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", VALID_PAYLOAD), TokenCodec.REASON_ALG);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"typ\":\"JWT\"}", "{}", "{\"alg\":null}", "{\"alg\":[\"HS256\"]}", "{\"alg\":256}",
        "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"alg\":\"none\"}" })
    void shouldRefuseAlgMissingRepeatedOrNotString(final String header)
    {
        assertRefused(token(header, VALID_PAYLOAD), TokenCodec.REASON_ALG);
    }

    @Test
    void shouldRefuseCriticalHeaderExtension()
    {
        assertRefused(token("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", VALID_PAYLOAD), TokenCodec.REASON_CRIT);
    }

    // ---------------------------------------------------------------- refusals: payload

    @ParameterizedTest
    @ValueSource(strings = { "", "not json", "[]", "\"u\"", "42", "{\"sub\":\"u\",\"exp\":1",
        "{\"sub\":\"u\",\"exp\":1711000600}{}", "{\"sub\":\"u\",\"exp\":1711000600,}", "{\"sub\":'u',\"exp\":1}" })
    void shouldRefusePayloadThatIsNotJsonObject(final String payload)
    {
        assertRefused(token(payload), TokenCodec.REASON_PAYLOAD_NOT_JSON);
    }

    @Test
    void shouldRefuseSubMissing()
    {
        assertRefused(token("{\"exp\":" + EXP + ",\"join\":[\"*\"]}"), TokenCodec.REASON_SUB);
    }

    @ParameterizedTest
    @ValueSource(strings = { "a b", "a/b", "a*", "caf\u00e9", "a\\\"b", "", "a\\u0000" })
    void shouldRefuseSubWithInvalidCharacters(final String sub)
    {
        assertRefused(token("{\"sub\":\"" + sub + "\",\"exp\":" + EXP + "}"), TokenCodec.REASON_SUB);
    }

    @Test
    void shouldRefuseSubOf65Characters()
    {
        final String sub64 = "u".repeat(64);
        assertAccepted(token("{\"sub\":\"" + sub64 + "\",\"exp\":" + EXP + "}"));

        assertRefused(token("{\"sub\":\"" + sub64 + "x\",\"exp\":" + EXP + "}"), TokenCodec.REASON_SUB);
    }

    @ParameterizedTest
    @ValueSource(strings = { "42", "null", "[\"u\"]", "{\"id\":\"u\"}", "true" })
    void shouldRefuseSubThatIsNotString(final String sub)
    {
        assertRefused(token("{\"sub\":" + sub + ",\"exp\":" + EXP + "}"), TokenCodec.REASON_SUB);
    }

    @Test
    void shouldRefuseSubRepeated()
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":" + EXP + ",\"sub\":\"admin\"}"), TokenCodec.REASON_SUB);
    }

    @Test
    void shouldAcceptSubWithEscapedValidCharacters()
    {
        assertAccepted(token("{\"sub\":\"\\u0061@b\",\"exp\":" + EXP + "}"));
        assertEquals("a@b", verification.claims().userId());
    }

    @Test
    void shouldRefuseExpMissing()
    {
        assertRefused(token("{\"sub\":\"u\"}"), TokenCodec.REASON_EXP);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"1711000600\"", "1711000600.5", "1711000600.0", "1.7110006e9", "null", "true",
        "[1711000600]", "9223372036854775808", "-9223372036854775809", "99999999999999999999999" })
    void shouldRefuseExpThatIsNotAnInteger(final String exp)
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":" + exp + "}"), TokenCodec.REASON_EXP);
    }

    @Test
    void shouldRefuseExpString()
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":\"" + EXP + "\"}"), TokenCodec.REASON_EXP);
    }

    @Test
    void shouldRefuseExpRepeated()
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":1,\"exp\":" + EXP + "}"), TokenCodec.REASON_EXP);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"chat.*\"", "null", "{}", "42", "true" })
    void shouldRefuseJoinNotArray(final String join)
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":" + EXP + ",\"join\":" + join + "}"), TokenCodec.REASON_JOIN);
    }

    @ParameterizedTest
    @ValueSource(strings = { "[\"chat.*\",\"bad room\"]", "[\"\"]", "[\"chat/*\"]", "[null]", "[1]", "[[\"a\"]]",
        "[\"chat.*\",{}]", "[\"a@b\"]" })
    void shouldRefuseJoinWithInvalidPattern(final String join)
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":" + EXP + ",\"join\":" + join + "}"), TokenCodec.REASON_JOIN);
    }

    @Test
    void shouldRefuseJoinWithPatternOf65Characters()
    {
        final String pattern = "r".repeat(65);
        assertRefused(grants("\"join\":[\"" + pattern + "\"]"), TokenCodec.REASON_JOIN);
    }

    @Test
    void shouldRefuseJoinRepeated()
    {
        assertRefused(grants("\"join\":[],\"join\":[\"*\"]"), TokenCodec.REASON_JOIN);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"*\"", "null", "[\"*\",\"no room\"]", "[2]" })
    void shouldRefusePubNotArrayOfValidPatterns(final String pub)
    {
        assertRefused(token("{\"sub\":\"u\",\"exp\":" + EXP + ",\"pub\":" + pub + "}"), TokenCodec.REASON_PUB);
    }

    @Test
    void shouldRefuseJsonNestedTooDeeply()
    {
        final String deep = "[".repeat(100) + "]".repeat(100);
        assertRefused(grants("\"x\":" + deep), TokenCodec.REASON_PAYLOAD_NOT_JSON);
        assertRefused(
            token("{\"alg\":\"HS256\",\"x\":" + deep + "}", VALID_PAYLOAD), TokenCodec.REASON_HEADER_NOT_JSON);
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void shouldExpireExactlyAtExpPlusSkew()
    {
        final String token = codec.issue(Claims.guest("u", EXP));
        final long skew = TokenCodec.DEFAULT_CLOCK_SKEW_SECONDS;
        assertEquals(skew, codec.clockSkewSeconds());

        nowMs = (EXP + skew) * 1000;
        assertExpired(token);

        nowMs = (EXP + skew) * 1000 - 1;
        assertEquals(ErrorCode.NULL_VAL, codec.verify(token, verification));

        nowMs = (EXP + skew - 1) * 1000;
        assertEquals(ErrorCode.NULL_VAL, codec.verify(token, verification));

        nowMs = (EXP + skew + 3600) * 1000;
        assertExpired(token);
    }

    @Test
    void shouldApplyConfiguredSkew()
    {
        final TokenCodec strict = new TokenCodec(SECRET, () -> nowMs, 0);
        final String token = strict.issue(Claims.guest("u", EXP));

        nowMs = EXP * 1000 - 1;
        assertEquals(ErrorCode.NULL_VAL, strict.verify(token, verification));
        nowMs = EXP * 1000;
        assertEquals(ErrorCode.TOKEN_EXPIRED, strict.verify(token, verification));
    }

    @Test
    void shouldHandleExtremeExpAndClock()
    {
        assertAccepted(codec.issue(Claims.guest("u", Long.MAX_VALUE)));
        assertExpired(codec.issue(Claims.guest("u", Long.MIN_VALUE)));
        assertExpired(codec.issue(Claims.guest("u", -1)));

        nowMs = Long.MAX_VALUE;
        assertAccepted(codec.issue(Claims.guest("u", Long.MAX_VALUE)));
        assertEquals(ErrorCode.TOKEN_EXPIRED, codec.verify(codec.issue(Claims.guest("u", EXP)), verification));

        nowMs = Long.MIN_VALUE;
        assertAccepted(codec.issue(Claims.guest("u", EXP)));
        assertExpired(codec.issue(Claims.guest("u", Long.MIN_VALUE)));
    }

    @Test
    void shouldReportForgeryBeforeExpiry()
    {
        nowMs = (EXP + 3600) * 1000;
        assertRefused(signed(base64url(HEADER), base64url(VALID_PAYLOAD), OTHER_SECRET), TokenCodec.REASON_SIGNATURE);
        assertRefused(token("{\"sub\":\"u v\",\"exp\":" + EXP + "}"), TokenCodec.REASON_SUB);
    }

    // ---------------------------------------------------------------- verification object

    @Test
    void shouldHoldNoClaimsBeforeVerifyingOrAfterRefusal()
    {
        final Verification fresh = new Verification();
        assertFalse(fresh.isValid());
        assertEquals(ErrorCode.NOT_AUTHENTICATED, fresh.errorCode());
        assertNull(fresh.claims());

        assertEquals(ErrorCode.NULL_VAL, codec.verify(codec.issue(Claims.guest("u", EXP)), fresh));
        assertTrue(fresh.isValid());
        assertEquals(ErrorCode.NOT_AUTHENTICATED, codec.verify("a.b.c", fresh));
        assertFalse(fresh.isValid());
        assertNull(fresh.claims());
    }

    @Test
    void shouldNeverPutTokenInToStringOrReason()
    {
        final String token = codec.issue(Claims.guest("u", EXP));
        final String[] parts = token.split("\\.");
        final List<String> refused = List.of(token + "x", token.substring(1), token + ".x", token.replace('.', '!'));
        for (final String candidate : refused)
        {
            codec.verify(candidate, verification);
            for (final String text : new String[]{ verification.toString(), verification.reason(), codec.toString() })
            {
                for (final String part : parts)
                {
                    assertFalse(text.contains(part), text);
                }
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void shouldVerifyFromManyThreads() throws Exception
    {
        final ExecutorService executor = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final String user = "user-" + t;
                results.add(executor.submit(() ->
                {
                    final Verification mine = new Verification();
                    int valid = 0;
                    for (int i = 0; i < 500; i++)
                    {
                        final Claims claims = new Claims(user, EXP + i, new String[]{ "r" + i }, new String[0]);
                        final String token = codec.issue(claims);
                        if (codec.verify(token, mine) == ErrorCode.NULL_VAL && mine.claims().userId().equals(user) &&
                            mine.claims().expiresAtSeconds() == EXP + i)
                        {
                            valid++;
                        }
                    }
                    return valid;
                }));
            }
            for (final Future<Integer> result : results)
            {
                assertEquals(500, result.get());
            }
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- construction and issue limits

    @Test
    void shouldRefuseShortOrMissingSecret()
    {
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec(new byte[31], () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec(null, () -> 0));
        new TokenCodec(new byte[32], () -> 0);
    }

    @Test
    void shouldRefuseSkewOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec(SECRET, () -> 0, -1));
        final long tooLarge = TokenCodec.MAX_CLOCK_SKEW_SECONDS + 1;
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec(SECRET, () -> 0, tooLarge));
        assertEquals(0, new TokenCodec(SECRET, () -> 0, 0).clockSkewSeconds());
    }

    @Test
    void shouldCopySecret()
    {
        final byte[] secret = SECRET.clone();
        final TokenCodec copying = new TokenCodec(secret, () -> nowMs);
        Arrays.fill(secret, (byte)0);
        assertEquals(ErrorCode.NULL_VAL, codec.verify(copying.issue(Claims.guest("u", EXP)), verification));
    }

    @Test
    void shouldRefuseToIssueTokenLongerThanLimit()
    {
        final String[] patterns = new String[200];
        Arrays.fill(patterns, "r".repeat(40));
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> codec.issue(new Claims("u", EXP, patterns, patterns)));
        assertFalse(ex.getMessage().contains("r".repeat(40)));
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void shouldMakeRandomSecrets()
    {
        final byte[] a = TokenCodec.newSecret();
        final byte[] b = TokenCodec.newSecret();
        assertEquals(TokenCodec.NEW_SECRET_LENGTH, a.length);
        assertTrue(a.length >= TokenCodec.MIN_SECRET_LENGTH);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void shouldParseSecretInEveryForm()
    {
        final byte[] secret = new byte[40];
        for (int i = 0; i < secret.length; i++)
        {
            secret[i] = (byte)(i * 37 - 100);
        }
        final StringBuilder hex = new StringBuilder();
        for (final byte b : secret)
        {
            hex.append(String.format("%02X", b));
        }

        assertArrayEquals(secret, TokenCodec.parseSecret("base64:" + Base64.getEncoder().encodeToString(secret)));
        assertArrayEquals(secret, TokenCodec.parseSecret("base64: " + base64url(secret) + "\n"));
        assertArrayEquals(secret, TokenCodec.parseSecret("hex:" + hex));
        assertArrayEquals(secret, TokenCodec.parseSecret("hex:" + hex.toString().toLowerCase(Locale.ROOT)));
        assertArrayEquals(SECRET, TokenCodec.parseSecret(new String(SECRET, StandardCharsets.US_ASCII)));
        assertArrayEquals("é".repeat(16).getBytes(StandardCharsets.UTF_8), TokenCodec.parseSecret("é".repeat(16)));
    }

    @Test
    void shouldRefuseSecretThatIsShortOrDoesNotDecode()
    {
        final String secretText = "not*base64*at*all*but*quite*long*enough*secret";
        final List<String> refused = List.of(
            "base64:" + secretText,
            "base64:" + Base64.getEncoder().encodeToString(new byte[31]),
            "hex:" + "ab".repeat(31),
            "hex:" + "ab".repeat(32) + "a",
            "hex:" + "zz".repeat(32),
            "short raw secret",
            "x".repeat(31),
            "");
        for (final String text : refused)
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> TokenCodec.parseSecret(text), text);
            assertFalse(ex.getMessage().contains(secretText));
            assertNull(ex.getCause());
        }
        assertThrows(IllegalArgumentException.class, () -> TokenCodec.parseSecret(null));
    }

    // ---------------------------------------------------------------- helpers

    private void assertAccepted(final CharSequence token)
    {
        assertSame(ErrorCode.NULL_VAL, codec.verify(token, verification), verification.reason());
        assertTrue(verification.isValid());
    }

    /**
     * A token of user {@code u}, valid until {@link #EXP}, with more claims.
     */
    private static String grants(final String moreClaims)
    {
        return token("{\"sub\":\"u\",\"exp\":" + EXP + "," + moreClaims + "}");
    }

    private void assertExpired(final CharSequence token)
    {
        assertRefused(token, ErrorCode.TOKEN_EXPIRED, TokenCodec.REASON_EXPIRED);
    }

    private void assertRefused(final CharSequence token, final String reason)
    {
        assertRefused(token, ErrorCode.NOT_AUTHENTICATED, reason);
    }

    private void assertRefused(final CharSequence token, final ErrorCode errorCode, final String reason)
    {
        assertSame(errorCode, codec.verify(token, verification));
        assertSame(errorCode, verification.errorCode());
        assertEquals(reason, verification.reason());
        assertFalse(verification.isValid());
        assertNull(verification.claims());
    }

    /**
     * A segment extended to a length of 1 modulo 4, which no base64 text has.
     */
    private static String oneCharacterTooMany(final String segment)
    {
        return segment + "A".repeat((5 - segment.length() % 4) % 4);
    }

    /**
     * A valid token of exactly {@code length} characters, padded with an unknown claim.
     */
    private static String paddedToken(final int length)
    {
        final String prefix = "{\"sub\":\"u\",\"exp\":" + EXP + ",\"pad\":\"";
        final int fixedChars = base64url(HEADER).length() + 2 + 43 + (prefix.length() + 2) * 4 / 3;
        for (int pad = Math.max(0, (length - fixedChars) * 3 / 4 - 8); pad < length; pad++)
        {
            final String token = token(prefix + "p".repeat(pad) + "\"}");
            if (token.length() == length)
            {
                return token;
            }
            if (token.length() > length)
            {
                break;
            }
        }
        throw new IllegalStateException("no padding gives " + length);
    }
}
