package io.roomwire.undertow;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Direct buffers for outbound bytes, in power-of-two sizes from {@link #MIN_LENGTH}, kept for reuse up to a total
 * number of bytes, so that a steady stream of writes to many connections allocates nothing: a connection takes a
 * buffer when bytes wait for it and returns it once they are written, so an idle connection holds none, and the pool
 * settles at what the busiest round needs. (Keeping too few made every round allocate, and zero, a buffer per
 * connection; the direct-memory limit then forced full collections.) What a burst left behind is given back:
 * {@link #trim()}, once a second, frees half of the buffers of each size that stayed in the pool through the last few
 * trims (the window), so a pool swollen by ten thousand connections' joins shrinks to what the traffic since uses
 * within seconds. Each size is trimmed by its own surplus: trimming the largest sizes first by the surplus of all of
 * them freed, under a fan-out whose connections take 2 KiB one drain and 4 KiB the next, the 4 KiB buffers every drain
 * needed again, and the pool allocated them afresh each second (3% of the core at 1 M deliveries/s, zeroing and
 * faulting new pages). The window keeps what drains that come every few seconds need.
 * <p>
 * Not thread safe: one pool per I/O thread.
 */
final class BufferPool
{
    /**
     * Smallest buffer: most drains give a connection one or two records of a few hundred bytes. With 4 KiB, a drain
     * that wrote thousands of connections touched as many pages, and a burst that outgrew the pool allocated and zeroed
     * 4 KiB per connection: at 5,000 msgs/s in 1,000 rooms of 10 (five runs each) the server used 51-59% of its core
     * against 58-61% (77% in a run that fell behind), and the p99 was 75-126 ms against 312-333 ms. A fan-out that
     * gives a connection more in one drain grows its buffer by doubling, a copy of at most what it holds.
     */
    static final int MIN_LENGTH = 512;
    /** Size classes kept: up to {@code MIN_LENGTH << (SIZES - 1)}, 128 MiB; larger buffers are freed when written. */
    private static final int SIZES = 19;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] freeBySize = (ArrayDeque<ByteBuffer>[])new ArrayDeque<?>[SIZES];

    /** Fewest buffers of each size the pool held since the last trim: what no acquire needed. */
    private final int[] leastFreeBySize = new int[SIZES];
    /** The same for each of the last {@code window} intervals between trims, a ring per size. */
    private final int[][] leastFreeByInterval;
    private int intervalCursor;
    private final long maxRetainedBytes;
    private long retainedBytes;

    private final LongAdder allocations;

    /**
     * @param maxRetainedBytes most bytes of free buffers kept for reuse.
     * @param window           trims a buffer must have stayed unused through before it may be freed, at least 1.
     * @param allocations      counts the buffers allocated because none of the size was free (read by other threads).
     */
    BufferPool(final long maxRetainedBytes, final int window, final LongAdder allocations)
    {
        if (window < 1)
        {
            throw new IllegalArgumentException("window must be >= 1: " + window);
        }
        this.maxRetainedBytes = maxRetainedBytes;
        this.leastFreeByInterval = new int[SIZES][window];
        this.allocations = allocations;
        for (int i = 0; i < SIZES; i++)
        {
            freeBySize[i] = new ArrayDeque<>();
        }
    }

    /**
     * @param length at least this many bytes.
     * @return a cleared buffer.
     */
    ByteBuffer acquire(final int length)
    {
        final int size = BitUtil.findNextPositivePowerOfTwo(Math.max(length, MIN_LENGTH));
        final int index = index(size);
        if (index < SIZES)
        {
            final ArrayDeque<ByteBuffer> free = freeBySize[index];
            final ByteBuffer buffer = free.pollLast();
            if (null != buffer)
            {
                retainedBytes -= size;
                leastFreeBySize[index] = Math.min(leastFreeBySize[index], free.size());
                return buffer;
            }
        }

        allocations.increment();
        return ByteBuffer.allocateDirect(size);
    }

    /**
     * @param buffer to return; it must not be used again.
     */
    void release(final ByteBuffer buffer)
    {
        final int index = index(buffer.capacity());
        if (index < SIZES && BitUtil.isPowerOfTwo(buffer.capacity()) &&
            retainedBytes + buffer.capacity() <= maxRetainedBytes)
        {
            buffer.clear();
            freeBySize[index].addLast(buffer);
            retainedBytes += buffer.capacity();
        }
        else
        {
            BufferUtil.free(buffer);
        }
    }

    /**
     * Free, of each size, half of the buffers that no acquire needed through the last {@code window} trims (rounded
     * up, so an idle pool empties), the longest kept first.
     *
     * @return bytes freed.
     */
    long trim()
    {
        final int cursor = intervalCursor;
        intervalCursor = (cursor + 1) % leastFreeByInterval[0].length;
        long freed = 0;
        for (int index = 0; index < SIZES; index++)
        {
            final int[] intervals = leastFreeByInterval[index];
            intervals[cursor] = leastFreeBySize[index];
            int unused = Integer.MAX_VALUE;
            for (final int least : intervals)
            {
                unused = Math.min(unused, least);
            }

            final ArrayDeque<ByteBuffer> free = freeBySize[index];
            final int size = MIN_LENGTH << index;
            final int excess = (unused + 1) / 2;
            for (int i = 0; i < excess; i++)
            {
                BufferUtil.free(free.pollFirst());
            }
            retainedBytes -= (long)excess * size;
            freed += (long)excess * size;
            for (int i = 0; i < intervals.length; i++)
            {
                // what was freed no longer counts as unused in the intervals still in the window
                intervals[i] = Math.max(0, intervals[i] - excess);
            }
            leastFreeBySize[index] = free.size();
        }

        return freed;
    }

    /**
     * @return bytes of free buffers kept.
     */
    long retainedBytes()
    {
        return retainedBytes;
    }

    private static int index(final int size)
    {
        return Integer.numberOfTrailingZeros(size) - Integer.numberOfTrailingZeros(MIN_LENGTH);
    }
}
