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
    final int gatewayId;
    final int slot;
    final User user;
    final byte[][] joinPatterns;
    final byte[][] publishPatterns;

    /**
     * The session's gateway subscription of each room it is in, with its index in the subscription's members.
     */
    Subscription[] subscriptions = new Subscription[2];
    int[] memberIndexes = new int[2];
    boolean[] mayPublish = new boolean[2];
    int roomCount;

    long livenessTimerId = DeadlineTimerWheel.NULL_DEADLINE;
    long publishTat = RateLimiter.initialState();
    long typingTat = RateLimiter.initialState();

    Session(
        final long id,
        final int gatewayId,
        final int slot,
        final User user,
        final byte[][] joinPatterns,
        final byte[][] publishPatterns)
    {
        this.id = id;
        this.gatewayId = gatewayId;
        this.slot = slot;
        this.user = user;
        this.joinPatterns = joinPatterns;
        this.publishPatterns = publishPatterns;
    }

    /**
     * @param room to find.
     * @return index of the room in {@link #subscriptions}, or -1 when the session is not in it.
     */
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
            memberIndexes = java.util.Arrays.copyOf(memberIndexes, newLength);
            this.mayPublish = java.util.Arrays.copyOf(this.mayPublish, newLength);
        }
        subscriptions[roomCount] = subscription;
        memberIndexes[roomCount] = memberIndex;
        this.mayPublish[roomCount] = mayPublish;
        roomCount++;
    }

    void removeRoomAt(final int index)
    {
        final int last = --roomCount;
        subscriptions[index] = subscriptions[last];
        memberIndexes[index] = memberIndexes[last];
        mayPublish[index] = mayPublish[last];
        subscriptions[last] = null;
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
