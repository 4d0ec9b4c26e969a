package io.roomwire.engine;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A session handler that decodes and keeps everything, and refuses records for sessions told to block.
 */
final class Recorder implements SessionHandler
{
    final List<Msg> messages = new ArrayList<>();
    final Set<Long> blocked = new HashSet<>();
    int lastFrameLength;

    public void onControl(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        messages.add(Msg.decode(sessionId, buffer, offset, length));
    }

    public boolean onRecord(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (blocked.contains(sessionId))
        {
            return false;
        }
        final Msg msg = Msg.decode(sessionId, buffer, offset, length);
        messages.add(msg);
        final int jsonLength = RoomRecords.jsonLength(buffer, offset, length);
        lastFrameLength = org.agrona.BitUtil.align(8 + length + jsonLength, 8);
        msg.frameLength = lastFrameLength;
        final byte[] json = new byte[jsonLength];
        buffer.getBytes(RoomRecords.jsonOffset(buffer, offset, length), json);
        msg.json = new String(json, java.nio.charset.StandardCharsets.UTF_8);
        msg.binary = new byte[length];
        buffer.getBytes(offset, msg.binary);
        return true;
    }

    /**
     * @return the JSON forms of every room record received, in arrival order (empty for a record without one).
     */
    List<String> jsonForms()
    {
        return messages.stream().filter((m) -> null != m.binary).map((m) -> m.json).collect(Collectors.toList());
    }

    List<Msg> of(final long sessionId)
    {
        return messages.stream().filter((m) -> m.sessionId == sessionId).collect(Collectors.toList());
    }

    List<Msg> of(final long sessionId, final String type)
    {
        return messages.stream().filter((m) -> m.sessionId == sessionId && m.type.equals(type))
            .collect(Collectors.toList());
    }

    /**
     * @return room records (deliver and presence) of a session in a room, in arrival order.
     */
    List<Msg> records(final long sessionId, final String room)
    {
        return messages.stream()
            .filter((m) -> m.sessionId == sessionId && m.room.equals(room) &&
                (m.type.equals("deliver") || m.type.equals("presence")))
            .collect(Collectors.toList());
    }

    Msg last(final long sessionId, final String type)
    {
        final List<Msg> list = of(sessionId, type);
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    void clear()
    {
        messages.clear();
    }
}
