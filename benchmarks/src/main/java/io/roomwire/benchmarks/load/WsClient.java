package io.roomwire.benchmarks.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket client connection of the load generator: its socket, the state of its handshake, the bytes of a
 * frame cut by the end of a read, a fragmented message being reassembled, and the next counter expected from each
 * publisher of its room.
 * <p>
 * Owned by its {@link ReceiverLoop}'s thread, which connects it, reads it, and writes its handshake, pongs and close
 * replies. A publisher's published frames (and its pongs, handed over by the loop) are written by the {@link Pacer}
 * thread once {@link #isOpen()}; the two threads never write the same connection.
 */
final class WsClient
{
    static final int NEW = 0;
    static final int CONNECTING = 1;
    static final int HANDSHAKE = 2;
    static final int OPEN = 3;
    static final int CLOSED = 4;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    final int index;
    final int room;
    final int publisher;
    final int rooms;
    final byte[] handshakeRequest;
    final String expectedAccept;

    SocketChannel channel;
    SelectionKey key;
    byte[] pending = new byte[256];
    int pendingLength;
    byte[] fragments;
    int fragmentLength;
    int fragmentOpcode = -1;
    ByteBuffer controlOut;
    final long[] nextCounterByRank;
    boolean hasSeenProbe;
    String failure;

    private volatile int state = NEW;

    /**
     * @param index      of the client, 0..N-1.
     * @param room       index of its room.
     * @param publisher  index of the publisher it is, or -1 for a receiver only.
     * @param rooms      rooms in all: publisher {@code q} is in room {@code q % rooms}, of rank {@code q / rooms}.
     * @param publishersPerRoom publishers in each room (for the per-publisher counters).
     * @param host       server host, for the {@code Host} header.
     * @param port       server port.
     * @param path       request path and query.
     */
    WsClient(
        final int index,
        final int room,
        final int publisher,
        final int rooms,
        final int publishersPerRoom,
        final String host,
        final int port,
        final String path)
    {
        this.index = index;
        this.room = room;
        this.publisher = publisher;
        this.rooms = rooms;
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        final String key = Base64.getEncoder().encodeToString(nonce);
        this.expectedAccept = acceptKey(key);
        this.handshakeRequest = ("GET " + path + " HTTP/1.1\r\n" +
            "Host: " + host + ":" + port + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + key + "\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.nextCounterByRank = new long[publishersPerRoom];
        Arrays.fill(nextCounterByRank, -1);
    }

    /**
     * @return {@link #NEW}, {@link #CONNECTING}, {@link #HANDSHAKE}, {@link #OPEN} or {@link #CLOSED}; any thread.
     */
    int state()
    {
        return state;
    }

    /**
     * @return true once the handshake completed and until the connection closed; any thread.
     */
    boolean isOpen()
    {
        return state == OPEN;
    }

    void state(final int state)
    {
        this.state = state;
    }

    boolean isPublisher()
    {
        return publisher >= 0;
    }

    /**
     * Keep bytes of a frame (or handshake answer) cut by the end of a read.
     */
    void keepPending(final byte[] src, final int offset, final int length)
    {
        if (pending.length < length)
        {
            pending = new byte[Math.max(length, pending.length * 2)];
        }
        System.arraycopy(src, offset, pending, 0, length);
        pendingLength = length;
    }

    /**
     * Append a fragment of a message being reassembled.
     */
    void appendFragment(final byte[] src, final int offset, final int length)
    {
        if (null == fragments)
        {
            fragments = new byte[Math.max(1024, length)];
        }
        if (fragments.length < fragmentLength + length)
        {
            fragments = Arrays.copyOf(fragments, Math.max(fragmentLength + length, fragments.length * 2));
        }
        System.arraycopy(src, offset, fragments, fragmentLength, length);
        fragmentLength += length;
    }

    static String acceptKey(final String key)
    {
        try
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is required by the JDK", ex);
        }
    }
}
