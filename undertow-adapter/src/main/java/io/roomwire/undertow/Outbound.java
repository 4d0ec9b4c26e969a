package io.roomwire.undertow;

import org.agrona.DirectBuffer;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Bytes waiting to be written to one connection, written with one system call per I/O-thread duty cycle however many
 * frames were appended since the last. The buffer is taken from the I/O thread's pool when the first byte is
 * appended and returned when everything is written, so an idle connection holds no buffer.
 * <p>
 * Not thread safe: owned by the connection's I/O thread.
 */
final class Outbound
{
    private final BufferPool pool;
    private final int limit;
    private ByteBuffer buffer;

    /**
     * @param pool  of the I/O thread.
     * @param limit most bytes that may wait.
     */
    Outbound(final BufferPool pool, final int limit)
    {
        this.pool = pool;
        this.limit = limit;
    }

    /**
     * @return bytes waiting.
     */
    int pending()
    {
        return null == buffer ? 0 : buffer.position();
    }

    /**
     * @param length bytes about to be appended.
     * @return true when they fit within the limit.
     */
    boolean hasRoomFor(final int length)
    {
        return pending() + length <= limit;
    }

    /**
     * Make room for a number of bytes and return the buffer to append them to.
     *
     * @param length bytes to append.
     * @return the buffer, positioned at the end of what waits.
     */
    ByteBuffer reserve(final int length)
    {
        if (null == buffer)
        {
            buffer = pool.acquire(length);
        }
        else if (buffer.remaining() < length)
        {
            final ByteBuffer larger = pool.acquire(buffer.position() + length);
            buffer.flip();
            larger.put(buffer);
            pool.release(buffer);
            buffer = larger;
        }

        return buffer;
    }

    /**
     * Append bytes.
     *
     * @param src    holding them.
     * @param offset of the first.
     * @param length how many.
     */
    void append(final DirectBuffer src, final int offset, final int length)
    {
        final ByteBuffer target = reserve(length);
        src.getBytes(offset, target, target.position(), length);
        target.position(target.position() + length);
    }

    /**
     * Append bytes.
     *
     * @param src bytes.
     */
    void append(final byte[] src)
    {
        reserve(src.length).put(src);
    }

    /**
     * Write what waits, once.
     *
     * @param sink to write to.
     * @return true when everything was written; false when some waits for the sink to become writable.
     * @throws IOException when the connection failed.
     */
    boolean writeTo(final StreamSinkChannel sink) throws IOException
    {
        if (null == buffer)
        {
            return true;
        }

        buffer.flip();
        sink.write(buffer);
        if (buffer.hasRemaining())
        {
            buffer.compact();
            return false;
        }

        pool.release(buffer);
        buffer = null;
        return sink.flush();
    }

    /**
     * Drop what waits and return the buffer to the pool.
     */
    void release()
    {
        if (null != buffer)
        {
            pool.release(buffer);
            buffer = null;
        }
    }
}
