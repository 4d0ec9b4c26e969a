package io.roomwire.protocol;

import java.lang.management.ManagementFactory;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts what a piece of work allocates on the calling thread, as the JVM counts it (thread allocated bytes).
 * <p>
 * Stateless; measures the calling thread.
 */
final class Allocations
{
    /**
     * Now and then a round sees a hundred bytes or so that the work did not ask for (the JVM's own work on the thread,
     * such as a recompilation); an allocation on the path measured would show in every round, once per call.
     */
    private static final int ROUNDS = 5;

    private Allocations()
    {
    }

    /**
     * Warm the work up, then run it for a few rounds and keep the fewest bytes a round allocated. Checks that the
     * measurement sees an allocation at all, and that the work returned a positive checksum (so it was not elided).
     *
     * @param work       runs its work this many times and returns a checksum.
     * @param warmUp     iterations before measuring.
     * @param iterations per measured round.
     * @return the fewest bytes allocated by one round.
     */
    static long fewestBytesPerRound(final IntToLongFunction work, final int warmUp, final int iterations)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        long checksum = work.applyAsLong(warmUp);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && allocated > 0; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            checksum += work.applyAsLong(iterations);
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }

        final long sanityBefore = threads.getCurrentThreadAllocatedBytes();
        final byte[] sanity = new byte[4096];
        final long sanityAllocated = threads.getCurrentThreadAllocatedBytes() - sanityBefore;
        assertTrue(sanityAllocated >= sanity.length, "the measurement sees an allocation");
        assertTrue(checksum > 0);

        return allocated;
    }
}
