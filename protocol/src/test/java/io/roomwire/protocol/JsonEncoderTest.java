package io.roomwire.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.roomwire.protocol.codec.CloseGatewayEncoder;
import io.roomwire.protocol.codec.CloseSessionEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.OpenSessionEncoder;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.Permission;
import io.roomwire.protocol.codec.PresenceStatus;
import io.roomwire.protocol.codec.RoomLaggingEncoder;
import io.roomwire.protocol.codec.ServerPublishEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;

import static io.roomwire.protocol.TestMessages.EPOCH;
import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JsonEncoder} beyond the golden vectors: what has no JSON form, malformed input, and the Deliver payload
 * rules.
 */
class JsonEncoderTest
{
    private final JsonEncoder encoder = new JsonEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    static Stream<byte[]> allMessages()
    {
        return Stream.concat(JsonRoundTripTest.clientMessages(), JsonRoundTripTest.serverMessages())
            .map((arguments) -> (byte[])arguments.get()[1]);
    }

    @Test
    void engineCommandsHaveNoJsonForm()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

        final OpenSessionEncoder openSession = new OpenSessionEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sessionId(1).gatewayId(2);
        openSession.grantsCount(1).next().permission(Permission.JOIN).pattern("*");
        openSession.userId("u");
        assertEquals(-1, encoder.encode(buffer, 0, 8 + openSession.encodedLength(), out, 0));

        final CloseSessionEncoder closeSession = new CloseSessionEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sessionId(1).reason(LeaveReason.LEFT);
        assertEquals(-1, encoder.encode(buffer, 0, 8 + closeSession.encodedLength(), out, 0));

        final ServerPublishEncoder serverPublish = new ServerPublishEncoder().wrapAndApplyHeader(buffer, 0, header)
            .kind(MessageKind.TEXT).format(PayloadFormat.JSON).room("r").author("a").key("").putPayload(utf8("{}"), 0, 2);
        assertEquals(-1, encoder.encode(buffer, 0, 8 + serverPublish.encodedLength(), out, 0));

        final CloseGatewayEncoder closeGateway = new CloseGatewayEncoder().wrapAndApplyHeader(buffer, 0, header)
            .gatewayId(3);
        assertEquals(-1, encoder.encode(buffer, 0, 8 + closeGateway.encodedLength(), out, 0));

        final io.roomwire.protocol.codec.KeepAliveEncoder keepAlive =
            new io.roomwire.protocol.codec.KeepAliveEncoder().wrapAndApplyHeader(buffer, 0, header).sessionId(9);
        assertEquals(-1, encoder.encode(buffer, 0, 8 + keepAlive.encodedLength(), out, 0));

        final RoomLaggingEncoder roomLagging = new RoomLaggingEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sessionId(1).lastSeq(2).room("r");
        assertEquals(-1, encoder.encode(buffer, 0, 8 + roomLagging.encodedLength(), out, 0));
    }

    @Test
    void foreignSchemaIdOrVersionOrUnknownTemplateHasNoJsonForm()
    {
        final byte[] ping = TestMessages.ping(5);
        assertTrue(encoder.encode(new UnsafeBuffer(ping), 0, ping.length, out, 0) > 0);

        final UnsafeBuffer foreignSchema = new UnsafeBuffer(ping.clone());
        foreignSchema.putShort(4, (short)7218, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(-1, encoder.encode(foreignSchema, 0, ping.length, out, 0));

        final UnsafeBuffer otherVersion = new UnsafeBuffer(ping.clone());
        otherVersion.putShort(6, (short)1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(-1, encoder.encode(otherVersion, 0, ping.length, out, 0));

        for (final int templateId : new int[]{ 0, 7, 19, 32, 39, 59, 60, 63, 64, 1000, 65535 })
        {
            final UnsafeBuffer unknown = new UnsafeBuffer(ping.clone());
            unknown.putShort(2, (short)templateId, java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(-1, encoder.encode(unknown, 0, ping.length, out, 0), "template " + templateId);
        }
    }

    @Test
    void blockShorterThanTheSchemaHasNoJsonForm()
    {
        final byte[] ping = TestMessages.ping(5);
        final UnsafeBuffer shortBlock = new UnsafeBuffer(ping);
        shortBlock.putShort(0, (short)7, java.nio.ByteOrder.LITTLE_ENDIAN);

        assertEquals(-1, encoder.encode(shortBlock, 0, ping.length - 1, out, 0));
    }

    @ParameterizedTest
    @MethodSource("allMessages")
    void everyTruncationIsRefusedWithoutReadingPastTheLength(final byte[] message)
    {
        final byte[] padded = Arrays.copyOf(message, message.length + 64);
        Arrays.fill(padded, message.length, padded.length, (byte)0x7F);
        final UnsafeBuffer buffer = new UnsafeBuffer(padded);

        assertTrue(encoder.encode(buffer, 0, message.length, out, 0) > 0);
        for (int length = 0; length < message.length; length++)
        {
            assertEquals(-1, encoder.encode(buffer, 0, length, out, 0), "rendered from " + length + " bytes");
            assertEquals(-1, encoder.encode(new UnsafeBuffer(message, 0, length), 0, length, out, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("allMessages")
    void everyRenderingParsesAsOneJsonObjectWithinTheBound(final byte[] message) throws IOException
    {
        final int length = encoder.encode(new UnsafeBuffer(message), 0, message.length, out, 0);

        assertTrue(length > 0 && length <= JsonEncoder.maxJsonLength(message.length));
        assertParsesAsObject(string(out, 0, length));
    }

    @Test
    void lyingLengthFieldIsRefused()
    {
        final byte[] ack = TestMessages.ack("general", "m", EPOCH, 1);
        final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(ack, 4096));
        buffer.putShort(8 + 17, (short)2000, java.nio.ByteOrder.LITTLE_ENDIAN);

        assertEquals(-1, encoder.encode(buffer, 0, ack.length, out, 0));
    }

    @Test
    void enumerationValuesOutsideTheSchemaHaveNoJsonForm()
    {
        assertEquals(-1, encodeWithByte(TestMessages.deliver(MessageKind.TEXT, "r", 1, 2, "u", "", "{}"), 8 + 24, 9));
        assertEquals(-1, encodeWithByte(TestMessages.deliver(MessageKind.TEXT, "r", 1, 2, "u", "", "{}"), 8 + 25, 3));
        final byte[] presence = TestMessages.presence("r", 1, 2, 3, PresenceStatus.LEFT, LeaveReason.LEFT, "u");
        assertEquals(-1, encodeWithByte(presence, 8 + 24, 0));
        assertEquals(-1, encodeWithByte(presence, 8 + 25, 6));
        assertEquals(-1, encodeWithByte(TestMessages.left("r", "", LeaveReason.LEFT, 1), 8, 9));
        assertEquals(-1, encodeWithByte(TestMessages.typing("r", "u", true), 8, 2));
        assertEquals(-1, encodeWithByte(TestMessages.typingCommand("r", true), 8, 2));
        assertEquals(-1, encodeWithByte(TestMessages.ack("r", "", 1, 1), 8, 2));
        assertEquals(-1, encodeWithByte(TestMessages.error(ErrorCode.NOT_JSON, "", "", ""), 8, 99));
        assertEquals(-1, encodeWithByte(TestMessages.sessionClosed(ErrorCode.LAGGING, ""), 8, 99));
        assertEquals(-1, encodeWithByte(TestMessages.joined("r", "", 1, 1, 1, 0, true), 8 + 28, 2));
    }

    @Test
    void deliverPayloadIsTrimmedOfJsonWhitespace()
    {
        assertEquals("{\"type\":\"text\",\"room\":\"r\",\"epoch\":1711000000000,\"seq\":1," +
            "\"data\":{\"a\":1,\"author\":\"u\"},\"timestamp\":2}",
            render(TestMessages.deliver(MessageKind.TEXT, "r", 1, 2, "u", "", " \t\r\n{\"a\":1}\n\t \r")));
    }

    @Test
    void deliverOfAnEmptyOrWhitespaceObjectHasOnlyTheAuthor()
    {
        for (final String payload : new String[]{ "{}", "{ }", " { \n\t\r } ", "\n{}" })
        {
            assertEquals("{\"type\":\"message\",\"room\":\"r\",\"epoch\":1711000000000,\"seq\":1," +
                "\"data\":{\"author\":\"guest-1\"},\"timestamp\":2}",
                render(TestMessages.deliver(MessageKind.MESSAGE, "r", 1, 2, "guest-1", "", payload)));
        }
    }

    @Test
    void deliverKeepsWhitespaceBeforeTheClosingBrace()
    {
        assertEquals("{\"type\":\"text\",\"room\":\"r\",\"epoch\":1711000000000,\"seq\":1," +
            "\"data\":{ \"a\" : [ 1 ] \n,\"author\":\"u\"},\"timestamp\":2}",
            render(TestMessages.deliver(MessageKind.TEXT, "r", 1, 2, "u", "", "{ \"a\" : [ 1 ] \n}")));
    }

    @Test
    void deliverOfAJsonPayloadThatIsNotAnObjectIsRenderedAsBinary()
    {
        for (final String payload : new String[]{ "[1,2]", "\"s\"", "42", "", "   ", "{", "}", "{\"a\":1", "x}" })
        {
            final byte[] bytes = utf8(payload);
            final String expected = "{\"type\":\"text\",\"room\":\"r\",\"epoch\":1711000000000,\"seq\":1," +
                "\"format\":\"binary\",\"data\":{\"bytes\":\"" + java.util.Base64.getEncoder().encodeToString(bytes) +
                "\",\"author\":\"u\"},\"timestamp\":2}";

            assertEquals(expected, render(TestMessages.deliver(MessageKind.TEXT, "r", 1, 2, "u", "", payload)), payload);
        }
    }

    @Test
    void deliverBinaryComesAfterTheKey()
    {
        final byte[] payload = { 1, 2, 3, 4, 5 };

        assertEquals("{\"type\":\"system\",\"room\":\"r\",\"epoch\":7,\"seq\":1,\"key\":\"k\",\"format\":\"binary\"," +
            "\"data\":{\"bytes\":\"AQIDBAU=\",\"author\":\"u\"},\"timestamp\":2}",
            render(TestMessages.deliver(MessageKind.SYSTEM, PayloadFormat.BINARY, "r", 7, 1, 2, "u", "k", payload)));
    }

    @Test
    void base64MatchesTheJdkForEveryRemainder()
    {
        for (int length = 0; length < 10; length++)
        {
            final byte[] payload = new byte[length];
            for (int i = 0; i < length; i++)
            {
                payload[i] = (byte)(i * 97 - 13);
            }
            final String json = render(TestMessages.deliver(
                MessageKind.TEXT, PayloadFormat.BINARY, "r", 7, 1, 2, "u", "", payload));

            assertTrue(json.contains("\"bytes\":\"" + java.util.Base64.getEncoder().encodeToString(payload) + "\""));
        }
    }

    @Test
    void publishWhosePayloadIsNotAJsonObjectHasNoClientJsonForm()
    {
        final byte[] binary = TestMessages.publish(MessageKind.TEXT, PayloadFormat.BINARY, "r", "", "", utf8("{}"));
        final byte[] array = TestMessages.publish(MessageKind.TEXT, "r", "", "", "[1]");

        assertEquals(-1, encoder.encode(new UnsafeBuffer(binary), 0, binary.length, out, 0));
        assertEquals(-1, encoder.encode(new UnsafeBuffer(array), 0, array.length, out, 0));
    }

    @Test
    void publishPayloadIsTrimmed()
    {
        assertEquals("{\"type\":\"text\",\"room\":\"r\",\"key\":\"k\",\"data\":{\"a\":1}}",
            render(TestMessages.publish(MessageKind.TEXT, "r", "", "k", "\n {\"a\":1} ")));
    }

    @Test
    void writesAtTheOffsetGivenIntoAFixedBuffer()
    {
        final byte[] message = TestMessages.ack("general", "msg_123", EPOCH, 42);
        final byte[] src = new byte[message.length + 20];
        System.arraycopy(message, 0, src, 11, message.length);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[JsonEncoder.maxJsonLength(message.length) + 5]);
        dst.setMemory(0, dst.capacity(), (byte)'#');

        final int length = encoder.encode(new UnsafeBuffer(src), 11, message.length, dst, 5);

        assertEquals(string(JsonGoldenTest.golden("server_ack.json")), string(dst, 5, length));
        assertEquals('#', dst.getByte(4));
        assertEquals('#', dst.getByte(5 + length));
    }

    @Test
    void worstCaseReasonFitsTheBound()
    {
        final String reason = "\u0001".repeat(16384);
        final byte[] message = TestMessages.error(ErrorCode.INTERNAL_ERROR, "r".repeat(64), "i".repeat(64), reason);

        final int length = encoder.encode(new UnsafeBuffer(message), 0, message.length, out, 0);

        assertTrue(length <= JsonEncoder.maxJsonLength(message.length));
    }

    private int encodeWithByte(final byte[] message, final int index, final int value)
    {
        final byte[] copy = message.clone();
        copy[index] = (byte)value;
        return encoder.encode(new UnsafeBuffer(copy), 0, copy.length, out, 0);
    }

    private String render(final byte[] message)
    {
        final int length = encoder.encode(new UnsafeBuffer(message), 0, message.length, out, 0);
        assertTrue(length > 0);
        return string(out, 0, length);
    }

    static void assertParsesAsObject(final String json) throws IOException
    {
        try (JsonParser parser = JsonDecoder.JSON_FACTORY.createParser(json))
        {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            parser.skipChildren();
            assertEquals(null, parser.nextToken());
        }
    }
}
