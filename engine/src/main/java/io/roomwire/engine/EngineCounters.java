package io.roomwire.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The engine's counters, in an Agrona counters buffer: each counter has one writer thread and is readable from any
 * thread without locks (the Undertow adapter exposes them on {@code /metrics}).
 * <p>
 * System counters are written by the conductor; each gateway has its own set written by its thread, and the
 * {@code total*} accessors sum them.
 * <p>
 * Thread safety: accessors and {@link #reader()} from any thread; gateway counters are allocated and freed under this
 * object's lock, and a freed gateway's totals are kept so the sums never go down.
 */
public final class EngineCounters
{
    /**
     * System counter type id.
     */
    public static final int SYSTEM_COUNTER_TYPE_ID = 1;

    /**
     * Per-gateway counter type id.
     */
    public static final int GATEWAY_COUNTER_TYPE_ID = 2;

    /**
     * The conductor's counters.
     */
    public enum SystemCounter
    {
        /** Sessions open (gauge). */
        SESSIONS("sessions"),
        /** Rooms open (gauge). */
        ROOMS("rooms"),
        /** Gateways open (gauge). */
        GATEWAYS("gateways"),
        /** Commands read from the inbound ring. */
        COMMANDS("commands"),
        /** Published records sequenced. */
        PUBLISHES("publishes"),
        /** Presence records sequenced. */
        PRESENCE_RECORDS("presence records"),
        /** Acknowledgements sent. */
        ACKS("acks"),
        /** Requests refused with an error. */
        REJECTS("rejects"),
        /** Typing indicators fanned out. */
        TYPING("typing indicators"),
        /** Sessions expired for want of a heartbeat. */
        PRESENCE_EXPIRIES("presence expiries"),
        /** Gateway subscriptions revoked because the gateway stopped reading. */
        REVOCATIONS("subscription revocations"),
        /** Rooms retired after being empty and idle. */
        ROOMS_RETIRED("rooms retired"),
        /** Times a room log doubled. */
        LOG_GROWTHS("room log growths"),
        /** Gateways whose control ring overflowed; their sessions were closed. */
        GATEWAY_OVERRUNS("gateway overruns"),
        /** Commands for sessions that no longer exist. */
        UNKNOWN_SESSION_COMMANDS("commands for unknown sessions"),
        /** Bytes waiting in the inbound ring at the end of the last duty cycle (gauge). */
        INBOUND_RING_OCCUPANCY("inbound ring occupancy bytes"),
        /** Errors handled by the conductor's error handler. */
        ERRORS("errors");

        private final String label;

        SystemCounter(final String label)
        {
            this.label = label;
        }

        /**
         * @return label in the counters buffer.
         */
        public String label()
        {
            return label;
        }
    }

    /**
     * The counters each gateway keeps, written by the gateway's thread.
     */
    public enum GatewayCounter
    {
        /** Records handed to a session. */
        DELIVERIES("deliveries"),
        /** Sessions cut loose from a room because they lagged. */
        LAGGING_CUTS("lagging cuts"),
        /** Commands refused by a full inbound ring. */
        BACK_PRESSURED("back pressured"),
        /** Conflation catch-ups of lagging sessions in conflated rooms. */
        CONFLATIONS("conflations"),
        /** Records found overwritten after they were read: the gateway had stalled. */
        TORN_READS("torn reads");

        private final String label;

        GatewayCounter(final String label)
        {
            this.label = label;
        }

        /**
         * @return label suffix in the counters buffer.
         */
        public String label()
        {
            return label;
        }
    }

    /**
     * Counters of one gateway.
     */
    static final class GatewayCounters
    {
        final AtomicCounter[] counters = new AtomicCounter[GatewayCounter.values().length];
        final AtomicCounter deliveries;
        final AtomicCounter laggingCuts;
        final AtomicCounter backPressured;
        final AtomicCounter conflations;
        final AtomicCounter tornReads;

        GatewayCounters(final CountersManager manager, final int gatewayId)
        {
            for (final GatewayCounter counter : GatewayCounter.values())
            {
                counters[counter.ordinal()] =
                    manager.newCounter("gateway " + gatewayId + " " + counter.label(), GATEWAY_COUNTER_TYPE_ID);
            }
            deliveries = counters[GatewayCounter.DELIVERIES.ordinal()];
            laggingCuts = counters[GatewayCounter.LAGGING_CUTS.ordinal()];
            backPressured = counters[GatewayCounter.BACK_PRESSURED.ordinal()];
            conflations = counters[GatewayCounter.CONFLATIONS.ordinal()];
            tornReads = counters[GatewayCounter.TORN_READS.ordinal()];
        }
    }

    private final ConcurrentCountersManager manager;
    private final AtomicCounter[] systemCounters;
    private final GatewayCounters[] gatewayCounters;
    private final java.util.concurrent.atomic.AtomicLongArray retiredTotals = new java.util.concurrent.atomic.AtomicLongArray(GatewayCounter.values().length);

    EngineCounters(final int maxGateways)
    {
        final int counters = SystemCounter.values().length + 5 * maxGateways + 16;
        manager = new ConcurrentCountersManager(
            new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(counters * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(counters * CountersReader.COUNTER_LENGTH)));
        final SystemCounter[] values = SystemCounter.values();
        systemCounters = new AtomicCounter[values.length];
        for (final SystemCounter counter : values)
        {
            systemCounters[counter.ordinal()] = manager.newCounter(counter.label(), SYSTEM_COUNTER_TYPE_ID);
        }
        gatewayCounters = new GatewayCounters[maxGateways];
    }

    /**
     * @return a reader of every counter, for any thread.
     */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * @param counter system counter.
     * @return its current value.
     */
    public long get(final SystemCounter counter)
    {
        return systemCounters[counter.ordinal()].get();
    }

    /**
     * @param counter kind of gateway counter.
     * @return its sum over every gateway, including gateways since closed.
     */
    public synchronized long total(final GatewayCounter counter)
    {
        final int index = counter.ordinal();
        long total = retiredTotals.get(index);
        for (final GatewayCounters counters : gatewayCounters)
        {
            total += null == counters ? 0 : counters.counters[index].get();
        }

        return total;
    }

    AtomicCounter counter(final SystemCounter counter)
    {
        return systemCounters[counter.ordinal()];
    }

    AtomicCounter errors()
    {
        return counter(SystemCounter.ERRORS);
    }

    synchronized GatewayCounters newGatewayCounters(final int gatewayId)
    {
        final GatewayCounters counters = new GatewayCounters(manager, gatewayId);
        gatewayCounters[gatewayId] = counters;
        return counters;
    }

    synchronized void freeGatewayCounters(final int gatewayId, final GatewayCounters counters)
    {
        if (gatewayCounters[gatewayId] == counters)
        {
            gatewayCounters[gatewayId] = null;
        }
        for (int i = 0; i < counters.counters.length; i++)
        {
            retiredTotals.addAndGet(i, counters.counters[i].get());
            counters.counters[i].close();
        }
    }
}
