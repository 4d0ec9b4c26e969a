package io.roomwire.engine;

/**
 * A token bucket as the generic cell rate algorithm: one {@code long} of state per bucket (the theoretical arrival
 * time), O(1) per event, no allocation.
 * <p>
 * Stateless itself; the state lives in the caller's field. Safe from any thread for its own state.
 */
final class RateLimiter
{
    private final long intervalNs;
    private final long toleranceNs;

    /**
     * @param ratePerSecond events per second sustained.
     * @param burst         events allowed at once from an idle start.
     */
    RateLimiter(final int ratePerSecond, final int burst)
    {
        this.intervalNs = 1_000_000_000L / ratePerSecond;
        this.toleranceNs = intervalNs * (burst - 1L);
    }

    /**
     * @param theoreticalArrivalNs the bucket's state.
     * @param nowNs                current time.
     * @return the new state when the event conforms, or {@link Long#MIN_VALUE} when it is over the rate.
     */
    long tryAcquire(final long theoreticalArrivalNs, final long nowNs)
    {
        final long tat = Math.max(theoreticalArrivalNs, nowNs);
        if (tat - nowNs > toleranceNs)
        {
            return Long.MIN_VALUE;
        }

        return tat + intervalNs;
    }

    /**
     * @return the initial state of a full bucket.
     */
    static long initialState()
    {
        return Long.MIN_VALUE + 1;
    }
}
