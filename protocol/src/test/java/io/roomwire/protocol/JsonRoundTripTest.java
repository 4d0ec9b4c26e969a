package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PresenceStatus;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static io.roomwire.protocol.TestMessages.EPOCH;
import static io.roomwire.protocol.TestMessages.bytes;
import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips between the two forms: SBE to JSON to SBE gives the same bytes for every client and server message,
 * and JSON to SBE to JSON gives the same text for the client shapes.
 */
class JsonRoundTripTest
{
    private static final String MAX_ROOM = "r".repeat(Identifiers.MAX_LENGTH);

    private final JsonEncoder encoder = new JsonEncoder();
    private final JsonDecoder decoder = new JsonDecoder();
    private final ExpandableArrayBuffer json = new ExpandableArrayBuffer();
    private final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer();

    static Stream<Arguments> clientMessages()
    {
        return Stream.of(
            Arguments.of("connect", TestMessages.connect(0, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln")),
            Arguments.of("connect escapes", TestMessages.connect(65535, "t\"o\\k\ne\u0001n \u00e9\u4e2d\ud83d\ude00")),
            Arguments.of("connect empty token", TestMessages.connect(3, "")),
            Arguments.of("join", TestMessages.join("general", "j1")),
            Arguments.of("join without id", TestMessages.join("general", "")),
            Arguments.of("join all history", TestMessages.join("general", "j2", 0, 0)),
            Arguments.of("resume", TestMessages.join(MAX_ROOM, "j1", EPOCH, 41)),
            Arguments.of("leave", TestMessages.leave("general", "l1")),
            Arguments.of("leave without id", TestMessages.leave("a.b:c-d_e", "")),
            Arguments.of("publish text", TestMessages.publish(
                MessageKind.TEXT, "general", "msg_123", "", "{\"content\":\"Hello\"}")),
            Arguments.of("publish message with key", TestMessages.publish(
                MessageKind.MESSAGE, "general", "", "cursor:1", "{\"x\":1,\"y\":[1,2,{\"z\":null}]}")),
            Arguments.of("publish system", TestMessages.publish(
                MessageKind.SYSTEM, "general", "!#$%&'()*+,-./", "~", "{}")),
            Arguments.of("publish formatted", TestMessages.publish(
                MessageKind.TEXT, "general", "m", "", "{ \"a\" :\t\"\u00e9\" ,\n \"b\" : { } }")),
            Arguments.of("typing", TestMessages.typingCommand("general", true)),
            Arguments.of("typing stopped", TestMessages.typingCommand("general", false)),
            Arguments.of("ping", TestMessages.ping(1711000000123L)),
            Arguments.of("ping zero", TestMessages.ping(0)));
    }

    static Stream<Arguments> serverMessages()
    {
        return Stream.of(
            Arguments.of("connected", TestMessages.connected(4294967297L, "user_42", 10000, 30000, 16384, 64, 50, 100)),
            Arguments.of("connected negative session",
                TestMessages.connected(-5, "a@b", -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 1, 2)),
            Arguments.of("joined", TestMessages.joined("general", "j1", EPOCH, 41, 42, 2, false, "user_42", "user_7")),
            Arguments.of("joined conflated no members", TestMessages.joined("general", "", EPOCH, 0, 1, 0, true)),
            Arguments.of("presence snapshot", TestMessages.presenceSnapshot("general", "user_9", "a", "b@c")),
            Arguments.of("presence snapshot empty", TestMessages.presenceSnapshot("general")),
            Arguments.of("deliver text", TestMessages.deliver(
                MessageKind.TEXT, "general", 42, 1711000000123L, "user_42", "", "{\"content\":\"Hello\"}")),
            Arguments.of("deliver empty object", TestMessages.deliver(
                MessageKind.MESSAGE, "general", 1, 2, "guest-1", "", "{}")),
            Arguments.of("deliver keyed", TestMessages.deliver(
                MessageKind.SYSTEM, "general", 3, 4, "ops", "k", "{\"a\":{\"author\":1},\"b\":[]}")),
            Arguments.of("deliver trailing whitespace inside", TestMessages.deliver(
                MessageKind.TEXT, "general", 5, 6, "u", "", "{\"a\":1 \n}")),
            Arguments.of("deliver binary", TestMessages.deliver(MessageKind.TEXT, PayloadFormat.BINARY, "general",
                EPOCH, 7, 8, "u", "", new byte[]{ 0, -1, 2, 3, 4 })),
            Arguments.of("deliver binary empty", TestMessages.deliver(MessageKind.TEXT, PayloadFormat.BINARY, "general",
                EPOCH, 7, 8, "u", "key", new byte[0])),
            Arguments.of("presence left", TestMessages.presence(
                "general", EPOCH, 43, 1711000030123L, PresenceStatus.LEFT, LeaveReason.EXPIRED, "user_7")),
            Arguments.of("presence joined", TestMessages.presence(
                "general", EPOCH, 44, 1711000030124L, PresenceStatus.JOINED, LeaveReason.NONE, "user_7")),
            Arguments.of("ack", TestMessages.ack("general", "msg_123", EPOCH, 42)),
            Arguments.of("ack without id", TestMessages.ack("general", "", EPOCH, 42)),
            Arguments.of("typing", TestMessages.typing("general", "user_7", true)),
            Arguments.of("typing stopped", TestMessages.typing("general", "user_7", false)),
            Arguments.of("error", TestMessages.error(
                ErrorCode.RATE_LIMITED, "general", "msg_123", "publish rate over the limit")),
            Arguments.of("error bare", TestMessages.error(ErrorCode.INTERNAL_ERROR, "", "", "")),
            Arguments.of("error escapes", TestMessages.error(
                ErrorCode.NOT_JSON, "", "x", "quote \" backslash \\ tab \t nul \u0000 \u00e9\ud83d\ude00")),
            Arguments.of("resync", TestMessages.resync("general", EPOCH, 900, 390, EPOCH - 1, 12)),
            Arguments.of("pong", TestMessages.pong(1711000000123L, 1711000000125L)),
            Arguments.of("left", TestMessages.left("general", "l1", LeaveReason.LEFT, 57)),
            Arguments.of("left lagging", TestMessages.left("general", "", LeaveReason.LAGGING, 0)),
            Arguments.of("left no reason", TestMessages.left("general", "", LeaveReason.NONE, 3)),
            Arguments.of("session closed", TestMessages.sessionClosed(ErrorCode.LAGGING, "...")),
            Arguments.of("session closed shutting down",
                TestMessages.sessionClosed(ErrorCode.SHUTTING_DOWN, "node \"a\" is going away")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientMessages")
    void clientMessageSbeToJsonToSbe(final String name, final byte[] message)
    {
        final int jsonLength = encoder.encode(TestMessages.buffer(message), 0, message.length, json, 0);
        assertTrue(jsonLength > 0);

        final int sbeLength = decoder.decodeClientMessage(json, 0, jsonLength, sbe, 0, null);

        assertTrue(sbeLength > 0, () -> decoder.error() + " for " + string(json, 0, jsonLength));
        assertArrayEquals(message, bytes(sbe, 0, sbeLength), () -> string(json, 0, jsonLength));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverMessages")
    void serverMessageSbeToJsonToSbe(final String name, final byte[] message)
    {
        final int jsonLength = encoder.encode(TestMessages.buffer(message), 0, message.length, json, 0);
        assertTrue(jsonLength > 0);

        final int sbeLength = decoder.decodeServerMessage(json, 0, jsonLength, sbe, 0);

        assertTrue(sbeLength > 0, () -> decoder.error() + " for " + string(json, 0, jsonLength));
        assertArrayEquals(message, bytes(sbe, 0, sbeLength), () -> string(json, 0, jsonLength));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"connect\",\"data\":{\"version\":0,\"token\":\"...\"}}",
        "{\"type\":\"connect\",\"data\":{\"version\":2,\"token\":\"a\\\"b\\\\c\\n\\u0001\u00e9\"}}",
        "{\"type\":\"join\",\"id\":\"j1\",\"room\":\"general\"}",
        "{\"type\":\"join\",\"room\":\"general\"}",
        "{\"type\":\"resume\",\"id\":\"j1\",\"room\":\"general\",\"data\":{\"epoch\":1711000000000,\"seq\":41}}",
        "{\"type\":\"resume\",\"room\":\"general\",\"data\":{\"epoch\":0,\"seq\":0}}",
        "{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"general\"}",
        "{\"type\":\"text\",\"id\":\"msg_123\",\"room\":\"general\",\"data\":{\"content\":\"Hello\"}}",
        "{\"type\":\"message\",\"room\":\"general\",\"key\":\"k\",\"data\":{\"nested\":{\"deep\":[1,2.5e3,true,null]}}}",
        "{\"type\":\"system\",\"id\":\"s\",\"room\":\"general\",\"data\":{ }}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":true}}",
        "{\"type\":\"typing\",\"room\":\"general\",\"data\":{\"typing\":false}}",
        "{\"type\":\"ping\",\"data\":{\"timestamp\":1711000000123}}",
    })
    void clientJsonToSbeToJson(final String text)
    {
        final byte[] input = utf8(text);

        final int sbeLength = decoder.decodeClientMessage(input, 0, input.length, sbe, 0, null);
        assertTrue(sbeLength > 0, () -> decoder.error().toString());
        final int jsonLength = encoder.encode(sbe, 0, sbeLength, json, 0);

        assertEquals(text, string(json, 0, jsonLength));
    }
}
