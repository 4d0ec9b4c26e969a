/**
 * Tokens of the Undertow adapter (docs/protocol.md, "Transports", "Authentication"): compact JWS tokens signed with
 * HMAC-SHA256 that name a user and the room patterns the user may join and publish to.
 * <ul>
 *     <li>{@link io.roomwire.undertow.auth.TokenExtractor} finds the token of a request: the {@code Authorization}
 *     header, the {@code token} query parameter, or a {@code roomwire.token.} WebSocket subprotocol.</li>
 *     <li>{@link io.roomwire.undertow.auth.TokenCodec} issues tokens and verifies them into a
 *     {@link io.roomwire.undertow.auth.Verification}: the {@link io.roomwire.undertow.auth.Claims} of a valid token,
 *     or the wire error code ({@code not_authenticated}, {@code token_expired}) of a refused one.</li>
 * </ul>
 * A refused token is an expected failure, so it is a return value, never an exception; exceptions are for
 * misconfiguration (a short secret, claims that do not fit in a token). No exception message, {@code toString} or
 * reason produced by this package contains a token or a secret.
 */
package io.roomwire.undertow.auth;
