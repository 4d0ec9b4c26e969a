package io.roomwire.engine;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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

    @Test
    void shouldFillEachScratchLogsHistoryAndWrapTheOneThatReachesItsMaximum()
    {
        final RoomLog[] logs = JitWarmup.roomLogs(new UnsafeBuffer(new byte[1024]), new ExpandableArrayBuffer(4096));

        assertEquals(9, logs.length, "three shapes, three jitters each");
        for (int i = 0; i < logs.length; i++)
        {
            final RoomLog log = logs[i];
            assertEquals(2_000, log.engineHeadSeq(), "records appended to log " + i);
            assertTrue(log.growths() >= 2, "log " + i + " grew " + log.growths() + " times");
        }
        for (int i = 0; i < 3; i++)
        {
            // history count 64 binds: the log keeps exactly that many records, grown for them, short of its maximum
            final RoomLog log = logs[i];
            assertEquals(64, log.engineHeadSeq() - log.oldestSeq() + 1, "history kept by log " + i);
            assertTrue(log.capacity() < 64 * 1024, "log " + i + " at " + log.capacity());
        }
        for (int i = 3; i < 6; i++)
        {
            // length binds: at its maximum, wrapped many times, dropping records by position before the count
            final RoomLog log = logs[i];
            assertEquals(4 * 1024, log.capacity(), "log " + i);
            assertTrue(log.lowWater() > 10L * log.capacity(), "log " + i + " wrapped: low water " + log.lowWater());
            assertTrue(log.engineHeadSeq() - log.oldestSeq() + 1 < 256, "log " + i + " kept fewer than its count");
        }
        for (int i = 6; i < 9; i++)
        {
            // past the early-growth threshold, the count fills: 256 records kept
            final RoomLog log = logs[i];
            assertTrue(log.capacity() > RoomLog.EARLY_GROWTH_MIN_CAPACITY, "log " + i + " at " + log.capacity());
            assertEquals(256, log.engineHeadSeq() - log.oldestSeq() + 1, "history kept by log " + i);
        }
    }
}
