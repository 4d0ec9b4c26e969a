package io.roomwire.undertow;

import org.agrona.DirectBuffer;

/**
 * One engine session as a transport carries it: a WebSocket, an SSE stream, a long-poll session or an HTTP
 * publisher. The {@link IoLoop} of its I/O thread hands it what the engine produced for its session.
 * <p>
 * Not thread safe: owned by its I/O thread.
 */
abstract class Endpoint
{
    final IoLoop loop;
    long sessionId;
    boolean isSessionOpen;
    boolean isDirty;
    boolean isHeldBack;
    boolean isClosed;
    /** Which twentieth of a second the I/O loop ticks this endpoint in. */
    int tickSlice;
    private long lastSessionKeepAliveNs = System.nanoTime();

    Endpoint(final IoLoop loop)
    {
        this.loop = loop;
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
        if (!isDirty)
        {
            isDirty = true;
            loop.markDirty(this);
        }
    }
}
