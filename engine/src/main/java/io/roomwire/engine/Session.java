package io.roomwire.engine;

import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;

import io.roomwire.protocol.Identifiers;

/**
 * A connected session: its user, grants, rooms, rate limits and liveness timer. Its id names its gateway and its slot
 * ({@link SessionIds}); the time of its last command is not here but beside its id in the conductor's liveness array
 * of its gateway, so a heartbeat does not touch this object.
 * <p>
 * Not thread safe: owned by the conductor thread.
 */
final class Session
{
    final long id;
    final User user;
    final byte[][] joinPatterns;
    final byte[][] publishPatterns;

    /**
     * The session's gateway subscription of each room it is in, with its index in the subscription's members.
     */
    Subscription[] subscriptions = new Subscription[2];
    /**
     * Per room, as {@link #subscriptions}: the index in the subscription's members shifted left one, ORed with 1 when
     * the grants allow publishing (one array where two cost every session 24 bytes more).
     */
    private int[] roomStates = new int[2];
    int roomCount;

    long livenessTimerId = DeadlineTimerWheel.NULL_DEADLINE;
    long publishTat = RateLimiter.initialState();
    long typingTat = RateLimiter.initialState();

    Session(
        final long id,
        final User user,
        final byte[][] joinPatterns,
        final byte[][] publishPatterns)
    {
        this.id = id;
        this.user = user;
        this.joinPatterns = joinPatterns;
        this.publishPatterns = publishPatterns;
    }

    /**
     * @param room to find.
     * @return index of the room in {@link #subscriptions}, or -1 when the session is not in it.
     */
    /**
     * @return the gateway the session is connected through (its id names it).
     */
    int gatewayId()
    {
        return SessionIds.gatewayId(id);
    }

    /**
     * @return the session's slot in its gateway's tables (its id names it).
     */
    int slot()
    {
        return SessionIds.slot(id);
    }

    int indexOf(final Room room)
    {
        for (int i = 0; i < roomCount; i++)
        {
            if (subscriptions[i].room == room)
            {
                return i;
            }
        }

        return -1;
    }

    /**
     * @param subscription of the room joined.
     * @param memberIndex  index in the subscription's members.
     * @param mayPublish   whether the grants allow publishing to the room.
     */
    void addSubscription(final Subscription subscription, final int memberIndex, final boolean mayPublish)
    {
        if (roomCount == subscriptions.length)
        {
            final int newLength = roomCount * 2;
            subscriptions = java.util.Arrays.copyOf(subscriptions, newLength);
            roomStates = java.util.Arrays.copyOf(roomStates, newLength);
        }
        subscriptions[roomCount] = subscription;
        roomStates[roomCount] = memberIndex << 1 | (mayPublish ? 1 : 0);
        roomCount++;
    }

    void removeRoomAt(final int index)
    {
        final int last = --roomCount;
        subscriptions[index] = subscriptions[last];
        roomStates[index] = roomStates[last];
        subscriptions[last] = null;
    }

    /**
     * @param index of a room in {@link #subscriptions}.
     * @return the session's index in the room subscription's members.
     */
    int memberIndex(final int index)
    {
        return roomStates[index] >>> 1;
    }

    /**
     * @param index       of a room in {@link #subscriptions}.
     * @param memberIndex the session's new index in the room subscription's members.
     */
    void memberIndex(final int index, final int memberIndex)
    {
        roomStates[index] = memberIndex << 1 | (roomStates[index] & 1);
    }

    /**
     * @param index of a room in {@link #subscriptions}.
     * @return true when the grants allow publishing to the room.
     */
    boolean mayPublish(final int index)
    {
        return (roomStates[index] & 1) != 0;
    }

    static boolean isGranted(final byte[][] patterns, final DirectBuffer buffer, final int offset, final int length)
    {
        for (final byte[] pattern : patterns)
        {
            if (Identifiers.matches(pattern, buffer, offset, length))
            {
                return true;
            }
        }

        return false;
    }
}
