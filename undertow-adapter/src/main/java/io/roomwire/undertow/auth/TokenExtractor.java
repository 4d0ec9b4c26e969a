package io.roomwire.undertow.auth;

import java.util.List;

/**
 * Finds the token of a request in the places docs/protocol.md ("Authentication") names, in its order:
 * <ol>
 *     <li>the {@code Authorization} header with the {@code Bearer} scheme (the scheme is case-insensitive);</li>
 *     <li>the {@code token} query parameter;</li>
 *     <li>the first requested WebSocket subprotocol that starts with {@link #TOKEN_SUBPROTOCOL_PREFIX}, which the
 *     server must never echo back ({@link #isTokenSubprotocol(String)}).</li>
 * </ol>
 * The first place that holds a token wins, even when the token there is empty: an empty token is returned as
 * {@code ""}, so that it is refused as malformed rather than taken for a request without a token. An
 * {@code Authorization} header with another scheme holds no token. The extractor only finds a token; it neither checks
 * nor logs it.
 * <p>
 * Stateless; safe from any thread.
 */
public final class TokenExtractor
{
    /**
     * Scheme of the {@code Authorization} header that carries a token (RFC 6750).
     */
    public static final String BEARER_SCHEME = "Bearer";

    /**
     * Name of the query parameter that carries a token.
     */
    public static final String TOKEN_QUERY_PARAMETER = "token";

    /**
     * Prefix of the WebSocket subprotocol that carries a token: {@code roomwire.token.<token>}.
     */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "roomwire.token.";

    private TokenExtractor()
    {
    }

    /**
     * The token of a request, from the first place that holds one.
     *
     * @param authorization value of the {@code Authorization} header, or {@code null} when absent.
     * @param queryToken    value of the {@code token} query parameter, or {@code null} when absent.
     * @param subprotocols  WebSocket subprotocols the client requested, in its order; {@code null} or empty when none.
     *                      An element may also be a comma-separated list, as in a {@code Sec-WebSocket-Protocol}
     *                      header.
     * @return the token, {@code ""} when the first place that holds one holds an empty one, or {@code null} when the
     * request carries no token.
     */
    public static String extract(final String authorization, final String queryToken, final List<String> subprotocols)
    {
        final String bearerToken = bearerToken(authorization);
        if (null != bearerToken)
        {
            return bearerToken;
        }
        if (null != queryToken)
        {
            return queryToken;
        }

        return subprotocolToken(subprotocols);
    }

    /**
     * The token of an {@code Authorization} header value: what follows the {@code Bearer} scheme (in any case) and
     * whitespace, with surrounding whitespace removed.
     *
     * @param authorization value of the header, or {@code null}.
     * @return the token, {@code ""} when the scheme is {@code Bearer} but no token follows, or {@code null} when the
     * value is absent or of another scheme.
     */
    public static String bearerToken(final String authorization)
    {
        if (null == authorization)
        {
            return null;
        }

        final int length = authorization.length();
        int start = 0;
        while (start < length && isWhitespace(authorization.charAt(start)))
        {
            start++;
        }
        final int schemeEnd = start + BEARER_SCHEME.length();
        if (!authorization.regionMatches(true, start, BEARER_SCHEME, 0, BEARER_SCHEME.length()))
        {
            return null;
        }
        if (schemeEnd < length && !isWhitespace(authorization.charAt(schemeEnd)))
        {
            return null;
        }

        return trim(authorization, schemeEnd, length);
    }

    /**
     * The token of the first subprotocol that starts with {@link #TOKEN_SUBPROTOCOL_PREFIX}.
     *
     * @param subprotocols requested, in the client's order; {@code null} or empty when none. An element may be a
     *                     comma-separated list.
     * @return the token, {@code ""} when the first such subprotocol is the bare prefix, or {@code null} when there is
     * none.
     */
    public static String subprotocolToken(final List<String> subprotocols)
    {
        if (null == subprotocols)
        {
            return null;
        }

        for (final String value : subprotocols)
        {
            if (null == value)
            {
                continue;
            }

            final int length = value.length();
            int start = 0;
            while (start <= length)
            {
                final int comma = value.indexOf(',', start);
                final int end = comma < 0 ? length : comma;
                final String subprotocol = trim(value, start, end);
                if (isTokenSubprotocol(subprotocol))
                {
                    return subprotocol.substring(TOKEN_SUBPROTOCOL_PREFIX.length());
                }
                start = end + 1;
            }
        }

        return null;
    }

    /**
     * Does a subprotocol carry a token? Such a subprotocol must never be selected or echoed in the handshake response.
     *
     * @param subprotocol name, or {@code null}.
     * @return true when the name starts with {@link #TOKEN_SUBPROTOCOL_PREFIX}.
     */
    public static boolean isTokenSubprotocol(final String subprotocol)
    {
        return null != subprotocol && subprotocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX);
    }

    private static String trim(final String value, final int from, final int to)
    {
        int start = from;
        int end = to;
        while (start < end && isWhitespace(value.charAt(start)))
        {
            start++;
        }
        while (end > start && isWhitespace(value.charAt(end - 1)))
        {
            end--;
        }

        return value.substring(start, end);
    }

    private static boolean isWhitespace(final char c)
    {
        return c == ' ' || c == '\t';
    }
}
