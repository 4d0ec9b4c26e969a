package io.roomwire.engine;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Scratch work run once as the engine is built, so that the JIT has seen a rare branch of the engine's hot path taken
 * before it compiles it under traffic. C2 compiles a branch that its profile says was never taken as an uncommon trap;
 * the first time traffic takes it, minutes in, the compiled loop is thrown away, runs interpreted and C1-compiled until
 * C2 compiles it again, and a node near its core's limit falls behind for seconds. Profiles belong to methods, not to
 * objects, so running Agrona's ring on a scratch instance whose end comes every few dozen commands fills the profiles
 * the real ring's compiled code is built from.
 * <p>
 * The branches warmed are the inbound ring's first wrap (a claim across its end, the padding it leaves, the
 * conductor's scan ahead meeting the end), which trapped minutes into traffic (docs/operations.md, warm-up). Warming
 * is not free: a scratch timer wheel run the same way also removed a trap at the first liveness checks, but its
 * expiries took over the profile of {@code DeadlineTimerWheel.poll} and made the conductor's idle duty cycle 2.5 times
 * slower (JMH {@code PresenceBenchmark.roomwireExpiryDutyCycle}: 19 to 50 ns at 10,000 users), so it is not done.
 * Warm only branches that traffic takes rarely, with a scratch run that does not change the common case's profile.
 * <p>
 * Stateless; its methods run on the thread that builds the engine, on scratch objects only.
 */
final class JitWarmup
{
    /** Length of the scratch ring: small, so that it wraps every few dozen commands. */
    private static final int RING_LENGTH = 64 * 1024;
    /** Commands offered to the scratch ring: well past the invocation counts at which the JIT compiles. */
    private static final int RING_COMMANDS = 40_000;
    private static final int RING_TYPE_ID = 1;
    /** Reads a scratch command and drops it. */
    private static final MessageHandler DISCARD = (msgTypeId, buffer, index, length) ->
    {
    };
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
            if (!offer(ring, i))
            {
                readBatch(ring, scanAhead, batch);
                offer(ring, i);
            }
            else if ((i & 7) == 7)
            {
                readBatch(ring, scanAhead, batch);
            }
        }
        while (ring.size() > 0)
        {
            readBatch(ring, scanAhead, batch);
        }
        return ring;
    }

    private static void readBatch(final ManyToOneRingBuffer ring, final ScanAhead scanAhead, final int batch)
    {
        scanAhead.scan(ring, batch);
        ring.read(DISCARD, batch);
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
}
