package io.roomwire.undertow;

import io.roomwire.engine.Engine;

import java.util.concurrent.TimeUnit;

/**
 * Servers the tests start on 127.0.0.1 with an ephemeral port.
 * <p>
 * Stateless; any thread.
 */
final class TestServers
{
    private TestServers()
    {
    }

    /**
     * A dev-mode server with one I/O thread whose WebSocket ping interval and engine heartbeat interval are both
     * {@code intervalMs}, for tests of the timers that keep connections and sessions alive.
     *
     * @param intervalMs ping and heartbeat interval in milliseconds.
     * @return the started server; the caller closes it.
     */
    static RoomwireServer devWithLivenessInterval(final long intervalMs)
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        return RoomwireServer.start(
            new ServerConfig().dev(true).port(0).host("127.0.0.1").ioThreads(1).pingIntervalNs(intervalNs),
            new Engine.Context().heartbeatIntervalNs(intervalNs));
    }
}
