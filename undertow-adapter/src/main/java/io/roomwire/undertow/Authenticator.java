package io.roomwire.undertow;

import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.undertow.auth.Claims;
import io.roomwire.undertow.auth.TokenCodec;
import io.roomwire.undertow.auth.TokenExtractor;
import io.roomwire.undertow.auth.Verification;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.agrona.concurrent.EpochClock;

import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who a request is: the claims of its token (from the {@code Authorization} header, the {@code token} query parameter,
 * or a {@code roomwire.token.*} WebSocket subprotocol), or, in dev mode, a guest when it has no token. A bad token is
 * refused in dev mode too. Tokens are never logged.
 * <p>
 * Thread safe: used by every I/O thread.
 */
final class Authenticator
{
    private final TokenCodec codec;
    private final boolean isDev;
    private final long devTokenTtlSeconds;
    private final EpochClock clock;
    private final AtomicLong guests = new AtomicLong();

    /**
     * The outcome of an authentication: claims, or the error that refused it.
     */
    static final class Result
    {
        private final Claims claims;
        private final ErrorCode error;
        private final boolean isGuest;

        Result(final Claims claims, final ErrorCode error)
        {
            this(claims, error, false);
        }

        Result(final Claims claims, final ErrorCode error, final boolean isGuest)
        {
            this.claims = claims;
            this.error = error;
            this.isGuest = isGuest;
        }

        /**
         * @return true when the request had no token and is a new dev-mode guest.
         */
        boolean isGuest()
        {
            return isGuest;
        }

        /**
         * @return claims when authenticated, else null.
         */
        Claims claims()
        {
            return claims;
        }

        /**
         * @return null when authenticated, else {@code not_authenticated} or {@code token_expired}.
         */
        ErrorCode error()
        {
            return error;
        }
    }

    Authenticator(final ServerConfig config, final EpochClock clock)
    {
        this.isDev = config.isDev();
        this.clock = clock;
        this.devTokenTtlSeconds = TimeUnit.NANOSECONDS.toSeconds(config.devTokenTtlNs());
        final byte[] secret = null == config.secret() || config.secret().isEmpty() ?
            TokenCodec.newSecret() : TokenCodec.parseSecret(config.secret());
        this.codec = new TokenCodec(secret, clock);
    }

    /**
     * @param exchange    the request.
     * @param subprotocols WebSocket subprotocols offered, or an empty list.
     * @return claims, or why the request is refused.
     */
    Result authenticate(final HttpServerExchange exchange, final List<String> subprotocols)
    {
        final Deque<String> query = exchange.getQueryParameters().get(TokenExtractor.TOKEN_QUERY_PARAMETER);
        final String token = TokenExtractor.extract(
            exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION),
            null == query ? null : query.peekFirst(),
            subprotocols);
        if (null == token)
        {
            return isDev ? new Result(guest(), null, true) : new Result(null, ErrorCode.NOT_AUTHENTICATED);
        }

        final Verification verification = new Verification();
        final ErrorCode code = codec.verify(token, verification);
        return code == ErrorCode.NULL_VAL ? new Result(verification.claims(), null) : new Result(null, code);
    }

    /**
     * @param user id of the user.
     * @return a token granting the user every room, for the dev {@code /token} endpoint.
     */
    String issueDevToken(final String user)
    {
        final long expiry = TimeUnit.MILLISECONDS.toSeconds(clock.time()) + devTokenTtlSeconds;
        return codec.issue(Claims.guest(user, expiry));
    }

    /**
     * @param claims to sign.
     * @return a token carrying them.
     */
    String issue(final Claims claims)
    {
        return codec.issue(claims);
    }

    private Claims guest()
    {
        final long expiry = TimeUnit.MILLISECONDS.toSeconds(clock.time()) + devTokenTtlSeconds;
        return Claims.guest("guest-" + guests.incrementAndGet(), expiry);
    }
}
