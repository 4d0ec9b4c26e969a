package io.roomwire.undertow;

import io.roomwire.engine.Engine;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

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
     * A dev-mode server (guests allowed, tokens from {@code /token}) on 127.0.0.1 with an ephemeral port: the one place
     * the tests' servers are told to listen on loopback only.
     *
     * @param config what the test sets besides, e.g. {@code (config) -> config.ioThreads(2)}.
     * @param engine the engine's settings.
     * @return the started server; the caller closes it.
     */
    static RoomwireServer dev(final UnaryOperator<ServerConfig> config, final Engine.Context engine)
    {
        return RoomwireServer.start(config.apply(new ServerConfig().dev(true).port(0).host("127.0.0.1")), engine);
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
        return dev((config) -> config.ioThreads(1).pingIntervalNs(intervalNs),
            new Engine.Context().heartbeatIntervalNs(intervalNs));
    }

    /**
     * @return socket descriptors open in this JVM (Linux's {@code /proc/self/fd}), the servers' and the tests'; 0
     *         where there is no such directory.
     */
    static long openSocketDescriptors()
    {
        final File[] fds = new File("/proc/self/fd").listFiles();
        long sockets = 0;
        for (final File fd : null == fds ? new File[0] : fds)
        {
            try
            {
                final Path target = Files.readSymbolicLink(fd.toPath());
                if (target.toString().startsWith("socket:"))
                {
                    sockets++;
                }
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                // closed while listing
            }
        }
        return sockets;
    }
}
