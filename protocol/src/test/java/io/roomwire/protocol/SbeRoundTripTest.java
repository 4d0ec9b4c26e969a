package io.roomwire.protocol;

import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.AckEncoder;
import io.roomwire.protocol.codec.AckStatus;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.CloseGatewayDecoder;
import io.roomwire.protocol.codec.CloseGatewayEncoder;
import io.roomwire.protocol.codec.KeepAliveDecoder;
import io.roomwire.protocol.codec.KeepAliveEncoder;
import io.roomwire.protocol.codec.CloseSessionDecoder;
import io.roomwire.protocol.codec.CloseSessionEncoder;
import io.roomwire.protocol.codec.ConnectDecoder;
import io.roomwire.protocol.codec.ConnectEncoder;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.ConnectedEncoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.DeliverEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.JoinDecoder;
import io.roomwire.protocol.codec.JoinEncoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.JoinedEncoder;
import io.roomwire.protocol.codec.LeaveDecoder;
import io.roomwire.protocol.codec.LeaveEncoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.LeftEncoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.OpenSessionDecoder;
import io.roomwire.protocol.codec.OpenSessionEncoder;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.Permission;
import io.roomwire.protocol.codec.PingDecoder;
import io.roomwire.protocol.codec.PingEncoder;
import io.roomwire.protocol.codec.PongDecoder;
import io.roomwire.protocol.codec.PongEncoder;
import io.roomwire.protocol.codec.PresenceDecoder;
import io.roomwire.protocol.codec.PresenceEncoder;
import io.roomwire.protocol.codec.PresenceSnapshotDecoder;
import io.roomwire.protocol.codec.PresenceSnapshotEncoder;
import io.roomwire.protocol.codec.PresenceStatus;
import io.roomwire.protocol.codec.PublishDecoder;
import io.roomwire.protocol.codec.PublishEncoder;
import io.roomwire.protocol.codec.ResyncDecoder;
import io.roomwire.protocol.codec.ResyncEncoder;
import io.roomwire.protocol.codec.RoomLaggingDecoder;
import io.roomwire.protocol.codec.RoomLaggingEncoder;
import io.roomwire.protocol.codec.ServerPublishDecoder;
import io.roomwire.protocol.codec.ServerPublishEncoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.roomwire.protocol.codec.SessionClosedEncoder;
import io.roomwire.protocol.codec.TypingCommandDecoder;
import io.roomwire.protocol.codec.TypingCommandEncoder;
import io.roomwire.protocol.codec.TypingDecoder;
import io.roomwire.protocol.codec.TypingEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binary round trip of every message of the schema: written with the generated encoders at an unaligned offset,
 * read back with the generated decoders, every field equal and the whole message consumed.
 */
class SbeRoundTripTest
{
    private static final int OFFSET = 13;
    private static final byte[] PAYLOAD = { '{', '"', 'a', '"', ':', '1', '}', 0, (byte)0xFF };

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @Test
    void connect()
    {
        final ConnectEncoder encoder = new ConnectEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .protocolVersion(65535).token("tok\u00e9n.signature");

        final ConnectDecoder decoder = new ConnectDecoder().wrapAndApplyHeader(buffer, OFFSET, header(1));
        assertEquals(65535, decoder.protocolVersion());
        assertEquals("tok\u00e9n.signature", decoder.token());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void join()
    {
        final JoinEncoder encoder = new JoinEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .resumeEpoch(1711000000000L).resumeSeq(41).room("general").correlationId("j1");

        final JoinDecoder decoder = new JoinDecoder().wrapAndApplyHeader(buffer, OFFSET, header(2));
        assertEquals(1711000000000L, decoder.resumeEpoch());
        assertEquals(41, decoder.resumeSeq());
        assertEquals("general", decoder.room());
        assertEquals("j1", decoder.correlationId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void joinWithoutResumePointCarriesNulls()
    {
        new JoinEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .resumeEpoch(JoinEncoder.resumeEpochNullValue()).resumeSeq(JoinEncoder.resumeSeqNullValue())
            .room("r").correlationId("");

        final JoinDecoder decoder = new JoinDecoder().wrapAndApplyHeader(buffer, OFFSET, header(2));
        assertEquals(JoinDecoder.resumeEpochNullValue(), decoder.resumeEpoch());
        assertEquals(JoinDecoder.resumeSeqNullValue(), decoder.resumeSeq());
        assertEquals("r", decoder.room());
        assertEquals("", decoder.correlationId());
    }

    @Test
    void leave()
    {
        final LeaveEncoder encoder = new LeaveEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .room("general").correlationId("l1");

        final LeaveDecoder decoder = new LeaveDecoder().wrapAndApplyHeader(buffer, OFFSET, header(3));
        assertEquals("general", decoder.room());
        assertEquals("l1", decoder.correlationId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void publish()
    {
        final PublishEncoder encoder = new PublishEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .kind(MessageKind.SYSTEM).format(PayloadFormat.BINARY).room("general").clientMessageId("msg_123")
            .key("cursor").putPayload(PAYLOAD, 0, PAYLOAD.length);

        final PublishDecoder decoder = new PublishDecoder().wrapAndApplyHeader(buffer, OFFSET, header(4));
        assertEquals(MessageKind.SYSTEM, decoder.kind());
        assertEquals(PayloadFormat.BINARY, decoder.format());
        assertEquals("general", decoder.room());
        assertEquals("msg_123", decoder.clientMessageId());
        assertEquals("cursor", decoder.key());
        final byte[] payload = new byte[decoder.payloadLength()];
        decoder.getPayload(payload, 0, payload.length);
        assertArrayEquals(PAYLOAD, payload);
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void typingCommand()
    {
        final TypingCommandEncoder encoder = new TypingCommandEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder).isTyping(BooleanType.TRUE).room("general");

        final TypingCommandDecoder decoder = new TypingCommandDecoder().wrapAndApplyHeader(buffer, OFFSET, header(5));
        assertEquals(BooleanType.TRUE, decoder.isTyping());
        assertEquals("general", decoder.room());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void ping()
    {
        final PingEncoder encoder = new PingEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .timestamp(1711000000123L);

        final PingDecoder decoder = new PingDecoder().wrapAndApplyHeader(buffer, OFFSET, header(6));
        assertEquals(1711000000123L, decoder.timestamp());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void connected()
    {
        final ConnectedEncoder encoder = new ConnectedEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .sessionId(4294967297L).heartbeatIntervalMs(10000).heartbeatTimeoutMs(30000).maxPayloadBytes(16384)
            .maxRoomsPerSession(64).publishRatePerSecond(50).publishBurst(100).userId("user_42");

        final ConnectedDecoder decoder = new ConnectedDecoder().wrapAndApplyHeader(buffer, OFFSET, header(20));
        assertEquals(4294967297L, decoder.sessionId());
        assertEquals(10000, decoder.heartbeatIntervalMs());
        assertEquals(30000, decoder.heartbeatTimeoutMs());
        assertEquals(16384, decoder.maxPayloadBytes());
        assertEquals(64, decoder.maxRoomsPerSession());
        assertEquals(50, decoder.publishRatePerSecond());
        assertEquals(100, decoder.publishBurst());
        assertEquals("user_42", decoder.userId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void joinedWithMembersGroup()
    {
        final JoinedEncoder encoder = new JoinedEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .epoch(1711000000000L).headSeq(41).fromSeq(42).membersTotal(3).conflated(BooleanType.TRUE);
        encoder.membersCount(2).next().userId("user_42").next().userId("user@example.com");
        encoder.room("general").correlationId("j1");

        final JoinedDecoder decoder = new JoinedDecoder().wrapAndApplyHeader(buffer, OFFSET, header(21));
        assertEquals(1711000000000L, decoder.epoch());
        assertEquals(41, decoder.headSeq());
        assertEquals(42, decoder.fromSeq());
        assertEquals(3, decoder.membersTotal());
        assertEquals(BooleanType.TRUE, decoder.conflated());
        final List<String> members = new ArrayList<>();
        for (final JoinedDecoder.MembersDecoder member : decoder.members())
        {
            members.add(member.userId());
        }
        assertEquals(List.of("user_42", "user@example.com"), members);
        assertEquals("general", decoder.room());
        assertEquals("j1", decoder.correlationId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void joinedWithEmptyMembersGroup()
    {
        final JoinedEncoder encoder = new JoinedEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .epoch(1).headSeq(0).fromSeq(1).membersTotal(0).conflated(BooleanType.FALSE);
        encoder.membersCount(0);
        encoder.room("empty").correlationId("");

        final JoinedDecoder decoder = new JoinedDecoder().wrapAndApplyHeader(buffer, OFFSET, header(21));
        assertEquals(0, decoder.members().count());
        assertEquals("empty", decoder.room());
        assertEquals("", decoder.correlationId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void presenceSnapshotWithMembersGroup()
    {
        final PresenceSnapshotEncoder encoder = new PresenceSnapshotEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder);
        encoder.membersCount(3).next().userId("a").next().userId("b").next().userId("c");
        encoder.room("general");

        final PresenceSnapshotDecoder decoder = new PresenceSnapshotDecoder()
            .wrapAndApplyHeader(buffer, OFFSET, header(22));
        final List<String> members = new ArrayList<>();
        for (final PresenceSnapshotDecoder.MembersDecoder member : decoder.members())
        {
            members.add(member.userId());
        }
        assertEquals(List.of("a", "b", "c"), members);
        assertEquals("general", decoder.room());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void deliver()
    {
        final DeliverEncoder encoder = new DeliverEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .epoch(1711000000000L).seq(42).timestamp(1711000000123L).kind(MessageKind.TEXT)
            .format(PayloadFormat.JSON).room("general").author("user_42").key("k1")
            .putPayload(PAYLOAD, 0, PAYLOAD.length);

        final DeliverDecoder decoder = new DeliverDecoder().wrapAndApplyHeader(buffer, OFFSET, header(23));
        assertEquals(1711000000000L, decoder.epoch());
        assertEquals(42, decoder.seq());
        assertEquals(1711000000123L, decoder.timestamp());
        assertEquals(MessageKind.TEXT, decoder.kind());
        assertEquals(PayloadFormat.JSON, decoder.format());
        assertEquals("general", decoder.room());
        assertEquals("user_42", decoder.author());
        assertEquals("k1", decoder.key());
        final byte[] payload = new byte[decoder.payloadLength()];
        decoder.getPayload(payload, 0, payload.length);
        assertArrayEquals(PAYLOAD, payload);
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void presence()
    {
        final PresenceEncoder encoder = new PresenceEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .epoch(1711000000000L).seq(43).timestamp(1711000030123L).status(PresenceStatus.LEFT)
            .reason(LeaveReason.EXPIRED).room("general").userId("user_7");

        final PresenceDecoder decoder = new PresenceDecoder().wrapAndApplyHeader(buffer, OFFSET, header(24));
        assertEquals(1711000000000L, decoder.epoch());
        assertEquals(43, decoder.seq());
        assertEquals(1711000030123L, decoder.timestamp());
        assertEquals(PresenceStatus.LEFT, decoder.status());
        assertEquals(LeaveReason.EXPIRED, decoder.reason());
        assertEquals("general", decoder.room());
        assertEquals("user_7", decoder.userId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void ack()
    {
        final AckEncoder encoder = new AckEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .status(AckStatus.DELIVERED).epoch(1711000000000L).seq(42).room("general").clientMessageId("msg_123");

        final AckDecoder decoder = new AckDecoder().wrapAndApplyHeader(buffer, OFFSET, header(25));
        assertEquals(AckStatus.DELIVERED, decoder.status());
        assertEquals(1711000000000L, decoder.epoch());
        assertEquals(42, decoder.seq());
        assertEquals("general", decoder.room());
        assertEquals("msg_123", decoder.clientMessageId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void typing()
    {
        final TypingEncoder encoder = new TypingEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .isTyping(BooleanType.FALSE).room("general").userId("user_7");

        final TypingDecoder decoder = new TypingDecoder().wrapAndApplyHeader(buffer, OFFSET, header(26));
        assertEquals(BooleanType.FALSE, decoder.isTyping());
        assertEquals("general", decoder.room());
        assertEquals("user_7", decoder.userId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void error()
    {
        final ErrorEncoder encoder = new ErrorEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .code(ErrorCode.RATE_LIMITED).room("general").correlationId("msg_123").reason("r\u00e9ason \"quoted\"");

        final ErrorDecoder decoder = new ErrorDecoder().wrapAndApplyHeader(buffer, OFFSET, header(27));
        assertEquals(ErrorCode.RATE_LIMITED, decoder.code());
        assertEquals("general", decoder.room());
        assertEquals("msg_123", decoder.correlationId());
        assertEquals("r\u00e9ason \"quoted\"", decoder.reason());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void resync()
    {
        final ResyncEncoder encoder = new ResyncEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .epoch(1711000000000L).headSeq(900).fromSeq(390).requestedEpoch(1710000000000L).requestedSeq(12)
            .room("general");

        final ResyncDecoder decoder = new ResyncDecoder().wrapAndApplyHeader(buffer, OFFSET, header(28));
        assertEquals(1711000000000L, decoder.epoch());
        assertEquals(900, decoder.headSeq());
        assertEquals(390, decoder.fromSeq());
        assertEquals(1710000000000L, decoder.requestedEpoch());
        assertEquals(12, decoder.requestedSeq());
        assertEquals("general", decoder.room());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void pong()
    {
        final PongEncoder encoder = new PongEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .timestamp(1711000000123L).serverTimestamp(1711000000125L);

        final PongDecoder decoder = new PongDecoder().wrapAndApplyHeader(buffer, OFFSET, header(29));
        assertEquals(1711000000123L, decoder.timestamp());
        assertEquals(1711000000125L, decoder.serverTimestamp());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void left()
    {
        final LeftEncoder encoder = new LeftEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .reason(LeaveReason.LAGGING).lastSeq(57).room("general").correlationId("l1");

        final LeftDecoder decoder = new LeftDecoder().wrapAndApplyHeader(buffer, OFFSET, header(30));
        assertEquals(LeaveReason.LAGGING, decoder.reason());
        assertEquals(57, decoder.lastSeq());
        assertEquals("general", decoder.room());
        assertEquals("l1", decoder.correlationId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void sessionClosed()
    {
        final SessionClosedEncoder encoder = new SessionClosedEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder).code(ErrorCode.HEARTBEAT_TIMEOUT).reason("gone");

        final SessionClosedDecoder decoder = new SessionClosedDecoder().wrapAndApplyHeader(buffer, OFFSET, header(31));
        assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, decoder.code());
        assertEquals("gone", decoder.reason());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void openSessionWithGrantsGroup()
    {
        final OpenSessionEncoder encoder = new OpenSessionEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .sessionId(4294967297L).gatewayId(7);
        encoder.grantsCount(2)
            .next().permission(Permission.JOIN).pattern("*")
            .next().permission(Permission.PUBLISH).pattern("team-*");
        encoder.userId("user_42");

        final OpenSessionDecoder decoder = new OpenSessionDecoder().wrapAndApplyHeader(buffer, OFFSET, header(40));
        assertEquals(4294967297L, decoder.sessionId());
        assertEquals(7, decoder.gatewayId());
        final List<String> grants = new ArrayList<>();
        for (final OpenSessionDecoder.GrantsDecoder grant : decoder.grants())
        {
            grants.add(grant.permission() + " " + grant.pattern());
        }
        assertEquals(List.of("JOIN *", "PUBLISH team-*"), grants);
        assertEquals("user_42", decoder.userId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void closeSession()
    {
        final CloseSessionEncoder encoder = new CloseSessionEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .sessionId(-2).reason(LeaveReason.DISCONNECTED);

        final CloseSessionDecoder decoder = new CloseSessionDecoder().wrapAndApplyHeader(buffer, OFFSET, header(41));
        assertEquals(-2, decoder.sessionId());
        assertEquals(LeaveReason.DISCONNECTED, decoder.reason());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void serverPublish()
    {
        final byte[] payload = utf8("{\"notice\":\"maintenance at noon\"}");
        final ServerPublishEncoder encoder = new ServerPublishEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .kind(MessageKind.SYSTEM).format(PayloadFormat.JSON).room("general").author("ops").key("notice")
            .putPayload(payload, 0, payload.length);

        final ServerPublishDecoder decoder = new ServerPublishDecoder().wrapAndApplyHeader(buffer, OFFSET, header(42));
        assertEquals(MessageKind.SYSTEM, decoder.kind());
        assertEquals(PayloadFormat.JSON, decoder.format());
        assertEquals("general", decoder.room());
        assertEquals("ops", decoder.author());
        assertEquals("notice", decoder.key());
        final byte[] read = new byte[decoder.payloadLength()];
        decoder.getPayload(read, 0, read.length);
        assertArrayEquals(payload, read);
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void roomLagging()
    {
        final RoomLaggingEncoder encoder = new RoomLaggingEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .sessionId(99).lastSeq(1234).room("general");

        final RoomLaggingDecoder decoder = new RoomLaggingDecoder().wrapAndApplyHeader(buffer, OFFSET, header(43));
        assertEquals(99, decoder.sessionId());
        assertEquals(1234, decoder.lastSeq());
        assertEquals("general", decoder.room());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void closeGateway()
    {
        final CloseGatewayEncoder encoder = new CloseGatewayEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .gatewayId(Integer.MAX_VALUE);

        final CloseGatewayDecoder decoder = new CloseGatewayDecoder()
            .wrapAndApplyHeader(buffer, OFFSET, header(CloseGatewayDecoder.TEMPLATE_ID));
        assertEquals(Integer.MAX_VALUE, decoder.gatewayId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void keepAlive()
    {
        final KeepAliveEncoder encoder = new KeepAliveEncoder().wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .sessionId(Long.MAX_VALUE);

        final KeepAliveDecoder decoder = new KeepAliveDecoder()
            .wrapAndApplyHeader(buffer, OFFSET, header(KeepAliveDecoder.TEMPLATE_ID));
        assertEquals(Long.MAX_VALUE, decoder.sessionId());
        assertEquals(encoder.encodedLength(), decoder.encodedLength());
    }

    @Test
    void everyMessageOfTheSchemaHasARoundTripTest() throws IOException
    {
        final String schema;
        try (InputStream in = SbeRoundTripTest.class.getResourceAsStream("/roomwire-schema.xml"))
        {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final List<String> tests = new ArrayList<>();
        for (final Method method : SbeRoundTripTest.class.getDeclaredMethods())
        {
            if (method.isAnnotationPresent(Test.class))
            {
                tests.add(method.getName().toLowerCase(Locale.ROOT));
            }
        }

        final Matcher matcher = Pattern.compile("<sbe:message name=\"(\\w+)\"").matcher(schema);
        int messages = 0;
        while (matcher.find())
        {
            messages++;
            final String name = matcher.group(1).toLowerCase(Locale.ROOT);
            assertTrue(tests.stream().anyMatch((test) -> test.startsWith(name)), () -> "no round trip test for " + name);
        }
        assertTrue(messages >= 22);
    }

    private MessageHeaderDecoder header(final int templateId)
    {
        headerDecoder.wrap(buffer, OFFSET);
        assertEquals(templateId, headerDecoder.templateId());
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, headerDecoder.schemaId());
        assertEquals(MessageHeaderDecoder.SCHEMA_VERSION, headerDecoder.version());
        return headerDecoder;
    }
}
