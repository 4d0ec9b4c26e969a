package io.roomwire.undertow;

import org.agrona.BitUtil;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers for outbound bytes, in power-of-two sizes from {@link #MIN_LENGTH}, kept for reuse up to a number
 * per size so that a steady stream of writes allocates nothing.
 * <p>
 * Not thread safe: one pool per I/O thread.
 */
final class BufferPool
{
    static final int MIN_LENGTH = 16 * 1024;
    private static final int SIZES = 16;
    private static final int KEEP_PER_SIZE = 64;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] freeBySize = (ArrayDeque<ByteBuffer>[])new ArrayDeque<?>[SIZES];

    BufferPool()
    {
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
        if (index < SIZES && BitUtil.isPowerOfTwo(buffer.capacity()) && freeBySize[index].size() < KEEP_PER_SIZE)
        {
            buffer.clear();
            freeBySize[index].addLast(buffer);
        }
    }

    private static int index(final int size)
    {
        return Integer.numberOfTrailingZeros(size) - Integer.numberOfTrailingZeros(MIN_LENGTH);
    }
}
