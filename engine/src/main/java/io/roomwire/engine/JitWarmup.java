package io.roomwire.engine;

import org.agrona.DeadlineTimerWheel;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Scratch work run once as the engine is built, so that the JIT has seen the rare branches of the engine's hot paths
 * taken before it compiles them under traffic. C2 compiles a branch that its profile says was never taken as an
 * uncommon trap; the first time traffic takes it, minutes in, the compiled loop is thrown away, runs interpreted and
 * C1-compiled until C2 compiles it again, and a node near its core's limit falls behind for seconds. Profiles belong
 * to methods, not to objects, so running Agrona's ring and timer wheel on scratch instances whose rare cases come
 * every few dozen calls fills the profiles the real instances' compiled code is built from.
 * <p>
 * Two such branches were measured (docs/operations.md, warm-up): the inbound ring's first wrap (a claim across its
 * end, the padding it leaves, the conductor's scan ahead meeting the end), and the first liveness timers rescheduled
 * into ticks already holding timers.
 * <p>
 * Stateless; its methods run on the thread that builds the engine, on scratch objects only.
 */
final class JitWarmup
{
    /** Length of the scratch ring: small, so that it wraps every few dozen commands. */
    static final int RING_LENGTH = 64 * 1024;
    /** Commands offered to the scratch ring: well past the invocation counts at which the JIT compiles. */
    static final int RING_COMMANDS = 40_000;
    private static final int RING_TYPE_ID = 1;
    /** Reads a scratch command and drops it. */
    private static final MessageHandler DISCARD = (msgTypeId, buffer, index, length) ->
    {
    };
    /** Timer expiries the scratch timer wheel takes in. */
    static final int TIMER_EXPIRIES = 40_000;
    static final int TIMERS = 512;
    private static final int MIN_COMMAND_LENGTH = 16;
    private static final int COMMAND_LENGTH_SPREAD = 431;

    private JitWarmup()
    {
    }

    /**
     * A conductor's scan ahead of the commands it is about to read (it touches their sessions' liveness slots).
     */
    @FunctionalInterface
    interface ScanAhead
    {
        /**
         * @param ring  the ring to scan, from its consumer position.
         * @param limit most records to scan.
         * @return the records scanned.
         */
        int scan(ManyToOneRingBuffer ring, int limit);
    }

    /**
     * Offer commands of varying lengths to a small scratch ring, so that the ring's end falls at varying points in a
     * record, and read them back in batches, scanning ahead of each batch as the conductor does: claims across the
     * end, padding, reads and scans that meet it, hundreds of times.
     *
     * @param scanAhead the conductor's scan ahead.
     * @param batch     most commands read in one batch.
     * @return the ring, drained, for its positions.
     */
    static ManyToOneRingBuffer ringWraps(final ScanAhead scanAhead, final int batch)
    {
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(RING_LENGTH + RingBufferDescriptor.TRAILER_LENGTH)));
        for (int i = 0; i < RING_COMMANDS; i++)
        {
            final boolean isOffered = offer(ring, i);
            if (!isOffered || (i & 7) == 7)
            {
                scanAhead.scan(ring, batch);
                ring.read(DISCARD, batch);
            }
            if (!isOffered)
            {
                offer(ring, i);
            }
        }
        while (ring.size() > 0)
        {
            scanAhead.scan(ring, batch);
            ring.read(DISCARD, batch);
        }
        return ring;
    }

    private static boolean offer(final ManyToOneRingBuffer ring, final int i)
    {
        final int length = MIN_COMMAND_LENGTH + (int)((i * 37L) % COMMAND_LENGTH_SPREAD);
        final int index = ring.tryClaim(RING_TYPE_ID, length);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putLong(index, 0L);
        ring.commit(index);
        return true;
    }

    /**
     * Run a scratch timer wheel shaped as the conductor's through expiries that reschedule from inside
     * {@link DeadlineTimerWheel#poll}, as liveness checks do, many to a tick, so that ticks fill and grow.
     *
     * @param tickNs        the conductor's tick.
     * @param ticksPerWheel the conductor's ticks per wheel.
     * @return the most timers one tick held.
     */
    static int timerWheel(final long tickNs, final int ticksPerWheel)
    {
        final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, tickNs, ticksPerWheel);
        final Rescheduler rescheduler = new Rescheduler(wheel, tickNs);
        for (int i = 0; i < TIMERS; i++)
        {
            rescheduler.schedule((i % 7) * tickNs);
        }
        long nowNs = 0;
        while (rescheduler.expiries < TIMER_EXPIRIES)
        {
            nowNs += tickNs;
            rescheduler.nowNs = nowNs;
            wheel.poll(nowNs, rescheduler, Integer.MAX_VALUE);
        }
        return rescheduler.mostInATick;
    }

    /**
     * Reschedules most timers it is handed a few ticks on, and lets the rest lapse for new ones, as liveness checks
     * of sessions that stay and sessions that leave.
     */
    private static final class Rescheduler implements DeadlineTimerWheel.TimerHandler
    {
        final DeadlineTimerWheel wheel;
        final long tickNs;
        long nowNs;
        int expiries;
        int mostInATick;

        Rescheduler(final DeadlineTimerWheel wheel, final long tickNs)
        {
            this.wheel = wheel;
            this.tickNs = tickNs;
        }

        public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
        {
            final int n = expiries++;
            schedule(nowNs + (1 + (n % 5)) * tickNs);
            if ((n & 15) == 0)
            {
                schedule(nowNs + (n % 3) * tickNs);
            }
            return true;
        }

        void schedule(final long deadlineNs)
        {
            // a timer id holds its index in its tick's slots in the upper half
            mostInATick = Math.max(mostInATick, (int)(wheel.scheduleTimer(deadlineNs) >>> 32) + 1);
        }
    }
}
