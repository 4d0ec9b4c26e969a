package io.roomwire.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Socket.IO 4 server over raw WebSocket, for testing the load generator's Socket.IO framing: on
 * {@code /socket.io/?EIO=4&transport=websocket&room=R} it sends the Engine.IO open packet, answers {@code 40} with
 * {@code 40{"sid":...}} and at once sends a ping {@code 2}, counts pongs {@code 3}, and broadcasts each
 * {@code 42["message",<object>]} to the room as {@code 42["message",{"type":"message","room":R,"data":<object>}]},
 * as the benchmark's Socket.IO peer does with {@code io.to(room).emit(...)}.
 * <p>
 * Thread safe: one thread accepts, one thread per connection reads; writes to a connection hold its lock.
 */
final class FakeSocketIoServer implements AutoCloseable
{
    private static final String OPEN_PACKET =
        "0{\"sid\":\"fake\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";
    private static final String EVENT_PREFIX = "42[\"message\",";

    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger pongs = new AtomicInteger();
    final AtomicInteger events = new AtomicInteger();
    final List<String> errors = new CopyOnWriteArrayList<>();

    private final ServerSocket serverSocket;
    private final Map<String, List<Connection>> rooms = new ConcurrentHashMap<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private final class Connection
    {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        String room;

        Connection(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        synchronized void sendText(final String text) throws IOException
        {
            final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
            frame.write(0x81);
            if (payload.length <= 125)
            {
                frame.write(payload.length);
            }
            else if (payload.length <= 0xFFFF)
            {
                frame.write(126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            }
            else
            {
                throw new IOException("frame too long for the fake server");
            }
            frame.write(payload);
            out.write(frame.toByteArray());
            out.flush();
        }

        void run()
        {
            try
            {
                final String head = readHead();
                final String requestLine = head.substring(0, head.indexOf('\r'));
                final int roomAt = requestLine.indexOf("room=");
                if (!requestLine.startsWith("GET /socket.io/?") || !requestLine.contains("EIO=4") || roomAt < 0)
                {
                    throw new IOException("unexpected request " + requestLine);
                }
                room = requestLine.substring(roomAt + 5).split("[& ]")[0];
                String key = null;
                for (final String line : head.split("\r\n"))
                {
                    if (line.toLowerCase().startsWith("sec-websocket-key:"))
                    {
                        key = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                synchronized (this)
                {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        "Sec-WebSocket-Accept: " + WsClient.acceptKey(key) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                }
                sendText(OPEN_PACKET);
                while (true)
                {
                    onText(readTextFrame());
                }
            }
            catch (final EOFException ex)
            {
                // the client went away
            }
            catch (final IOException ex)
            {
                if (!socket.isClosed())
                {
                    errors.add(ex.toString());
                }
            }
            finally
            {
                if (null != room)
                {
                    rooms.getOrDefault(room, List.of()).remove(this);
                }
                close();
            }
        }

        private void onText(final String text) throws IOException
        {
            if (text.equals("40"))
            {
                rooms.computeIfAbsent(room, (r) -> new CopyOnWriteArrayList<>()).add(this);
                sendText("40{\"sid\":\"s" + connects.incrementAndGet() + "\"}");
                sendText("2");
            }
            else if (text.equals("3"))
            {
                pongs.incrementAndGet();
            }
            else if (text.startsWith(EVENT_PREFIX) && text.endsWith("]"))
            {
                events.incrementAndGet();
                final String object = text.substring(EVENT_PREFIX.length(), text.length() - 1);
                final String broadcast = EVENT_PREFIX + "{\"type\":\"message\",\"room\":\"" + room + "\",\"data\":" +
                    object + "}]";
                for (final Connection member : rooms.getOrDefault(room, List.of()))
                {
                    try
                    {
                        member.sendText(broadcast);
                    }
                    catch (final IOException ex)
                    {
                        member.close();
                    }
                }
            }
            else
            {
                errors.add("unexpected packet " + text);
            }
        }

        private String readHead() throws IOException
        {
            final ByteArrayOutputStream head = new ByteArrayOutputStream();
            int lastFour = 0;
            while (lastFour != 0x0D0A0D0A)
            {
                final int b = readByte();
                head.write(b);
                lastFour = (lastFour << 8) | b;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        private String readTextFrame() throws IOException
        {
            final int b0 = readByte();
            final int b1 = readByte();
            if ((b0 & 0x0F) != 0x1 || (b0 & 0x80) == 0 || (b1 & 0x80) == 0)
            {
                throw new IOException("expected a final masked text frame, got " + b0 + " " + b1);
            }
            int length = b1 & 0x7F;
            if (length == 126)
            {
                length = (readByte() << 8) | readByte();
            }
            else if (length == 127)
            {
                throw new IOException("frame too long for the fake server");
            }
            final byte[] mask = {(byte)readByte(), (byte)readByte(), (byte)readByte(), (byte)readByte()};
            final byte[] payload = in.readNBytes(length);
            if (payload.length < length)
            {
                throw new EOFException();
            }
            for (int i = 0; i < length; i++)
            {
                payload[i] ^= mask[i & 3];
            }
            return new String(payload, StandardCharsets.UTF_8);
        }

        private int readByte() throws IOException
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException();
            }
            return b;
        }

        void close()
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
        }
    }

    FakeSocketIoServer() throws IOException
    {
        serverSocket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "fake-socketio-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return serverSocket.getLocalPort();
    }

    private void accept()
    {
        while (!serverSocket.isClosed())
        {
            try
            {
                final Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                final Connection connection = new Connection(socket);
                connections.add(connection);
                final Thread reader = new Thread(connection::run, "fake-socketio-connection");
                reader.setDaemon(true);
                reader.start();
            }
            catch (final IOException ex)
            {
                // closed
            }
        }
    }

    public void close() throws IOException
    {
        serverSocket.close();
        for (final Connection connection : connections)
        {
            connection.close();
        }
    }
}
