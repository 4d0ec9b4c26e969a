package io.roomwire.undertow.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a Roomwire server, standing in for the network between a browser and the
 * server: {@link #cut()} resets every connection through it and every new one until {@link #restore()}, the way a
 * dropped Wi-Fi or a load balancer failover looks to a browser, whatever the transport (WebSocket, SSE stream, long
 * poll); {@link #blockWebSocketUpgrades(boolean)} resets only connections whose first request is for {@code /ws}, the
 * way a proxy that does not pass WebSockets looks. The page under test is loaded through it, so its origin is the
 * proxy's and the client's every connection goes through it.
 * <p>
 * Thread safety: the control methods from any thread; one accept thread and two pump threads per connection.
 */
final class CuttableProxy implements AutoCloseable
{
    private static final int MAX_REQUEST_LINE = 8192;

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refusedCount = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean isCut;
    private volatile boolean isBlockingWebSockets;
    private volatile boolean isClosed;

    private CuttableProxy(final int upstreamPort) throws IOException
    {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "cuttable-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Start a proxy on 127.0.0.1 and an ephemeral port.
     *
     * @param upstreamPort of the server on 127.0.0.1.
     * @return the running proxy.
     * @throws IOException when it cannot listen.
     */
    static CuttableProxy start(final int upstreamPort) throws IOException
    {
        return new CuttableProxy(upstreamPort);
    }

    /**
     * @return the port browsers connect to.
     */
    int port()
    {
        return listener.getLocalPort();
    }

    /**
     * @return the URL of the demo page through the proxy.
     */
    String pageUrl()
    {
        return "http://127.0.0.1:" + port() + "/";
    }

    /**
     * @return connections reset because the network was cut or because they asked for a WebSocket while blocked.
     */
    int refusedCount()
    {
        return refusedCount.get();
    }

    /**
     * Reset every open connection (TCP RST both ways) and every new one until {@link #restore()}.
     */
    void cut()
    {
        isCut = true;
        for (final Socket socket : sockets)
        {
            reset(socket);
        }
    }

    /**
     * Pass new connections through again.
     */
    void restore()
    {
        isCut = false;
    }

    /**
     * @param isBlocking true to reset every new connection whose first request line asks for {@code /ws...}.
     */
    void blockWebSocketUpgrades(final boolean isBlocking)
    {
        isBlockingWebSockets = isBlocking;
    }

    /**
     * Stop listening and reset every connection.
     */
    public void close()
    {
        isClosed = true;
        try
        {
            listener.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        for (final Socket socket : sockets)
        {
            reset(socket);
        }
        try
        {
            acceptor.join(2000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop()
    {
        while (!isClosed)
        {
            final Socket client;
            try
            {
                client = listener.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            if (isCut)
            {
                refusedCount.incrementAndGet();
                reset(client);
                continue;
            }
            final Thread opener = new Thread(() -> open(client), "cuttable-proxy-open");
            opener.setDaemon(true);
            opener.start();
        }
    }

    private void open(final Socket client)
    {
        Socket upstream = null;
        try
        {
            client.setTcpNoDelay(true);
            sockets.add(client);
            byte[] head = new byte[0];
            if (isBlockingWebSockets)
            {
                head = readRequestLine(client.getInputStream());
                final String line = new String(head, StandardCharsets.ISO_8859_1);
                if (line.startsWith("GET /ws ") || line.startsWith("GET /ws?") || line.startsWith("GET /ws/"))
                {
                    refusedCount.incrementAndGet();
                    reset(client);
                    return;
                }
            }
            if (isCut)
            {
                refusedCount.incrementAndGet();
                reset(client);
                return;
            }
            upstream = new Socket();
            upstream.setTcpNoDelay(true);
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
            upstream.getOutputStream().write(head);
            pump(client, upstream, "cuttable-proxy-up");
            pump(upstream, client, "cuttable-proxy-down");
        }
        catch (final IOException ex)
        {
            reset(client);
            if (null != upstream)
            {
                reset(upstream);
            }
        }
    }

    /**
     * Read up to and including the first LF, so the request line can be checked before anything is forwarded.
     */
    private static byte[] readRequestLine(final InputStream in) throws IOException
    {
        final byte[] line = new byte[MAX_REQUEST_LINE];
        int length = 0;
        while (length < line.length)
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            line[length++] = (byte)b;
            if (b == '\n')
            {
                break;
            }
        }
        return Arrays.copyOf(line, length);
    }

    private void pump(final Socket from, final Socket to, final String name)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try
            {
                final InputStream in = from.getInputStream();
                final OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, read);
                    out.flush();
                }
                to.shutdownOutput();
            }
            catch (final IOException ex)
            {
                reset(from);
                reset(to);
                return;
            }
            if (from.isOutputShutdown() || from.isClosed())
            {
                close(from);
                close(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void reset(final Socket socket)
    {
        sockets.remove(socket);
        try
        {
            socket.setSoLinger(true, 0);
        }
        catch (final SocketException ignore)
        {
            // already closed
        }
        close(socket);
    }

    private void close(final Socket socket)
    {
        sockets.remove(socket);
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // already closed
        }
    }
}
