package io.roomwire.undertow;

import org.agrona.BitUtil;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers for outbound bytes, in power-of-two sizes from {@link #MIN_LENGTH}, kept for reuse up to a total
 * number of bytes, so that a steady stream of writes to many connections allocates nothing: a connection takes a
 * buffer when bytes wait for it and returns it once they are written, so an idle connection holds none, and the pool
 * settles at what the busiest round needs. (Keeping too few made every round allocate, and zero, a buffer per
 * connection; the direct-memory limit then forced full collections.)
 * <p>
 * Not thread safe: one pool per I/O thread.
 */
final class BufferPool
{
    static final int MIN_LENGTH = 4 * 1024;
    private static final int SIZES = 16;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] freeBySize = (ArrayDeque<ByteBuffer>[])new ArrayDeque<?>[SIZES];

    private final long maxRetainedBytes;
    private long retainedBytes;

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
