package io.roomwire.protocol;

import io.roomwire.protocol.codec.AckEncoder;
import io.roomwire.protocol.codec.AckStatus;
import io.roomwire.protocol.codec.BooleanType;
import io.roomwire.protocol.codec.ConnectEncoder;
import io.roomwire.protocol.codec.ConnectedEncoder;
import io.roomwire.protocol.codec.DeliverEncoder;
import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.ErrorEncoder;
import io.roomwire.protocol.codec.JoinEncoder;
import io.roomwire.protocol.codec.JoinedEncoder;
import io.roomwire.protocol.codec.LeaveEncoder;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.LeftEncoder;
import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PingEncoder;
import io.roomwire.protocol.codec.PongEncoder;
import io.roomwire.protocol.codec.PresenceEncoder;
import io.roomwire.protocol.codec.PresenceSnapshotEncoder;
import io.roomwire.protocol.codec.PresenceStatus;
import io.roomwire.protocol.codec.PublishEncoder;
import io.roomwire.protocol.codec.ResyncEncoder;
import io.roomwire.protocol.codec.SessionClosedEncoder;
import io.roomwire.protocol.codec.TypingCommandEncoder;
import io.roomwire.protocol.codec.TypingEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds SBE messages, header included, as exact byte arrays for the tests.
 */
final class TestMessages
{
    static final long EPOCH = 1711000000000L;

    private static final MessageHeaderEncoder HEADER = new MessageHeaderEncoder();

    private TestMessages()
    {
    }

    static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String string(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return string(bytes);
    }

    static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    static UnsafeBuffer buffer(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes);
    }

    static byte[] connect(final int version, final String token)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final ConnectEncoder encoder = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        final byte[] tokenBytes = utf8(token);
        encoder.protocolVersion(version).putToken(tokenBytes, 0, tokenBytes.length);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] join(final String room, final String id, final long resumeEpoch, final long resumeSeq)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final JoinEncoder encoder = new JoinEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.resumeEpoch(resumeEpoch).resumeSeq(resumeSeq).room(room).correlationId(id);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] join(final String room, final String id)
    {
        return join(room, id, JoinEncoder.resumeEpochNullValue(), JoinEncoder.resumeSeqNullValue());
    }

    static byte[] leave(final String room, final String id)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final LeaveEncoder encoder = new LeaveEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.room(room).correlationId(id);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] publish(
        final MessageKind kind,
        final PayloadFormat format,
        final String room,
        final String id,
        final String key,
        final byte[] payload)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final PublishEncoder encoder = new PublishEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.kind(kind).format(format).room(room).clientMessageId(id).key(key)
            .putPayload(payload, 0, payload.length);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] publish(final MessageKind kind, final String room, final String id, final String key, final String json)
    {
        return publish(kind, PayloadFormat.JSON, room, id, key, utf8(json));
    }

    static byte[] typingCommand(final String room, final boolean isTyping)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final TypingCommandEncoder encoder = new TypingCommandEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.isTyping(isTyping ? BooleanType.TRUE : BooleanType.FALSE).room(room);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] ping(final long timestamp)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final PingEncoder encoder = new PingEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.timestamp(timestamp);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] connected(
        final long sessionId,
        final String userId,
        final int heartbeatIntervalMs,
        final int heartbeatTimeoutMs,
        final int maxPayloadBytes,
        final int maxRoomsPerSession,
        final int publishRatePerSecond,
        final int publishBurst)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final ConnectedEncoder encoder = new ConnectedEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.sessionId(sessionId)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .heartbeatTimeoutMs(heartbeatTimeoutMs)
            .maxPayloadBytes(maxPayloadBytes)
            .maxRoomsPerSession(maxRoomsPerSession)
            .publishRatePerSecond(publishRatePerSecond)
            .publishBurst(publishBurst)
            .userId(userId);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] joined(
        final String room,
        final String id,
        final long epoch,
        final long headSeq,
        final long fromSeq,
        final int membersTotal,
        final boolean conflated,
        final String... members)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final JoinedEncoder encoder = new JoinedEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.epoch(epoch).headSeq(headSeq).fromSeq(fromSeq).membersTotal(membersTotal)
            .conflated(conflated ? BooleanType.TRUE : BooleanType.FALSE);
        final JoinedEncoder.MembersEncoder group = encoder.membersCount(members.length);
        for (final String member : members)
        {
            group.next().userId(member);
        }
        encoder.room(room).correlationId(id);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] presenceSnapshot(final String room, final String... members)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final PresenceSnapshotEncoder encoder = new PresenceSnapshotEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        final PresenceSnapshotEncoder.MembersEncoder group = encoder.membersCount(members.length);
        for (final String member : members)
        {
            group.next().userId(member);
        }
        encoder.room(room);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] deliver(
        final MessageKind kind,
        final PayloadFormat format,
        final String room,
        final long epoch,
        final long seq,
        final long timestamp,
        final String author,
        final String key,
        final byte[] payload)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final DeliverEncoder encoder = new DeliverEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.epoch(epoch).seq(seq).timestamp(timestamp).kind(kind).format(format)
            .room(room).author(author).key(key).putPayload(payload, 0, payload.length);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] deliver(
        final MessageKind kind,
        final String room,
        final long seq,
        final long timestamp,
        final String author,
        final String key,
        final String json)
    {
        return deliver(kind, PayloadFormat.JSON, room, EPOCH, seq, timestamp, author, key, utf8(json));
    }

    static byte[] presence(
        final String room,
        final long epoch,
        final long seq,
        final long timestamp,
        final PresenceStatus status,
        final LeaveReason reason,
        final String userId)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final PresenceEncoder encoder = new PresenceEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.epoch(epoch).seq(seq).timestamp(timestamp).status(status).reason(reason).room(room).userId(userId);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] ack(final String room, final String id, final long epoch, final long seq)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final AckEncoder encoder = new AckEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.status(AckStatus.DELIVERED).epoch(epoch).seq(seq).room(room).clientMessageId(id);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] typing(final String room, final String userId, final boolean isTyping)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final TypingEncoder encoder = new TypingEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.isTyping(isTyping ? BooleanType.TRUE : BooleanType.FALSE).room(room).userId(userId);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] error(final ErrorCode code, final String room, final String id, final String reason)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final ErrorEncoder encoder = new ErrorEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.code(code).room(room).correlationId(id).reason(reason);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] resync(
        final String room,
        final long epoch,
        final long headSeq,
        final long fromSeq,
        final long requestedEpoch,
        final long requestedSeq)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final ResyncEncoder encoder = new ResyncEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.epoch(epoch).headSeq(headSeq).fromSeq(fromSeq).requestedEpoch(requestedEpoch)
            .requestedSeq(requestedSeq).room(room);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] pong(final long timestamp, final long serverTimestamp)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final PongEncoder encoder = new PongEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.timestamp(timestamp).serverTimestamp(serverTimestamp);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] left(final String room, final String id, final LeaveReason reason, final long lastSeq)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final LeftEncoder encoder = new LeftEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.reason(reason).lastSeq(lastSeq).room(room).correlationId(id);
        return copy(buffer, encoder.encodedLength());
    }

    static byte[] sessionClosed(final ErrorCode code, final String reason)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final SessionClosedEncoder encoder = new SessionClosedEncoder().wrapAndApplyHeader(buffer, 0, HEADER);
        encoder.code(code).reason(reason);
        return copy(buffer, encoder.encodedLength());
    }

    private static byte[] copy(final ExpandableArrayBuffer buffer, final int bodyLength)
    {
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
