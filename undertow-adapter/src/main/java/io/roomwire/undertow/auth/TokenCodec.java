package io.roomwire.undertow.auth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.ErrorCode;
import org.agrona.concurrent.EpochClock;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Objects;

/**
 * Issues and verifies the tokens of docs/protocol.md ("Authentication"): compact JWS
 * {@code base64url(header).base64url(payload).base64url(signature)}, base64url without padding, header
 * {@code {"alg":"HS256","typ":"JWT"}}, signature HMAC-SHA256 over {@code header.payload} with a secret of at least
 * {@link #MIN_SECRET_LENGTH} bytes, and the claims of {@link Claims}:
 * {@code {"sub":"user","exp":1711000000,"join":["chat.*"],"pub":["chat.*"]}}.
 * <p>
 * Verification refuses with {@link ErrorCode#NOT_AUTHENTICATED} a token that is missing or empty, longer than
 * {@link #MAX_TOKEN_LENGTH}, not three base64url parts, forged (its signature is compared with the expected one in
 * constant time, as text, so a non-canonical encoding of the right signature is refused too), whose header is not a
 * JSON object with {@code alg} exactly {@code HS256} (or has a {@code crit} member), or whose payload is not a JSON
 * object with a valid {@code sub}, an integral {@code exp}, and {@code join} and {@code pub}, when present, arrays of
 * valid room patterns (absent means no grant). A claim named twice is refused; other claims are ignored. An authentic,
 * well-formed token is refused with {@link ErrorCode#TOKEN_EXPIRED} once {@code exp + clockSkewSeconds} is not after
 * the clock's time. No exception escapes {@link #verify(CharSequence, Verification)} for any token; JSON is parsed
 * only once the signature has been checked, so the parser never sees text the holder of the secret did not sign.
 * <p>
 * No exception message, reason or {@code toString} of this class contains a token or the secret.
 * <p>
 * Thread safe: the secret and clock are fixed at construction, and each thread signs with its own {@link Mac} held in
 * a {@link ThreadLocal}. Verification allocates (a token is verified once per connection or request, off the data
 * path).
 */
public final class TokenCodec
{
    /**
     * Fewest bytes of a secret: the length of the HMAC-SHA256 output.
     */
    public static final int MIN_SECRET_LENGTH = 32;

    /**
     * Bytes of a secret made by {@link #newSecret()}.
     */
    public static final int NEW_SECRET_LENGTH = 32;

    /**
     * Default time for which a token stays valid after its {@code exp}, for clocks that disagree, in seconds.
     */
    public static final long DEFAULT_CLOCK_SKEW_SECONDS = 30;

    /**
     * Largest clock skew allowance a codec accepts, in seconds.
     */
    public static final long MAX_CLOCK_SKEW_SECONDS = 86_400;

    /**
     * Longest token, in characters: a longer one is refused without being decoded, and {@link #issue(Claims)} refuses
     * claims that would need one.
     */
    public static final int MAX_TOKEN_LENGTH = 8192;

    /**
     * The one JWS algorithm, the value of the header's {@code alg}.
     */
    public static final String ALGORITHM = "HS256";

    /**
     * Prefix of a secret given to {@link #parseSecret(String)} in base64 (standard or URL alphabet, padding optional).
     */
    public static final String SECRET_BASE64_PREFIX = "base64:";

    /**
     * Prefix of a secret given to {@link #parseSecret(String)} in hexadecimal.
     */
    public static final String SECRET_HEX_PREFIX = "hex:";

    static final String REASON_MISSING = "token is missing or empty";
    static final String REASON_TOO_LONG = "token is longer than " + MAX_TOKEN_LENGTH + " characters";
    static final String REASON_NOT_THREE_PARTS = "token is not three parts separated by '.'";
    static final String REASON_NOT_BASE64URL = "token has a character outside base64url and '.'";
    static final String REASON_SIGNATURE = "signature does not match";
    static final String REASON_HEADER_NOT_BASE64URL = "header is not base64url";
    static final String REASON_HEADER_NOT_JSON = "header is not a JSON object";
    static final String REASON_ALG = "header alg is missing, repeated or not " + ALGORITHM;
    static final String REASON_CRIT = "header has crit, and no extension is understood";
    static final String REASON_PAYLOAD_NOT_BASE64URL = "payload is not base64url";
    static final String REASON_PAYLOAD_NOT_JSON = "payload is not a JSON object";
    static final String REASON_SUB = "claim sub is missing, repeated or not a valid user id";
    static final String REASON_EXP = "claim exp is missing, repeated or not an integer";
    static final String REASON_JOIN = "claim join is repeated or not an array of valid room patterns";
    static final String REASON_PUB = "claim pub is repeated or not an array of valid room patterns";
    static final String REASON_EXPIRED = "token expired";

    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 32;
    private static final int SIGNATURE_CHARS = 43;
    private static final int MAX_JSON_DEPTH = 16;
    private static final String ALG = "alg";
    private static final String CRIT = "crit";
    private static final String SUB = "sub";
    private static final String EXP = "exp";
    private static final String JOIN = "join";
    private static final String PUB = "pub";
    private static final String[] NO_PATTERNS = new String[0];

    private static final Base64.Encoder BASE64URL_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    private static final boolean[] BASE64URL_CHARS = new boolean[128];

    private static final JsonFactory JSON_FACTORY = new JsonFactoryBuilder()
        .disable(JsonFactory.Feature.CHARSET_DETECTION)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
        .build();

    private static final byte[] HEADER_SEGMENT = BASE64URL_ENCODER.encode(
        ("{\"alg\":\"" + ALGORITHM + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.US_ASCII));

    static
    {
        for (int c = 'A'; c <= 'Z'; c++)
        {
            BASE64URL_CHARS[c] = true;
            BASE64URL_CHARS[c - 'A' + 'a'] = true;
        }
        for (int c = '0'; c <= '9'; c++)
        {
            BASE64URL_CHARS[c] = true;
        }
        BASE64URL_CHARS['-'] = true;
        BASE64URL_CHARS['_'] = true;
    }

    private final SecretKeySpec key;
    private final EpochClock epochClock;
    private final long clockSkewSeconds;
    private final ThreadLocal<Mac> macByThread = ThreadLocal.withInitial(this::newMac);

    /**
     * A codec that allows {@link #DEFAULT_CLOCK_SKEW_SECONDS} of clock skew.
     *
     * @param secret     HMAC key, at least {@link #MIN_SECRET_LENGTH} bytes; copied.
     * @param epochClock time in milliseconds since the Unix epoch, against which expiry is checked.
     * @throws IllegalArgumentException when the secret is missing or too short.
     */
    public TokenCodec(final byte[] secret, final EpochClock epochClock)
    {
        this(secret, epochClock, DEFAULT_CLOCK_SKEW_SECONDS);
    }

    /**
     * A codec.
     *
     * @param secret           HMAC key, at least {@link #MIN_SECRET_LENGTH} bytes; copied.
     * @param epochClock       time in milliseconds since the Unix epoch, against which expiry is checked.
     * @param clockSkewSeconds time for which a token stays valid after its {@code exp}, from 0 to
     *                         {@link #MAX_CLOCK_SKEW_SECONDS}.
     * @throws IllegalArgumentException when the secret is missing or too short, or the skew is out of range.
     */
    public TokenCodec(final byte[] secret, final EpochClock epochClock, final long clockSkewSeconds)
    {
        if (null == secret || secret.length < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("secret must be at least " + MIN_SECRET_LENGTH + " bytes");
        }
        if (clockSkewSeconds < 0 || clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS)
        {
            throw new IllegalArgumentException(
                "clockSkewSeconds must be from 0 to " + MAX_CLOCK_SKEW_SECONDS + ": " + clockSkewSeconds);
        }
        this.key = new SecretKeySpec(secret, MAC_ALGORITHM);
        this.epochClock = Objects.requireNonNull(epochClock, "epochClock");
        this.clockSkewSeconds = clockSkewSeconds;
        macByThread.get();
    }

    /**
     * @return time for which a token stays valid after its {@code exp}, in seconds.
     */
    public long clockSkewSeconds()
    {
        return clockSkewSeconds;
    }

    /**
     * Signs the claims into a token.
     *
     * @param claims of the token.
     * @return the compact JWS, at most {@link #MAX_TOKEN_LENGTH} characters.
     * @throws IllegalArgumentException when the claims have so many patterns that the token would be longer than
     *                                  {@link #MAX_TOKEN_LENGTH}, so it could not be verified.
     */
    public String issue(final Claims claims)
    {
        final byte[] payloadSegment = BASE64URL_ENCODER.encode(payloadJson(claims));
        final int signingInputLength = HEADER_SEGMENT.length + 1 + payloadSegment.length;
        final int tokenLength = signingInputLength + 1 + SIGNATURE_CHARS;
        if (tokenLength > MAX_TOKEN_LENGTH)
        {
            throw new IllegalArgumentException(
                "claims need a token of " + tokenLength + " characters, more than " + MAX_TOKEN_LENGTH);
        }

        final byte[] token = new byte[tokenLength];
        System.arraycopy(HEADER_SEGMENT, 0, token, 0, HEADER_SEGMENT.length);
        token[HEADER_SEGMENT.length] = '.';
        System.arraycopy(payloadSegment, 0, token, HEADER_SEGMENT.length + 1, payloadSegment.length);
        token[signingInputLength] = '.';
        final byte[] signature = BASE64URL_ENCODER.encode(sign(token, signingInputLength));
        System.arraycopy(signature, 0, token, signingInputLength + 1, SIGNATURE_CHARS);

        return new String(token, StandardCharsets.US_ASCII);
    }

    /**
     * Verifies a token and reads its claims. The expected failures are return values; no exception escapes for any
     * token.
     *
     * @param token to verify; may be {@code null}.
     * @param out   receives the claims of a valid token, or the error code and reason of a refused one.
     * @return {@link ErrorCode#NULL_VAL} when the token is valid; {@link ErrorCode#NOT_AUTHENTICATED} when it is
     * missing, malformed or forged; {@link ErrorCode#TOKEN_EXPIRED} when it is authentic and well formed but
     * {@code exp + clockSkewSeconds} is not after the clock's time.
     */
    public ErrorCode verify(final CharSequence token, final Verification out)
    {
        final int length = null == token ? 0 : token.length();
        if (length == 0)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_MISSING);
        }
        if (length > MAX_TOKEN_LENGTH)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_TOO_LONG);
        }

        final byte[] bytes = new byte[length];
        int firstDot = -1;
        int secondDot = -1;
        for (int i = 0; i < length; i++)
        {
            final char c = token.charAt(i);
            if (c == '.')
            {
                if (firstDot < 0)
                {
                    firstDot = i;
                }
                else if (secondDot < 0)
                {
                    secondDot = i;
                }
                else
                {
                    return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_NOT_THREE_PARTS);
                }
            }
            else if (c >= 128 || !BASE64URL_CHARS[c])
            {
                return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_NOT_BASE64URL);
            }
            bytes[i] = (byte)c;
        }
        if (secondDot < 0)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_NOT_THREE_PARTS);
        }

        if (!isSignatureValid(bytes, secondDot))
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_SIGNATURE);
        }

        final ByteBuffer header = decode(bytes, 0, firstDot);
        if (null == header)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_HEADER_NOT_BASE64URL);
        }
        final String headerReason = checkHeader(header);
        if (null != headerReason)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, headerReason);
        }

        final ByteBuffer payload = decode(bytes, firstDot + 1, secondDot - firstDot - 1);
        if (null == payload)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, REASON_PAYLOAD_NOT_BASE64URL);
        }
        final PayloadReader reader = new PayloadReader();
        final String payloadReason = reader.read(payload);
        if (null != payloadReason)
        {
            return out.refuse(ErrorCode.NOT_AUTHENTICATED, payloadReason);
        }

        final long nowSeconds = Math.floorDiv(epochClock.time(), 1000L);
        if (reader.expiresAtSeconds <= nowSeconds - clockSkewSeconds)
        {
            return out.refuse(ErrorCode.TOKEN_EXPIRED, REASON_EXPIRED);
        }

        return out.accept(
            new Claims(reader.userId, reader.expiresAtSeconds, reader.joinPatterns, reader.publishPatterns));
    }

    /**
     * A new random secret for a {@link TokenCodec}.
     *
     * @return {@link #NEW_SECRET_LENGTH} bytes from a {@link SecureRandom}.
     */
    public static byte[] newSecret()
    {
        final byte[] secret = new byte[NEW_SECRET_LENGTH];
        new SecureRandom().nextBytes(secret);

        return secret;
    }

    /**
     * Reads a secret from configuration text: {@code base64:} followed by base64 (standard or URL alphabet, padding
     * optional), {@code hex:} followed by hexadecimal digits, or else the UTF-8 bytes of the text as it is. Whitespace
     * around encoded text is ignored; raw text is taken exactly. A text with a prefix whose remainder does not decode
     * is refused, never taken as raw text.
     *
     * @param text of the secret.
     * @return the secret, at least {@link #MIN_SECRET_LENGTH} bytes.
     * @throws IllegalArgumentException when the text is missing, does not decode, or gives fewer than
     *                                  {@link #MIN_SECRET_LENGTH} bytes; the message never contains the text.
     */
    public static byte[] parseSecret(final String text)
    {
        if (null == text)
        {
            throw new IllegalArgumentException("secret is missing");
        }

        final byte[] secret;
        if (text.startsWith(SECRET_BASE64_PREFIX))
        {
            secret = parseBase64(text.substring(SECRET_BASE64_PREFIX.length()).strip());
        }
        else if (text.startsWith(SECRET_HEX_PREFIX))
        {
            secret = parseHex(text.substring(SECRET_HEX_PREFIX.length()).strip());
        }
        else
        {
            secret = text.getBytes(StandardCharsets.UTF_8);
        }

        if (secret.length < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException(
                "secret must be at least " + MIN_SECRET_LENGTH + " bytes, has " + secret.length);
        }

        return secret;
    }

    private Mac newMac()
    {
        try
        {
            final Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(key);

            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(MAC_ALGORITHM + " is not available", ex);
        }
    }

    private byte[] sign(final byte[] signingInput, final int length)
    {
        final Mac mac = macByThread.get();
        mac.reset();
        mac.update(signingInput, 0, length);

        return mac.doFinal();
    }

    private boolean isSignatureValid(final byte[] token, final int secondDot)
    {
        final byte[] expected = new byte[SIGNATURE_CHARS];
        BASE64URL_ENCODER.encode(sign(token, secondDot), expected);

        final int actualLength = token.length - secondDot - 1;
        final byte[] actual = new byte[actualLength];
        System.arraycopy(token, secondDot + 1, actual, 0, actualLength);

        // Time depends only on the length of the first argument, the expected signature.
        return MessageDigest.isEqual(expected, actual);
    }

    private static ByteBuffer decode(final byte[] bytes, final int offset, final int length)
    {
        // Every character is already known to be base64url; a lone trailing character cannot be decoded.
        if (length % 4 == 1)
        {
            return null;
        }
        try
        {
            return BASE64URL_DECODER.decode(ByteBuffer.wrap(bytes, offset, length));
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static String checkHeader(final ByteBuffer header)
    {
        try (JsonParser parser = JSON_FACTORY.createParser(header.array(), header.position(), header.remaining()))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                return REASON_HEADER_NOT_JSON;
            }

            boolean hasAlg = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if (ALG.equals(name))
                {
                    if (hasAlg || value != JsonToken.VALUE_STRING || !ALGORITHM.equals(parser.getText()))
                    {
                        return REASON_ALG;
                    }
                    hasAlg = true;
                }
                else if (CRIT.equals(name))
                {
                    return REASON_CRIT;
                }
                else
                {
                    parser.skipChildren();
                }
            }

            if (token != JsonToken.END_OBJECT || null != parser.nextToken())
            {
                return REASON_HEADER_NOT_JSON;
            }

            return hasAlg ? null : REASON_ALG;
        }
        catch (final IOException ex)
        {
            return REASON_HEADER_NOT_JSON;
        }
    }

    private static byte[] payloadJson(final Claims claims)
    {
        final ByteArrayOutputStream json = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(json, JsonEncoding.UTF8))
        {
            generator.writeStartObject();
            generator.writeStringField(SUB, claims.userId());
            generator.writeNumberField(EXP, claims.expiresAtSeconds());
            writePatterns(generator, JOIN, claims.joinPatterns());
            writePatterns(generator, PUB, claims.publishPatterns());
            generator.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }

        return json.toByteArray();
    }

    private static void writePatterns(final JsonGenerator generator, final String name, final String[] patterns)
        throws IOException
    {
        generator.writeArrayFieldStart(name);
        for (final String pattern : patterns)
        {
            generator.writeString(pattern);
        }
        generator.writeEndArray();
    }

    private static byte[] parseBase64(final String encoded)
    {
        final boolean isUrlAlphabet = encoded.indexOf('-') >= 0 || encoded.indexOf('_') >= 0;
        try
        {
            return (isUrlAlphabet ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(encoded);
        }
        catch (final IllegalArgumentException ex)
        {
            // Not chained: the decoder's message quotes a character of the secret.
            throw new IllegalArgumentException("secret after " + SECRET_BASE64_PREFIX + " is not valid base64");
        }
    }

    private static byte[] parseHex(final String encoded)
    {
        final int length = encoded.length();
        if ((length & 1) != 0)
        {
            throw new IllegalArgumentException("secret after " + SECRET_HEX_PREFIX + " has an odd number of digits");
        }

        final byte[] secret = new byte[length / 2];
        for (int i = 0; i < length; i += 2)
        {
            final int high = Character.digit(encoded.charAt(i), 16);
            final int low = Character.digit(encoded.charAt(i + 1), 16);
            if (high < 0 || low < 0)
            {
                throw new IllegalArgumentException("secret after " + SECRET_HEX_PREFIX + " is not hexadecimal");
            }
            secret[i / 2] = (byte)((high << 4) | low);
        }

        return secret;
    }

    /**
     * The claims of a payload, read once.
     */
    private static final class PayloadReader
    {
        String userId;
        long expiresAtSeconds;
        boolean hasExpiry;
        String[] joinPatterns;
        String[] publishPatterns;

        String read(final ByteBuffer payload)
        {
            try (JsonParser parser =
                JSON_FACTORY.createParser(payload.array(), payload.position(), payload.remaining()))
            {
                if (parser.nextToken() != JsonToken.START_OBJECT)
                {
                    return REASON_PAYLOAD_NOT_JSON;
                }

                JsonToken token;
                while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    final String reason;
                    if (SUB.equals(name))
                    {
                        reason = readUserId(parser, value);
                    }
                    else if (EXP.equals(name))
                    {
                        reason = readExpiry(parser, value);
                    }
                    else if (JOIN.equals(name))
                    {
                        final String[] patterns = null == joinPatterns ? readPatterns(parser, value) : null;
                        joinPatterns = patterns;
                        reason = null == patterns ? REASON_JOIN : null;
                    }
                    else if (PUB.equals(name))
                    {
                        final String[] patterns = null == publishPatterns ? readPatterns(parser, value) : null;
                        publishPatterns = patterns;
                        reason = null == patterns ? REASON_PUB : null;
                    }
                    else
                    {
                        parser.skipChildren();
                        reason = null;
                    }

                    if (null != reason)
                    {
                        return reason;
                    }
                }

                if (token != JsonToken.END_OBJECT || null != parser.nextToken())
                {
                    return REASON_PAYLOAD_NOT_JSON;
                }
            }
            catch (final IOException ex)
            {
                return REASON_PAYLOAD_NOT_JSON;
            }

            if (null == userId)
            {
                return REASON_SUB;
            }
            if (!hasExpiry)
            {
                return REASON_EXP;
            }
            if (null == joinPatterns)
            {
                joinPatterns = NO_PATTERNS;
            }
            if (null == publishPatterns)
            {
                publishPatterns = NO_PATTERNS;
            }

            return null;
        }

        private String readUserId(final JsonParser parser, final JsonToken value) throws IOException
        {
            if (null != userId || value != JsonToken.VALUE_STRING)
            {
                return REASON_SUB;
            }

            final String text = parser.getText();
            if (!Identifiers.isValidUser(text))
            {
                return REASON_SUB;
            }
            userId = text;

            return null;
        }

        private String readExpiry(final JsonParser parser, final JsonToken value) throws IOException
        {
            if (hasExpiry || value != JsonToken.VALUE_NUMBER_INT)
            {
                return REASON_EXP;
            }

            final JsonParser.NumberType numberType = parser.getNumberType();
            if (numberType != JsonParser.NumberType.INT && numberType != JsonParser.NumberType.LONG)
            {
                return REASON_EXP;
            }
            expiresAtSeconds = parser.getLongValue();
            hasExpiry = true;

            return null;
        }

        private static String[] readPatterns(final JsonParser parser, final JsonToken value) throws IOException
        {
            if (value != JsonToken.START_ARRAY)
            {
                return null;
            }

            final ArrayList<String> patterns = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.VALUE_STRING)
            {
                final String pattern = parser.getText();
                if (!Identifiers.isValidRoomPattern(pattern))
                {
                    return null;
                }
                patterns.add(pattern);
            }

            return token == JsonToken.END_ARRAY ? patterns.toArray(NO_PATTERNS) : null;
        }
    }
}
