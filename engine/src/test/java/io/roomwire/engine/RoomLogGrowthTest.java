package io.roomwire.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a room's log grows for its history: exactly when needed below {@link RoomLog#EARLY_GROWTH_MIN_CAPACITY}, and
 * from there on ahead of need by the room's slack, so that rooms filling at one rate grow at different records.
 * Records here are 256-byte frames, written as the conductor writes them: grow while the log says so, then append.
 */
class RoomLogGrowthTest
{
    private static final int FRAME = 256;
    private static final int HISTORY_RECORDS = 256;
    private static final int MAX_CAPACITY = 1024 * 1024;
    private static final int RETAIN_LENGTH = MAX_CAPACITY - 256 * 1024;
    private static final UnsafeBuffer RECORD = new UnsafeBuffer(new byte[FRAME - RoomLog.FRAME_HEADER_LENGTH]);

    @Test
    void shouldGrowOnlyWhenTheHistoryNeedsItWithoutJitter()
    {
        final RoomLog log = new RoomLog(1024, MAX_CAPACITY, HISTORY_RECORDS, RETAIN_LENGTH, 0);
        for (int k = 1; k <= HISTORY_RECORDS; k++)
        {
            append(log, k);
            final int needed = Math.max(1024, Integer.highestOneBit(k * FRAME - 1) << 1);
            assertEquals(needed, log.capacity(), "after record " + k);
        }
        assertEquals(6, log.growths(), "1 KiB to 64 KiB");
    }

    @Test
    void shouldGrowAheadOfNeedByItsSlackFromEightKiBOn()
    {
        final RoomLog log = new RoomLog(1024, MAX_CAPACITY, HISTORY_RECORDS, RETAIN_LENGTH, 255);
        final int[] firstRecordAt = new int[MAX_CAPACITY + 1];
        for (int k = 1; k <= 2 * HISTORY_RECORDS; k++)
        {
            append(log, k);
            if (0 == firstRecordAt[log.capacity()])
            {
                firstRecordAt[log.capacity()] = k;
            }
        }

        // below 8 KiB as when needed: 4 KiB holds 16 records, so the 17th grows it to 8 KiB; and from 8 KiB on half a
        // log (less 1/512) early: 8 KiB less 4,080 bytes of slack holds 16 records, so the same record grows it again
        assertEquals(5, firstRecordAt[2048]);
        assertEquals(9, firstRecordAt[4096]);
        assertEquals(0, firstRecordAt[8192], "passed through");
        assertEquals(17, firstRecordAt[16384], "when needed it would have been the 33rd");
        assertEquals(33, firstRecordAt[32768], "when needed it would have been the 65th");
        assertEquals(65, firstRecordAt[65536], "when needed it would have been the 129th");
        // 256 records of 256 bytes fit 64 KiB exactly: never grown to 128 KiB, early or not
        assertEquals(0, firstRecordAt[131072]);
        assertEquals(65536, log.capacity());
        assertEquals(6, log.growths(), "as many growths as without the slack");
    }

    @Test
    void shouldSpreadTheGrowthsOfRoomsThatFillTogether()
    {
        final TreeSet<Integer> growthRecords = new TreeSet<>();
        for (int jitter = 0; jitter < RoomLog.GROWTH_JITTER_VALUES; jitter++)
        {
            final RoomLog log = new RoomLog(32 * 1024, MAX_CAPACITY, HISTORY_RECORDS, RETAIN_LENGTH, jitter);
            int k = 1;
            while (log.capacity() == 32 * 1024)
            {
                append(log, k++);
            }
            growthRecords.add(k - 1);
        }

        // the record that grew a 32 KiB log (which holds 128): from the 65th (slack of half a log) to the 129th
        assertEquals(65, growthRecords.first());
        assertEquals(129, growthRecords.last());
        assertTrue(growthRecords.size() >= 60, "distinct growth points: " + growthRecords);
    }

    @Test
    void shouldNotGrowEarlyWhenTheWholeHistoryFits()
    {
        // 16 records of 256 bytes: 4 KiB of history in an 8 KiB log, whatever the slack
        final RoomLog log = new RoomLog(8192, MAX_CAPACITY, 16, RETAIN_LENGTH, 255);
        for (int k = 1; k <= 100; k++)
        {
            append(log, k);
        }
        assertEquals(8192, log.capacity());
        assertEquals(0, log.growths());
    }

    @Test
    void shouldNotGrowEarlyFromTheRetainedLengthOn()
    {
        // 8 KiB retained: an 8 KiB log grows for history only when needed, as without the slack
        final RoomLog early = new RoomLog(8192, MAX_CAPACITY, HISTORY_RECORDS, 8192, 255);
        final RoomLog whenNeeded = new RoomLog(8192, MAX_CAPACITY, HISTORY_RECORDS, 8192, 0);
        for (int k = 1; k <= 100; k++)
        {
            append(early, k);
            append(whenNeeded, k);
            assertEquals(whenNeeded.capacity(), early.capacity(), "after record " + k);
        }
        assertEquals(1, early.growths(), "the 33rd record, needing more than 8 KiB, grew it once");
    }

    @Test
    void shouldTakeTheJitterFromTheTopBitsOfTheRoomHash()
    {
        assertEquals(0, RoomLog.growthJitter(0x00FF_FFFF_FFFF_FFFFL));
        assertEquals(1, RoomLog.growthJitter(1L << 56));
        assertEquals(RoomLog.GROWTH_JITTER_VALUES - 1, RoomLog.growthJitter(-1L));
        assertThrows(IllegalArgumentException.class, () -> new RoomLog(1024, MAX_CAPACITY, 16, 8192, -1));
        assertThrows(IllegalArgumentException.class,
            () -> new RoomLog(1024, MAX_CAPACITY, 16, 8192, RoomLog.GROWTH_JITTER_VALUES));
    }

    @Test
    void shouldGiveRoomsOfOneNodeTheirOwnGrowthPoints()
    {
        // 64 logs from 8 KiB, fed one record each per round: with one slack for all, every log would grow in the same
        // round each time
        final int rooms = 64;
        try (EngineHarness harness = new EngineHarness((ctx) -> ctx
            .logInitialLength(RoomLog.EARLY_GROWTH_MIN_CAPACITY)
            .publishRate(1_000_000)
            .publishBurst(1_000_000)))
        {
            final Gateway gateway = harness.gateway();
            final long publisher = harness.open(gateway, "publisher");
            final String payload = "{\"text\":\"" + "x".repeat(200) + "\"}";
            final EngineCounters counters = harness.engine.engineCounters();
            long growths = 0;
            int mostInOneRound = 0;
            int roundsWithGrowths = 0;
            // several hundred bytes a record (binary and JSON): the logs grow to 16, 32 and 64 KiB within 200 rounds
            for (int round = 0; round < 200; round++)
            {
                for (int r = 0; r < rooms; r++)
                {
                    assertTrue(harness.publish(gateway, publisher, "room-" + r, "m" + round, payload) > 0);
                }
                harness.drive();
                final long now = counters.get(EngineCounters.SystemCounter.LOG_GROWTHS);
                if (now > growths)
                {
                    roundsWithGrowths++;
                    mostInOneRound = (int)Math.max(mostInOneRound, now - growths);
                }
                growths = now;
            }

            assertTrue(growths >= rooms * 3L, "every log grew from 8 to at least 64 KiB: " + growths);
            assertTrue(mostInOneRound < rooms / 2,
                "at most " + mostInOneRound + " of " + rooms + " logs grew in one round");
            assertTrue(roundsWithGrowths > 30, roundsWithGrowths + " rounds with growths");
        }
    }

    private static void append(final RoomLog log, final long seq)
    {
        while (log.shouldGrowForHistory(FRAME))
        {
            log.grow();
        }
        log.append(seq, RECORD, 0, RECORD.capacity(), RECORD, 0, 0);
    }
}
