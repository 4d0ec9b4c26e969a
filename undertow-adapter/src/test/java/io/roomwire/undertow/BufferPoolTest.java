package io.roomwire.undertow;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The outbound buffer pool keeps buffers up to its limit, and gives back what a burst left behind: half of what no
 * acquire needed since the last trim, each trim.
 */
class BufferPoolTest
{
    private static final int SIZE = BufferPool.MIN_LENGTH;

    @Test
    void shouldReuseAReleasedBufferAndKeepNoMoreThanItsLimit()
    {
        final BufferPool pool = new BufferPool(2L * SIZE);
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
        final BufferPool pool = new BufferPool(1L << 30);
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

    private static List<ByteBuffer> acquire(final BufferPool pool, final int count)
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            buffers.add(pool.acquire(SIZE));
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
