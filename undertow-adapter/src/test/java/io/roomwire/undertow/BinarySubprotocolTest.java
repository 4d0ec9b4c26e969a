package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.JoinEncoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PublishEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binary subprotocol {@code roomwire.sbe}: SBE messages in binary frames both ways.
 */
@Timeout(30)
class BinarySubprotocolTest
{
    private static RoomwireServer server;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final byte[] scratch = new byte[4096];
    private final UnsafeBuffer buffer = new UnsafeBuffer(scratch);

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static WsClient connect() throws Exception
    {
        final WsClient client = WsClient.connect(Http.ws(server, "/ws"), WebSocketHandler.SBE_SUBPROTOCOL);
        assertEquals(WebSocketHandler.SBE_SUBPROTOCOL, client.socket.getSubprotocol());
        return client;
    }

    private UnsafeBuffer nextOf(final WsClient client, final int templateId) throws Exception
    {
        final ByteBuffer frame = client.awaitBinary((b) ->
        {
            final MessageHeaderDecoder h = new MessageHeaderDecoder().wrap(new UnsafeBuffer(b), 0);
            return h.schemaId() == MessageHeaderDecoder.SCHEMA_ID && h.templateId() == templateId;
        });
        return new UnsafeBuffer(frame);
    }

    private int join(final String room, final String correlationId)
    {
        final JoinEncoder encoder = new JoinEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .resumeEpoch(JoinEncoder.resumeEpochNullValue())
            .resumeSeq(JoinEncoder.resumeSeqNullValue())
            .room(room)
            .correlationId(correlationId);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int publish(final String room, final String id, final String json)
    {
        final byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        final PublishEncoder encoder = new PublishEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .kind(MessageKind.TEXT)
            .format(PayloadFormat.JSON)
            .room(room)
            .clientMessageId(id)
            .key("")
            .putPayload(payload, 0, payload.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private JoinedDecoder joined(final UnsafeBuffer message)
    {
        header.wrap(message, 0);
        return new JoinedDecoder().wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    @Test
    void shouldJoinAndPublishInBinaryAndReceiveJoinedAckAndDeliverInBinary() throws Exception
    {
        try (WsClient a = connect(); WsClient b = connect())
        {
            final UnsafeBuffer connected = nextOf(a, ConnectedDecoder.TEMPLATE_ID);
            header.wrap(connected, 0);
            final String userA = new ConnectedDecoder()
                .wrap(connected, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version()).userId();

            a.sendBinary(scratch, join("bin-room", "j1"));
            final JoinedDecoder joinedA = joined(nextOf(a, JoinedDecoder.TEMPLATE_ID));
            assertTrue(joinedA.epoch() > 0);
            for (final JoinedDecoder.MembersDecoder member : joinedA.members())
            {
                member.skipUserId();
            }
            assertEquals("bin-room", joinedA.room());
            assertEquals("j1", joinedA.correlationId());

            b.sendBinary(scratch, join("bin-room", "j2"));
            nextOf(b, JoinedDecoder.TEMPLATE_ID);

            a.sendBinary(scratch, publish("bin-room", "p1", "{\"price\":101.5}"));
            final UnsafeBuffer ackMessage = nextOf(a, AckDecoder.TEMPLATE_ID);
            header.wrap(ackMessage, 0);
            final AckDecoder ack = new AckDecoder()
                .wrap(ackMessage, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final long seq = ack.seq();
            assertEquals("bin-room", ack.room());
            assertEquals("p1", ack.clientMessageId());

            for (final WsClient client : new WsClient[]{ a, b })
            {
                final UnsafeBuffer deliverMessage = nextOf(client, DeliverDecoder.TEMPLATE_ID);
                header.wrap(deliverMessage, 0);
                final DeliverDecoder deliver = new DeliverDecoder()
                    .wrap(deliverMessage, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                assertEquals(seq, deliver.seq());
                assertEquals(MessageKind.TEXT, deliver.kind());
                assertEquals(PayloadFormat.JSON, deliver.format());
                assertEquals("bin-room", deliver.room());
                assertEquals(userA, deliver.author());
                deliver.skipKey();
                final byte[] payload = new byte[deliver.payloadLength()];
                deliver.getPayload(payload, 0, payload.length);
                assertEquals("{\"price\":101.5}", new String(payload, StandardCharsets.UTF_8));
            }
            assertTrue(a.messages.isEmpty(), "no text frames on the binary subprotocol: " + a.messages);
        }
    }

    @Test
    void shouldCloseWith1003OnATextFrame() throws Exception
    {
        try (WsClient a = connect())
        {
            nextOf(a, ConnectedDecoder.TEMPLATE_ID);
            a.send("{\"type\":\"ping\"}");
            assertEquals(1003, a.awaitClose());
        }
    }

    @Test
    void shouldAnswerAMalformedMessageWithAnErrorFrameAndStayOpen() throws Exception
    {
        try (WsClient a = connect())
        {
            nextOf(a, ConnectedDecoder.TEMPLATE_ID);

            final int length = join("bin-bad", "j9");
            scratch[MessageHeaderEncoder.ENCODED_LENGTH + JoinEncoder.BLOCK_LENGTH] = (byte)0xFF;
            a.sendBinary(scratch, length);
            assertErrorFrame(a, ErrorCode.MALFORMED);

            a.sendBinary(new byte[]{ 1, 2, 3 }, 3);
            assertErrorFrame(a, ErrorCode.MALFORMED);

            final int notJson = publish("bin-bad", "p2", "{not json");
            a.sendBinary(scratch, notJson);
            assertErrorFrame(a, ErrorCode.NOT_JSON);

            a.sendBinary(scratch, join("bin-bad", "j10"));
            nextOf(a, JoinedDecoder.TEMPLATE_ID);
            assertFalse(a.isClosed());
        }
    }

    private void assertErrorFrame(final WsClient client, final ErrorCode code) throws Exception
    {
        final UnsafeBuffer message = nextOf(client, ErrorDecoder.TEMPLATE_ID);
        header.wrap(message, 0);
        final ErrorDecoder error = new ErrorDecoder()
            .wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(code, error.code());
    }
}
