package io.roomwire.engine;

import io.roomwire.protocol.codec.AckDecoder;
import io.roomwire.protocol.codec.ConnectedDecoder;
import io.roomwire.protocol.codec.DeliverDecoder;
import io.roomwire.protocol.codec.ErrorDecoder;
import io.roomwire.protocol.codec.JoinedDecoder;
import io.roomwire.protocol.codec.LeftDecoder;
import io.roomwire.protocol.codec.MessageHeaderDecoder;
import io.roomwire.protocol.codec.PongDecoder;
import io.roomwire.protocol.codec.PresenceDecoder;
import io.roomwire.protocol.codec.PresenceSnapshotDecoder;
import io.roomwire.protocol.codec.ResyncDecoder;
import io.roomwire.protocol.codec.SessionClosedDecoder;
import io.roomwire.protocol.codec.TypingDecoder;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded message, for assertions. Fields not carried by a message's type keep their defaults.
 */
final class Msg
{
    String type;
    long sessionId;
    String room = "";
    String id = "";
    long epoch;
    long seq;
    long headSeq;
    long fromSeq;
    long timestamp;
    String status = "";
    String reason = "";
    String code = "";
    String user = "";
    String author = "";
    String key = "";
    String payload = "";
    String kind = "";
    boolean typing;
    boolean conflated;
    int membersTotal;
    int frameLength;
    /** A room record's JSON form as the log holds it; empty when it has none. */
    String json = "";
    /** A room record's binary form as the log holds it; null for a control message. */
    byte[] binary;
    final List<String> members = new ArrayList<>();

    static Msg decode(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final Msg msg = new Msg();
        msg.sessionId = sessionId;
        switch (header.templateId())
        {
            case DeliverDecoder.TEMPLATE_ID:
            {
                final DeliverDecoder d = new DeliverDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "deliver";
                msg.epoch = d.epoch();
                msg.seq = d.seq();
                msg.timestamp = d.timestamp();
                msg.kind = d.kind().name();
                msg.room = d.room();
                msg.author = d.author();
                msg.key = d.key();
                final byte[] payload = new byte[d.payloadLength()];
                d.getPayload(payload, 0, payload.length);
                msg.payload = new String(payload, StandardCharsets.UTF_8);
                break;
            }
            case PresenceDecoder.TEMPLATE_ID:
            {
                final PresenceDecoder d = new PresenceDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "presence";
                msg.epoch = d.epoch();
                msg.seq = d.seq();
                msg.timestamp = d.timestamp();
                msg.status = d.status().name();
                msg.reason = d.reason().name();
                msg.room = d.room();
                msg.user = d.userId();
                break;
            }
            case ConnectedDecoder.TEMPLATE_ID:
            {
                final ConnectedDecoder d = new ConnectedDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "connected";
                msg.user = d.userId();
                break;
            }
            case JoinedDecoder.TEMPLATE_ID:
            {
                final JoinedDecoder d = new JoinedDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "joined";
                msg.epoch = d.epoch();
                msg.headSeq = d.headSeq();
                msg.fromSeq = d.fromSeq();
                msg.membersTotal = d.membersTotal();
                msg.conflated = d.conflated() == io.roomwire.protocol.codec.BooleanType.TRUE;
                for (final JoinedDecoder.MembersDecoder m : d.members())
                {
                    msg.members.add(m.userId());
                }
                msg.room = d.room();
                msg.id = d.correlationId();
                break;
            }
            case PresenceSnapshotDecoder.TEMPLATE_ID:
            {
                final PresenceSnapshotDecoder d = new PresenceSnapshotDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "snapshot";
                for (final PresenceSnapshotDecoder.MembersDecoder m : d.members())
                {
                    msg.members.add(m.userId());
                }
                msg.room = d.room();
                break;
            }
            case AckDecoder.TEMPLATE_ID:
            {
                final AckDecoder d = new AckDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "ack";
                msg.status = d.status().name();
                msg.epoch = d.epoch();
                msg.seq = d.seq();
                msg.room = d.room();
                msg.id = d.clientMessageId();
                break;
            }
            case TypingDecoder.TEMPLATE_ID:
            {
                final TypingDecoder d = new TypingDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "typing";
                msg.typing = d.isTyping() == io.roomwire.protocol.codec.BooleanType.TRUE;
                msg.room = d.room();
                msg.user = d.userId();
                break;
            }
            case ErrorDecoder.TEMPLATE_ID:
            {
                final ErrorDecoder d = new ErrorDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "error";
                msg.code = d.code().name();
                msg.room = d.room();
                msg.id = d.correlationId();
                msg.reason = d.reason();
                break;
            }
            case ResyncDecoder.TEMPLATE_ID:
            {
                final ResyncDecoder d = new ResyncDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "resync";
                msg.epoch = d.epoch();
                msg.headSeq = d.headSeq();
                msg.fromSeq = d.fromSeq();
                msg.room = d.room();
                break;
            }
            case PongDecoder.TEMPLATE_ID:
            {
                final PongDecoder d = new PongDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "pong";
                msg.timestamp = d.timestamp();
                break;
            }
            case LeftDecoder.TEMPLATE_ID:
            {
                final LeftDecoder d = new LeftDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "left";
                msg.reason = d.reason().name();
                msg.seq = d.lastSeq();
                msg.room = d.room();
                msg.id = d.correlationId();
                break;
            }
            case SessionClosedDecoder.TEMPLATE_ID:
            {
                final SessionClosedDecoder d = new SessionClosedDecoder().wrap(buffer, body, blockLength, version);
                msg.type = "closed";
                msg.code = d.code().name();
                msg.reason = d.reason();
                break;
            }
            default:
                msg.type = "template-" + header.templateId();
        }

        return msg;
    }

    public String toString()
    {
        return type + "{session=" + sessionId + ", room=" + room + ", seq=" + seq + ", epoch=" + epoch +
            (id.isEmpty() ? "" : ", id=" + id) + (code.isEmpty() ? "" : ", code=" + code) +
            (user.isEmpty() ? "" : ", user=" + user) + (status.isEmpty() ? "" : ", status=" + status) +
            (reason.isEmpty() ? "" : ", reason=" + reason) + (payload.isEmpty() ? "" : ", payload=" + payload) + "}";
    }
}
