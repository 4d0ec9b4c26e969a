package io.roomwire.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The seed document's {@code PresenceTracker}, ported to Java as the baseline it is: a map of room to a map of user
 * to the time the user was last seen, in seconds ({@code dict[str, dict[str, float]]}, a {@code defaultdict(dict)}),
 * a heartbeat that stores the clock's time, and a cleanup that scans every user of every room.
 * <p>
 * As in the seed, a heartbeat reads the clock itself ({@code asyncio.get_event_loop().time()}, a monotonic clock in
 * seconds), times are boxed floating point numbers, and rooms are never removed once created. Python's insertion
 * ordered {@code dict} is a {@link HashMap} here, the Java idiom.
 * <p>
 * Not thread safe, like the seed's (which relies on one asyncio loop).
 */
public final class SeedPresenceTracker
{
    private final double timeout;
    private final DoubleSupplier clock;
    private final Map<String, Map<String, Double>> presence = new HashMap<>();

    /**
     * A tracker reading the monotonic clock, as the seed's event loop does.
     *
     * @param timeout in seconds after which a user is no longer online (the seed's default is 30).
     */
    public SeedPresenceTracker(final double timeout)
    {
        this(timeout, () -> System.nanoTime() / 1e9);
    }

    /**
     * @param timeout in seconds after which a user is no longer online.
     * @param clock   monotonic time in seconds.
     */
    public SeedPresenceTracker(final double timeout, final DoubleSupplier clock)
    {
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * @return timeout in seconds.
     */
    public double timeout()
    {
        return timeout;
    }

    /**
     * The seed's {@code heartbeat}: {@code self.presence[room][user_id] = loop.time()}.
     *
     * @param room   the user is in.
     * @param userId beating.
     */
    public void heartbeat(final String room, final String userId)
    {
        presence.computeIfAbsent(room, (r) -> new HashMap<>()).put(userId, clock.getAsDouble());
    }

    /**
     * The seed's {@code get_online}: users of the room seen within the timeout.
     *
     * @param room to list.
     * @return user ids seen less than the timeout ago.
     */
    public List<String> getOnline(final String room)
    {
        final double now = clock.getAsDouble();
        final List<String> online = new ArrayList<>();
        final Map<String, Double> users = presence.get(room);
        if (null != users)
        {
            for (final Map.Entry<String, Double> entry : users.entrySet())
            {
                if (now - entry.getValue() < timeout)
                {
                    online.add(entry.getKey());
                }
            }
        }

        return online;
    }

    /**
     * One pass of the seed's {@code cleanup_loop}, which runs every {@code timeout / 2} seconds: for every room, list
     * the users last seen more than the timeout before {@code now}, then delete them.
     *
     * @param now time of the pass, in seconds of the tracker's clock.
     * @return users removed.
     */
    public int cleanup(final double now)
    {
        int removed = 0;
        for (final String room : new ArrayList<>(presence.keySet()))
        {
            final Map<String, Double> users = presence.get(room);
            final List<String> expired = new ArrayList<>();
            for (final Map.Entry<String, Double> entry : users.entrySet())
            {
                if (now - entry.getValue() > timeout)
                {
                    expired.add(entry.getKey());
                }
            }
            for (final String userId : expired)
            {
                users.remove(userId);
            }
            removed += expired.size();
        }

        return removed;
    }

    /**
     * @return the current time of the tracker's clock, in seconds.
     */
    public double now()
    {
        return clock.getAsDouble();
    }
}
