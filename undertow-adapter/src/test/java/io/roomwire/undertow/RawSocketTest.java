package io.roomwire.undertow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.IoFuture;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.SynchronizedStreamSinkConduit;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket under an XNIO connection is found, and written, only when the sink's conduit is XNIO's own socket
 * conduit: WebSocket endpoints write it directly, so an XNIO that hides it must show here, not as a slower server.
 */
class RawSocketTest
{
    private XnioWorker worker;
    private ServerSocket server;
    private Socket accepted;
    private StreamConnection connection;

    @BeforeEach
    void connect() throws Exception
    {
        worker = Xnio.getInstance().createWorker(OptionMap.EMPTY);
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final IoFuture<StreamConnection> opening = worker.openStreamConnection(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), null, OptionMap.EMPTY);
        accepted = server.accept();
        accepted.setSoTimeout(10_000);
        connection = opening.getInterruptibly();
    }

    @AfterEach
    void close() throws Exception
    {
        connection.close();
        accepted.close();
        server.close();
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldFindTheSocketUnderAPlainXnioConnection() throws Exception
    {
        assertTrue(RawSocket.isAvailable(), "this XNIO's socket conduit has no accessible getSocketChannel()");

        final SocketChannel socket = RawSocket.of(connection.getSinkChannel());

        assertNotNull(socket);
        assertEquals(accepted.getLocalSocketAddress(), socket.getRemoteAddress());
        final byte[] sent = "written past the conduits".getBytes(StandardCharsets.US_ASCII);
        assertEquals(sent.length, socket.write(ByteBuffer.wrap(sent)));
        final InputStream in = accepted.getInputStream();
        assertArrayEquals(sent, in.readNBytes(sent.length));
    }

    @Test
    void shouldNotLookUnderAnotherConduit()
    {
        final StreamSinkConduit wrapped =
            new SynchronizedStreamSinkConduit(connection.getSinkChannel().getConduit(), new Object());

        assertNull(RawSocket.of(new ConduitStreamSinkChannel(connection, wrapped)));
    }
}
