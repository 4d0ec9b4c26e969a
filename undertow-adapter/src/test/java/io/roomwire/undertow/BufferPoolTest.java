package io.roomwire.undertow;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The outbound buffer pool keeps buffers up to its limit, and gives back what a burst left behind: of each size, half
 * of what no acquire needed through the last few trims (the window), each trim.
 */
class BufferPoolTest
{
    private static final int SIZE = BufferPool.MIN_LENGTH;

    @Test
    void shouldReuseAReleasedBufferAndKeepNoMoreThanItsLimit()
    {
        final BufferPool pool = new BufferPool(2L * SIZE, 1, new LongAdder());
        final ByteBuffer first = pool.acquire(1);
        final ByteBuffer second = pool.acquire(SIZE);
        final ByteBuffer third = pool.acquire(SIZE);
        assertEquals(SIZE, first.capacity(), "the smallest buffer");

        pool.release(first);
        pool.release(second);
        assertEquals(2L * SIZE, pool.retainedBytes(), "at the limit");
        pool.release(third);
        assertEquals(2L * SIZE, pool.retainedBytes(), "one past the limit is not kept");

        assertSame(second, pool.acquire(SIZE), "the last released is reused first");
        assertEquals(SIZE, pool.retainedBytes());
    }

    @Test
    void shouldFreeHalfOfWhatStayedUnusedSinceTheLastTrim()
    {
        final BufferPool pool = new BufferPool(1L << 30, 1, new LongAdder());
        releaseAll(pool, acquire(pool, 64));
        assertEquals(64L * SIZE, pool.retainedBytes(), "the burst's buffers are kept");

        assertEquals(0, pool.trim(), "released since the last trim: none has stayed a whole interval yet");
        assertEquals(32L * SIZE, pool.trim(), "all 64 stayed unused: half are freed");
        assertEquals(32L * SIZE, pool.retainedBytes());

        // traffic that needs 8 at once: 24 stayed unused the whole interval, 12 of them go
        releaseAll(pool, acquire(pool, 8));
        assertEquals(12L * SIZE, pool.trim());
        assertEquals(20L * SIZE, pool.retainedBytes());

        for (int i = 0; i < 16; i++)
        {
            pool.trim();
        }
        assertEquals(0, pool.retainedBytes(), "an idle pool shrinks to nothing");
    }

    @Test
    void shouldTrimEachSizeByWhatThatSizeDidNotNeed()
    {
        final LongAdder allocations = new LongAdder();
        final BufferPool pool = new BufferPool(1L << 30, 1, allocations);
        releaseAll(pool, acquire(pool, 16, SIZE));
        releaseAll(pool, acquire(pool, 8, 4 * SIZE));
        assertEquals(24, allocations.sum());
        pool.trim();

        // every interval takes all eight large buffers at once; the sixteen small ones stay unused
        for (int interval = 0; interval < 3; interval++)
        {
            releaseAll(pool, acquire(pool, 8, 4 * SIZE));
            pool.trim();
        }
        assertEquals(24, allocations.sum(), "the large buffers every interval needed were kept");
        assertEquals(8L * 4 * SIZE + 2L * SIZE, pool.retainedBytes(), "the unused small ones halved three times");
    }

    @Test
    void shouldKeepWhatAnyIntervalOfTheWindowNeeded()
    {
        final LongAdder allocations = new LongAdder();
        final BufferPool pool = new BufferPool(1L << 30, 3, allocations);
        releaseAll(pool, acquire(pool, 16));

        // needed every third interval: each window of three holds one interval that took all sixteen
        for (int interval = 0; interval < 12; interval++)
        {
            if (interval % 3 == 2)
            {
                releaseAll(pool, acquire(pool, 16));
            }
            assertEquals(0, pool.trim(), "interval " + interval);
        }
        assertEquals(16, allocations.sum());

        // then unused: three trims to fill the window with intervals that needed none, then half each trim
        assertEquals(0, pool.trim());
        assertEquals(0, pool.trim());
        assertEquals(8L * SIZE, pool.trim());
        assertEquals(4L * SIZE, pool.trim());
        assertEquals(2L * SIZE, pool.trim());
        assertEquals(2L * SIZE, pool.retainedBytes());
    }

    @Test
    void shouldRefuseAnEmptyWindow()
    {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(1L << 30, 0, new LongAdder()));
    }

    @Test
    void shouldCountOnlyTheBuffersItHadToAllocate()
    {
        final LongAdder allocations = new LongAdder();
        final BufferPool pool = new BufferPool(1L << 30, 1, allocations);
        final ByteBuffer first = pool.acquire(SIZE + 1);
        assertEquals(2 * SIZE, first.capacity(), "the next power of two");
        pool.release(first);
        assertSame(first, pool.acquire(2 * SIZE));
        pool.acquire(SIZE);
        assertEquals(2, allocations.sum());
    }

    private static List<ByteBuffer> acquire(final BufferPool pool, final int count)
    {
        return acquire(pool, count, SIZE);
    }

    private static List<ByteBuffer> acquire(final BufferPool pool, final int count, final int length)
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            buffers.add(pool.acquire(length));
        }
        return buffers;
    }

    private static void releaseAll(final BufferPool pool, final List<ByteBuffer> buffers)
    {
        for (final ByteBuffer buffer : buffers)
        {
            pool.release(buffer);
        }
    }
}
