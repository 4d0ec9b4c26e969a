package io.roomwire.undertow;

import io.roomwire.undertow.auth.Claims;
import io.roomwire.undertow.auth.TokenCodec;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Tokens for servers started outside dev mode with {@link #SECRET}.
 * <p>
 * Thread safe.
 */
final class Tokens
{
    private static final byte[] SECRET_BYTES =
        "roomwire-integration-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_SECRET_BYTES =
        "some-other-secret-that-forges-tokens-0123456".getBytes(StandardCharsets.US_ASCII);

    /**
     * The secret to configure with {@link ServerConfig#secret(String)}.
     */
    static final String SECRET = "base64:" + Base64.getEncoder().encodeToString(SECRET_BYTES);

    private static final TokenCodec CODEC = new TokenCodec(SECRET_BYTES, SystemEpochClock.INSTANCE);
    private static final TokenCodec FORGER = new TokenCodec(OTHER_SECRET_BYTES, SystemEpochClock.INSTANCE);
    private static final String[] ALL = { "*" };

    private Tokens()
    {
    }

    private static long inAnHour()
    {
        return TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()) + 3600;
    }

    static String token(final String user)
    {
        return CODEC.issue(new Claims(user, inAnHour(), ALL, ALL));
    }

    static String token(final String user, final String[] join, final String[] publish)
    {
        return CODEC.issue(new Claims(user, inAnHour(), join, publish));
    }

    static String expired(final String user)
    {
        return CODEC.issue(new Claims(user, TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()) - 3600, ALL, ALL));
    }

    static String forged(final String user)
    {
        return FORGER.issue(new Claims(user, inAnHour(), ALL, ALL));
    }
}
