package io.roomwire.undertow.auth;

import io.roomwire.protocol.codec.ErrorCode;

/**
 * Outcome of {@link TokenCodec#verify(CharSequence, Verification)}: the {@link Claims} of a valid token, or the wire
 * error code of a refused one with a fixed reason for the server's own diagnostics. A reason names the rule the token
 * broke, never any part of the token. A new instance, or one whose verification failed, holds no claims.
 * <p>
 * Not thread safe: owned by the thread that verifies into it, which may reuse it for the next token.
 */
public final class Verification
{
    static final String REASON_NOT_VERIFIED = "no token verified yet";

    private ErrorCode errorCode = ErrorCode.NOT_AUTHENTICATED;
    private String reason = REASON_NOT_VERIFIED;
    private Claims claims;

    /**
     * A verification that holds no claims yet: {@link #errorCode()} is {@link ErrorCode#NOT_AUTHENTICATED}.
     */
    public Verification()
    {
    }

    /**
     * @return true when the last token verified is valid, so {@link #claims()} holds its claims.
     */
    public boolean isValid()
    {
        return errorCode == ErrorCode.NULL_VAL;
    }

    /**
     * @return {@link ErrorCode#NULL_VAL} when the token is valid, else {@link ErrorCode#NOT_AUTHENTICATED} (missing,
     * malformed or forged) or {@link ErrorCode#TOKEN_EXPIRED}.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * @return the rule a refused token broke, for server logs and counters; {@code null} when the token is valid.
     * Fixed text: it never contains any part of the token.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return the claims of a valid token, or {@code null} when the token was refused.
     */
    public Claims claims()
    {
        return claims;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return isValid() ? "Verification{valid, " + claims + '}' : "Verification{" + errorCode + ", " + reason + '}';
    }

    ErrorCode accept(final Claims claims)
    {
        this.errorCode = ErrorCode.NULL_VAL;
        this.reason = null;
        this.claims = claims;

        return ErrorCode.NULL_VAL;
    }

    ErrorCode refuse(final ErrorCode errorCode, final String reason)
    {
        this.errorCode = errorCode;
        this.reason = reason;
        this.claims = null;

        return errorCode;
    }
}
