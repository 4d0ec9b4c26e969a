package io.roomwire.engine;

import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up takes the branches it exists for, many times over: a warm-up that stopped wrapping its ring would leave
 * the JIT's profiles as empty as before, and nothing else would fail.
 */
class JitWarmupTest
{
    @Test
    void shouldWrapTheScratchRingHundredsOfTimesWithScansMeetingItsEnd()
    {
        final int[] scansNearTheEnd = new int[1];
        final int[] scans = new int[1];
        final ManyToOneRingBuffer ring = JitWarmup.ringWraps(
            (scanned, limit) ->
            {
                scans[0]++;
                final int index = (int)scanned.consumerPosition() & (scanned.capacity() - 1);
                if (index > scanned.capacity() - 8 * 512)
                {
                    scansNearTheEnd[0]++;
                }
                return limit;
            },
            64);

        final long laps = ring.producerPosition() / ring.capacity();
        assertTrue(laps >= 100, "laps of the scratch ring: " + laps);
        assertEquals(ring.producerPosition(), ring.consumerPosition(), "drained");
        assertTrue(scansNearTheEnd[0] >= laps, scansNearTheEnd[0] + " of " + scans[0] + " scans near the end");
    }
}
