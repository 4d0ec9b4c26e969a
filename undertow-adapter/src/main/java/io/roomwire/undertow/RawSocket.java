package io.roomwire.undertow;

import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.StreamSinkConduit;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Finds the NIO socket under an upgraded connection's sink, so that a WebSocket endpoint writes it directly.
 * <p>
 * After the upgrade the sink of a plain TCP connection is XNIO's channel over its socket conduit, and each write goes
 * through both (two calls on objects that are cold by the time a connection's turn comes in a round of thousands,
 * and a flush that does nothing) before NIO's socket channel. Writing the socket channel does the same system call:
 * the conduit adds only a write timeout check, which Roomwire does not set. XNIO keeps the socket conduit's class and
 * its accessor package-private, so they are found by reflection once; anything else under the sink (TLS, another
 * XNIO, a conduit added in front) is written through the sink as before.
 * <p>
 * Stateless; thread safe.
 */
final class RawSocket
{
    private static final String NIO_SOCKET_CONDUIT = "org.xnio.nio.NioSocketConduit";
    private static final Method GET_SOCKET_CHANNEL = socketChannelAccessor();

    private RawSocket()
    {
    }

    /**
     * @param sink an upgraded connection's sink channel.
     * @return the socket channel its conduit writes, or null when the conduit is not XNIO's plain socket conduit.
     */
    static SocketChannel of(final ConduitStreamSinkChannel sink)
    {
        final StreamSinkConduit conduit = sink.getConduit();
        if (null == GET_SOCKET_CHANNEL || conduit.getClass() != GET_SOCKET_CHANNEL.getDeclaringClass())
        {
            return null;
        }

        try
        {
            return (SocketChannel)GET_SOCKET_CHANNEL.invoke(conduit);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * @return whether this XNIO lets its socket channels be found.
     */
    static boolean isAvailable()
    {
        return null != GET_SOCKET_CHANNEL;
    }

    private static Method socketChannelAccessor()
    {
        try
        {
            final Method method = Class.forName(NIO_SOCKET_CONDUIT, false, RawSocket.class.getClassLoader())
                .getDeclaredMethod("getSocketChannel");
            if (method.getReturnType() != SocketChannel.class)
            {
                return null;
            }
            method.setAccessible(true);
            return method;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
