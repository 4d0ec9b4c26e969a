package io.roomwire.engine;

import org.agrona.DirectBuffer;

/**
 * Receives what the engine produced for a gateway's sessions, on the gateway's thread, during
 * {@link Gateway#poll(SessionHandler, int)}. The buffer is only valid during the call: copy what must outlive it.
 * Handlers must not block and must not call back into the gateway's {@code poll}.
 * <p>
 * Called on the gateway's thread only.
 */
public interface SessionHandler
{
    /**
     * A message for one session: {@code Connected}, {@code Joined}, {@code PresenceSnapshot}, {@code Ack},
     * {@code Error}, {@code Resync}, {@code Pong}, {@code Typing}, {@code Left} or {@code SessionClosed}. Always
     * consumed. After {@code SessionClosed} the session is gone; after {@code Left} it receives no more records of
     * that room.
     *
     * @param sessionId the message is for.
     * @param buffer    holding the SBE message.
     * @param offset    of the message header.
     * @param length    of the message, header included.
     */
    void onControl(long sessionId, DirectBuffer buffer, int offset, int length);

    /**
     * A sequenced room record, {@code Deliver} or {@code Presence}, in order and without gaps for the session. The
     * same bytes are handed to every receiver; the JSON form, when the engine writes it, is available through
     * {@link RoomRecords}.
     *
     * @param sessionId the record is for.
     * @param buffer    holding the SBE message (the room's log).
     * @param offset    of the message header.
     * @param length    of the message, header included.
     * @return true when consumed; false to hold this session at this record (back-pressure): it gets the record
     * again on a later poll, and is cut loose ({@code Left} with reason {@code lagging}) if it falls further behind
     * than its outbound budget.
     */
    boolean onRecord(long sessionId, DirectBuffer buffer, int offset, int length);
}
