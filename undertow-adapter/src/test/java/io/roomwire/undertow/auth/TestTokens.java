package io.roomwire.undertow.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Tokens built by hand for tests: any header and payload, signed with any secret, independently of {@link TokenCodec}.
 */
final class TestTokens
{
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private TestTokens()
    {
    }

    static String base64url(final String json)
    {
        return base64url(json.getBytes(StandardCharsets.UTF_8));
    }

    static String base64url(final byte[] bytes)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] base64urlDecode(final String segment)
    {
        return Base64.getUrlDecoder().decode(segment);
    }

    /**
     * @param headerJson  header, encoded as it is.
     * @param payloadJson payload, encoded as it is.
     * @return a token signed with {@link #SECRET}.
     */
    static String token(final String headerJson, final String payloadJson)
    {
        return signed(base64url(headerJson), base64url(payloadJson), SECRET);
    }

    /**
     * @param payloadJson payload, encoded as it is.
     * @return a token with the standard header, signed with {@link #SECRET}.
     */
    static String token(final String payloadJson)
    {
        return token(HEADER, payloadJson);
    }

    /**
     * @param headerSegment  first part, taken as it is.
     * @param payloadSegment second part, taken as it is.
     * @param secret         of the HMAC.
     * @return {@code headerSegment.payloadSegment.signature}.
     */
    static String signed(final String headerSegment, final String payloadSegment, final byte[] secret)
    {
        final String signingInput = headerSegment + "." + payloadSegment;
        return signingInput + "." + base64url(hmac(signingInput.getBytes(StandardCharsets.US_ASCII), secret));
    }

    static byte[] hmac(final byte[] input, final byte[] secret)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
