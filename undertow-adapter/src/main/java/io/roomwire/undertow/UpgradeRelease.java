package io.roomwire.undertow;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.ServerConnection;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets go of Undertow's HTTP state for a connection upgraded to WebSocket.
 * <p>
 * Undertow is done with a connection once it upgraded, but learns so only from the connection's close listener, its
 * own, which it sets when the connection opens. Until the connection closes, that listener keeps its per-connection
 * HTTP state reachable: the request parser's state and its string builders, response conduits, the read listener,
 * the upgrade callback and what it captured, a parse-timeout timer, the open listener's entry for the connection
 * (about 1 KB per connection, the largest part of an idle WebSocket's memory). XNIO only ever adds a close listener
 * to the ones set before, so replacing Undertow's takes XNIO's field: when it holds exactly Undertow's listener it
 * is swapped for the endpoint's, and Undertow's close listeners run at once (its set of open connections drops the
 * connection, its timer is cancelled, its connection statistics count the connection closed).
 * <p>
 * Anything else keeps Undertow's behaviour (its state lives until the connection closes, then both listeners run):
 * XNIO without that field, another listener merged in, or bytes the client sent behind its handshake, which wait in
 * a buffer Undertow reads through its own conduit and frees on close.
 * <p>
 * Stateless; call on the connection's I/O thread.
 */
final class UpgradeRelease
{
    private static final Field CLOSE_LISTENER = closeListenerField();

    private UpgradeRelease()
    {
    }

    /**
     * Make {@code onClose} the connection's close listener, releasing Undertow's state when it can.
     *
     * @param http       Undertow's connection of the upgrade.
     * @param connection the upgraded connection.
     * @param onClose    the endpoint's close listener.
     * @return true when Undertow's state was released; false when its listener stays and {@code onClose} was added.
     */
    @SuppressWarnings("unchecked")
    static boolean takeOver(
        final ServerConnection http,
        final StreamConnection connection,
        final ChannelListener<? super StreamConnection> onClose)
    {
        final Object undertowListener = http.getCloseSetter();
        final AtomicReference<Object> closeListener = closeListenerOf(connection);
        if (null != closeListener &&
            undertowListener instanceof ChannelListener &&
            http instanceof AbstractServerConnection &&
            null == ((AbstractServerConnection)http).getExtraBytes() &&
            closeListener.compareAndSet(undertowListener, onClose))
        {
            ((ChannelListener<StreamConnection>)undertowListener).handleEvent(connection);
            return true;
        }

        connection.setCloseListener(onClose);
        return false;
    }

    /**
     * @return whether this XNIO lets Undertow's listener be replaced.
     */
    static boolean isAvailable()
    {
        return null != CLOSE_LISTENER;
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Object> closeListenerOf(final StreamConnection connection)
    {
        try
        {
            return null == CLOSE_LISTENER ? null : (AtomicReference<Object>)CLOSE_LISTENER.get(connection);
        }
        catch (final IllegalAccessException ex)
        {
            return null;
        }
    }

    private static Field closeListenerField()
    {
        try
        {
            final Field field = StreamConnection.class.getDeclaredField("closeListener");
            if (field.getType() != AtomicReference.class)
            {
                return null;
            }
            field.setAccessible(true);
            return field;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
