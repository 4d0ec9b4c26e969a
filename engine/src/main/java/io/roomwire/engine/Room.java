package io.roomwire.engine;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.ArrayUtil;
import org.agrona.collections.Int2IntHashMap;

/**
 * A room: its name, epoch, log and history, members per gateway, and who is present.
 * <p>
 * Not thread safe: owned by the conductor thread. Gateways see a room only through its {@link RoomLog} and their
 * {@link Subscription}.
 */
final class Room extends AsciiKeyTable.Entry<Room>
{
    final long epoch;
    final RoomLog log;
    final boolean isConflated;

    /**
     * Sessions present per user id: a user is present while it has at least one session in the room.
     */
    final Int2IntHashMap sessionsByUserId = new Int2IntHashMap(0);

    Subscription[] subscriptions = new Subscription[2];
    int subscriptionCount;
    int memberCount;

    /**
     * Lower bound of every subscription's floor; recomputed only when an append would pass it.
     */
    long cachedFloor = Long.MAX_VALUE;

    long lastActivityNs;
    long retireTimerId = DeadlineTimerWheel.NULL_DEADLINE;

    Room(final byte[] name, final long hash, final long epoch, final RoomLog log, final boolean isConflated)
    {
        super(name, hash);
        this.epoch = epoch;
        this.log = log;
        this.isConflated = isConflated;
    }

    /**
     * @param gatewayId of the gateway.
     * @return its subscription to this room, or null.
     */
    Subscription subscriptionOf(final int gatewayId)
    {
        final Subscription[] subs = subscriptions;
        for (int i = 0, n = subscriptionCount; i < n; i++)
        {
            if (subs[i].gatewayId == gatewayId)
            {
                return subs[i];
            }
        }

        return null;
    }

    void addSubscription(final Subscription subscription)
    {
        if (subscriptionCount == subscriptions.length)
        {
            subscriptions = ArrayUtil.ensureCapacity(subscriptions, subscriptionCount * 2);
        }
        subscriptions[subscriptionCount++] = subscription;
    }

    void removeSubscription(final Subscription subscription)
    {
        final Subscription[] subs = subscriptions;
        for (int i = 0, n = subscriptionCount; i < n; i++)
        {
            if (subs[i] == subscription)
            {
                subs[i] = subs[n - 1];
                subs[n - 1] = null;
                subscriptionCount--;
                return;
            }
        }
    }
}
