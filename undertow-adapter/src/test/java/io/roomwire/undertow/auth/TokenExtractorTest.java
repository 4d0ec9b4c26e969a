package io.roomwire.undertow.auth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented order of token sources, and the forms of each.
 */
class TokenExtractorTest
{
    private static final List<String> NO_SUBPROTOCOLS = List.of();

    @Test
    void shouldPreferBearerHeaderThenQueryThenSubprotocol()
    {
        final List<String> subprotocols = List.of("roomwire.json", "roomwire.token.fromProtocol");

        assertEquals("fromHeader", TokenExtractor.extract("Bearer fromHeader", "fromQuery", subprotocols));
        assertEquals("fromQuery", TokenExtractor.extract(null, "fromQuery", subprotocols));
        assertEquals("fromProtocol", TokenExtractor.extract(null, null, subprotocols));
        assertNull(TokenExtractor.extract(null, null, List.of("roomwire.json")));
        assertNull(TokenExtractor.extract(null, null, NO_SUBPROTOCOLS));
        assertNull(TokenExtractor.extract(null, null, null));
    }

    @Test
    void shouldSkipAuthorizationOfAnotherScheme()
    {
        assertEquals("fromQuery", TokenExtractor.extract("Basic dXNlcjpwYXNz", "fromQuery", NO_SUBPROTOCOLS));
        assertEquals("p", TokenExtractor.extract("BearerX abc", null, List.of("roomwire.token.p")));
        assertNull(TokenExtractor.extract("", null, NO_SUBPROTOCOLS));
        assertNull(TokenExtractor.bearerToken("Bear"));
        assertNull(TokenExtractor.bearerToken(null));
    }

    @Test
    void shouldReadBearerSchemeInAnyCaseAndTrimWhitespace()
    {
        assertEquals("a.b.c", TokenExtractor.bearerToken("Bearer a.b.c"));
        assertEquals("a.b.c", TokenExtractor.bearerToken("bearer a.b.c"));
        assertEquals("a.b.c", TokenExtractor.bearerToken("BEARER a.b.c"));
        assertEquals("a.b.c", TokenExtractor.bearerToken("  Bearer \t a.b.c  "));
    }

    @Test
    void shouldReturnEmptyTokenOfFirstSourceThatHoldsOne()
    {
        assertEquals("", TokenExtractor.extract("Bearer", "fromQuery", NO_SUBPROTOCOLS));
        assertEquals("", TokenExtractor.extract("Bearer   ", "fromQuery", NO_SUBPROTOCOLS));
        assertEquals("", TokenExtractor.extract(null, "", List.of("roomwire.token.p")));
        assertEquals("", TokenExtractor.extract(null, null, List.of("roomwire.token.", "roomwire.token.p")));
    }

    @Test
    void shouldTakeFirstTokenSubprotocolEvenInCommaSeparatedValues()
    {
        assertEquals("first", TokenExtractor.subprotocolToken(List.of("roomwire.json", "roomwire.token.first",
            "roomwire.token.second")));
        assertEquals("t.o.k", TokenExtractor.subprotocolToken(List.of("roomwire.json, roomwire.token.t.o.k ,x")));
        assertEquals("x", TokenExtractor.subprotocolToken(List.of(",,roomwire.token.x,")));
        assertNull(TokenExtractor.subprotocolToken(List.of("Roomwire.Token.x", "roomwire.tokenx", "")));
        assertNull(TokenExtractor.subprotocolToken(null));
        assertNull(TokenExtractor.subprotocolToken(Arrays.asList((String)null)));
    }

    @Test
    void shouldRecogniseTokenSubprotocol()
    {
        assertTrue(TokenExtractor.isTokenSubprotocol("roomwire.token.a.b.c"));
        assertTrue(TokenExtractor.isTokenSubprotocol("roomwire.token."));
        assertFalse(TokenExtractor.isTokenSubprotocol("roomwire.json"));
        assertFalse(TokenExtractor.isTokenSubprotocol("roomwire.sbe"));
        assertFalse(TokenExtractor.isTokenSubprotocol("roomwire.token"));
        assertFalse(TokenExtractor.isTokenSubprotocol(null));
    }
}
