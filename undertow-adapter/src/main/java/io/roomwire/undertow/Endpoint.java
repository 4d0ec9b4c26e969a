package io.roomwire.undertow;

import org.agrona.DirectBuffer;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One engine session as a transport carries it: a WebSocket, an SSE stream, a long-poll session or an HTTP
 * publisher. The {@link IoLoop} of its I/O thread hands it what the engine produced for its session.
 * <p>
 * A transport that writes to a socket appends to the endpoint's outbound bytes, which are written with one system call
 * per drain of the I/O thread's loop however many frames were appended since the last. Their buffer is taken from the I/O
 * thread's pool when the first byte is appended and given back once everything is written, so an idle connection holds
 * none (and the bytes live in the endpoint rather than an object of their own, 24 bytes a connection).
 * <p>
 * Not thread safe: owned by its I/O thread.
 */
abstract class Endpoint
{
    final IoLoop loop;
    long sessionId;
    boolean isSessionOpen;
    /**
     * Where the endpoint stands in its I/O loop's drain: {@link #DIRTY} and {@link #WRITTEN_THROUGH} while it is in
     * the loop's list of endpoints to flush, with {@link #BATCHED} or {@link #ALWAYS_BATCHED} when it waits for the
     * drain's end to be written. Flags in one byte: an endpoint is held per idle connection.
     */
    byte flushState;
    boolean isHeldBack;
    boolean isClosed;
    /**
     * Which twentieth of a second the I/O loop ticks this endpoint in. A byte, as is a WebSocket's fragment opcode: as
     * ints they took a WebSocket endpoint from 112 to 120 bytes.
     */
    byte tickSlice;
    private long lastSessionKeepAliveNs;
    /** Bytes waiting to be written, or null when none wait. */
    private ByteBuffer outbound;
    /**
     * Bytes the last write carried: the next buffer is taken half as large again, since drains vary. A fan-out that
     * gives a connection a dozen records a drain otherwise took the smallest buffer and grew it three times, each a
     * copy and a trip to the pool, every drain; with no headroom, one write in nine at 1 M deliveries/s still grew.
     */
    private int lastWriteLength;

    /** Bytes appended since the last write: the endpoint is in its loop's list to flush. */
    static final byte DIRTY = 1;
    /**
     * In its loop's list, but written before the drain's end: its records of the drain were complete when the
     * gateway moved on to another session (see {@link IoLoop#onRecord(long, DirectBuffer, int, int)}).
     */
    static final byte WRITTEN_THROUGH = 2;
    /**
     * Written at the drain's end only: since its last tick, a drain brought it records again after it was written
     * through (a session in several busy rooms, or records spread over several polls), so writing through would cost
     * it a system call more per drain. Cleared at its tick, once a second.
     */
    static final byte BATCHED = 4;
    /** Never written through: a transport whose write ends a response (a long poll) or that has nothing to write. */
    static final byte ALWAYS_BATCHED = 8;

    Endpoint(final IoLoop loop)
    {
        this.loop = loop;
        // the first keep-alive comes up to half an interval early, at random, so sessions opened together do not send
        // theirs to the engine in the same tick every interval
        this.lastSessionKeepAliveNs = System.nanoTime() - earlyBy(loop.server.keepAliveIntervalNs());
    }

    /**
     * @param interval of a periodic task, in any unit.
     * @return how much earlier than a whole interval to run it the first time, in that unit: at random, up to half the
     * interval.
     */
    static long earlyBy(final long interval)
    {
        return ThreadLocalRandom.current().nextLong(interval / 2 + 1);
    }

    /**
     * Vouch to the engine, once per heartbeat interval, that the session's transport is alive, so its presence does
     * not expire while the client is connected; a keep-alive refused because the inbound ring is full is tried again
     * on the next tick, not a whole interval later.
     *
     * @param nowNs of this tick.
     */
    final void keepSessionAlive(final long nowNs)
    {
        if (isSessionOpen && nowNs - lastSessionKeepAliveNs >= loop.server.keepAliveIntervalNs() &&
            loop.gateway.keepAlive(sessionId) > 0)
        {
            lastSessionKeepAliveNs = nowNs;
        }
    }

    /**
     * The engine accepted a command of this session: the engine counts every command as a sign of life, so the next
     * keep-alive is due an interval after it, and a session that talks needs none.
     *
     * @param nowNs when the command was handed over.
     */
    final void onCommandAccepted(final long nowNs)
    {
        lastSessionKeepAliveNs = nowNs;
    }

    /**
     * @return transport label for metrics: {@code websocket}, {@code sse}, {@code longpoll} or {@code http}.
     */
    abstract String transport();

    /**
     * A control message for the session (SBE, header included).
     */
    abstract void onControl(DirectBuffer buffer, int offset, int length);

    /**
     * A room record for the session (SBE, header included; the JSON form follows it in the log).
     *
     * @return false to hold the session at this record until it can take more.
     */
    abstract boolean onRecord(DirectBuffer buffer, int offset, int length);

    /**
     * Write what was appended during this duty cycle.
     */
    abstract void flush();

    /**
     * Housekeeping, about once a second: timeouts, pings, keep-alives.
     *
     * @param nowNs monotonic time.
     */
    abstract void onTick(long nowNs);

    /**
     * The node is shutting down: tell the client and finish.
     */
    abstract void shutdown();

    /**
     * A handler of this endpoint threw: end the session and tell the client {@code internal_error} where the
     * transport can.
     */
    abstract void fail();

    /**
     * End this endpoint's engine session, if it is open: stop routing to it, and close it in the engine unless the
     * engine closed it itself.
     *
     * @param reason for the engine (presence records of the rooms it leaves), or null when the engine closed it.
     */
    final void endSession(final io.roomwire.protocol.codec.LeaveReason reason)
    {
        if (isSessionOpen)
        {
            isSessionOpen = false;
            loop.unregister(this);
            if (null != reason)
            {
                loop.gateway.closeSession(sessionId, reason);
            }
            onSessionEnded();
        }
    }

    /**
     * Called once when the engine session ends, whoever ended it; for transport-specific clean-up.
     */
    void onSessionEnded()
    {
    }

    /**
     * Refuse a record because the outbound buffer is full: it waits in the room's log until {@link #onDrained(int)}.
     *
     * @return false, for {@code onRecord} to return.
     */
    final boolean holdBack()
    {
        isHeldBack = true;
        return false;
    }

    /**
     * Bytes were written: when records were held back, have the loop poll again so they follow (nothing else would
     * wake it if the room has gone quiet).
     *
     * @param pendingBefore bytes waiting before the write.
     * @param pendingAfter  bytes waiting after it.
     */
    final void onDrained(final int pendingBefore, final int pendingAfter)
    {
        if (isHeldBack && pendingAfter < pendingBefore)
        {
            isHeldBack = false;
            loop.schedule();
        }
    }

    /**
     * Ask to be flushed at the end of this duty cycle.
     */
    final void markDirty()
    {
        final int state = flushState;
        if (0 != (state & DIRTY))
        {
            return;
        }
        if (0 != (state & WRITTEN_THROUGH))
        {
            // written through in this drain and given more: still in the loop's list, wait for the drain's end
            flushState = (byte)((state & ~WRITTEN_THROUGH) | DIRTY | BATCHED);
            loop.flushSoon();
        }
        else
        {
            flushState = (byte)(state | DIRTY);
            loop.markDirty(this);
        }
    }

    /**
     * @return true when the endpoint has bytes to write and may write them before the drain's end.
     */
    final boolean isToWriteThrough()
    {
        return DIRTY == flushState;
    }

    /**
     * Called once a second, at the endpoint's tick: it may be written through again until a drain shows otherwise.
     */
    final void forgetBatching()
    {
        flushState = (byte)(flushState & ~BATCHED);
    }

    // ------------------------------------------------------------------ outbound bytes

    /**
     * @return bytes waiting to be written.
     */
    final int outboundPending()
    {
        return null == outbound ? 0 : outbound.position();
    }

    /**
     * @param length bytes about to be appended.
     * @return true when they fit within the outbound limit ({@code roomwire.http.outbound.length}).
     */
    final boolean hasOutboundRoomFor(final int length)
    {
        return outboundPending() + length <= loop.outboundLimit;
    }

    /**
     * Make room for a number of bytes and return the buffer to append them to.
     *
     * @param length bytes to append.
     * @return the buffer, positioned at the end of what waits.
     */
    final ByteBuffer reserveOutbound(final int length)
    {
        loop.unflushedBytes += length;
        ByteBuffer buffer = outbound;
        if (null == buffer)
        {
            buffer = loop.pool.acquire(Math.max(length, lastWriteLength + (lastWriteLength >> 1)));
            outbound = buffer;
        }
        else if (buffer.remaining() < length)
        {
            final ByteBuffer larger = loop.pool.acquire(buffer.position() + length);
            loop.server.metrics().outboundBufferGrown();
            buffer.flip();
            larger.put(buffer);
            loop.pool.release(buffer);
            buffer = larger;
            outbound = buffer;
        }

        return buffer;
    }

    /**
     * Append bytes to what waits.
     *
     * @param src    holding them.
     * @param offset of the first.
     * @param length how many.
     */
    final void appendOutbound(final DirectBuffer src, final int offset, final int length)
    {
        final ByteBuffer target = reserveOutbound(length);
        src.getBytes(offset, target, target.position(), length);
        target.position(target.position() + length);
    }

    /**
     * Append bytes to what waits.
     *
     * @param src bytes.
     */
    final void appendOutbound(final byte[] src)
    {
        reserveOutbound(src.length).put(src);
    }

    /**
     * Write what waits, once.
     *
     * @param sink   to write to.
     * @param socket the socket under the sink, written directly when not null ({@link RawSocket}); the sink is then
     *               only flushed by its owner.
     * @return true when everything was written; false when some waits for the sink to become writable.
     * @throws IOException when the connection failed.
     */
    final boolean writeOutbound(final StreamSinkChannel sink, final SocketChannel socket) throws IOException
    {
        final ByteBuffer buffer = outbound;
        if (null == buffer)
        {
            return true;
        }

        buffer.flip();
        lastWriteLength = buffer.limit();
        if (null != socket)
        {
            socket.write(buffer);
        }
        else
        {
            sink.write(buffer);
        }
        loop.server.metrics().socketWrite();
        if (buffer.hasRemaining())
        {
            buffer.compact();
            return false;
        }

        loop.pool.release(buffer);
        outbound = null;
        return null != socket || sink.flush();
    }

    /**
     * Drop what waits and give the buffer back to the pool.
     */
    final void releaseOutbound()
    {
        if (null != outbound)
        {
            loop.pool.release(outbound);
            outbound = null;
        }
    }
}
