package io.roomwire.undertow;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers for outbound bytes, in power-of-two sizes from {@link #MIN_LENGTH}, kept for reuse up to a total
 * number of bytes, so that a steady stream of writes to many connections allocates nothing: a connection takes a
 * buffer when bytes wait for it and returns it once they are written, so an idle connection holds none, and the pool
 * settles at what the busiest round needs. (Keeping too few made every round allocate, and zero, a buffer per
 * connection; the direct-memory limit then forced full collections.) What a burst left behind is given back:
 * {@link #trim()}, once a second, frees half of the buffers that stayed in the pool since the last trim, so a pool
 * swollen by ten thousand connections' joins shrinks to what the traffic since uses within seconds.
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

    private final long maxRetainedBytes;
    private long retainedBytes;
    private long leastRetainedBytes;

    /**
     * @param maxRetainedBytes most bytes of free buffers kept for reuse.
     */
    BufferPool(final long maxRetainedBytes)
    {
        this.maxRetainedBytes = maxRetainedBytes;
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
            final ByteBuffer buffer = freeBySize[index].pollLast();
            if (null != buffer)
            {
                retainedBytes -= buffer.capacity();
                leastRetainedBytes = Math.min(leastRetainedBytes, retainedBytes);
                return buffer;
            }
        }

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
     * Free half of the bytes that no acquire needed since the last trim, largest and longest-kept buffers first.
     *
     * @return bytes freed.
     */
    long trim()
    {
        long excess = leastRetainedBytes / 2;
        long freed = 0;
        for (int index = SIZES - 1; index >= 0 && excess > 0; index--)
        {
            final ArrayDeque<ByteBuffer> free = freeBySize[index];
            final int size = MIN_LENGTH << index;
            while (excess > 0 && !free.isEmpty())
            {
                BufferUtil.free(free.pollFirst());
                retainedBytes -= size;
                excess -= size;
                freed += size;
            }
        }
        leastRetainedBytes = retainedBytes;

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
