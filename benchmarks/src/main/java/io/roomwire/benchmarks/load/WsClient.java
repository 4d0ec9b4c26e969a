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
 * One client connection of the load generator: a WebSocket client (plain, or carrying Socket.IO) or a Server-Sent
 * Events subscriber. Holds its socket, the state of its handshake, the bytes of a frame cut by the end of a read, a
 * fragmented message being reassembled, an SSE client's {@link SseDecoder}, and the next counter expected from each
 * publisher of its room.
 * <p>
 * Owned by its {@link ReceiverLoop}'s thread, which connects it, reads it, and writes its handshake (or SSE request),
 * pongs and close replies, and a Socket.IO client's namespace connect. A publisher's published frames (and its pongs,
 * handed over by the loop) are written by the {@link Pacer} thread once {@link #isOpen()}; the two threads never write
 * the same connection.
 */
final class WsClient
{
    static final int NEW = 0;
    static final int CONNECTING = 1;
    static final int HANDSHAKE = 2;
    /** A Socket.IO client's WebSocket is open, its namespace connect not yet answered. */
    static final int UPGRADED = 3;
    static final int OPEN = 4;
    static final int CLOSED = 5;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    final int index;
    final int room;
    final int publisher;
    final int rooms;
    final Protocol protocol;
    final byte[] handshakeRequest;
    final String expectedAccept;
    final SseDecoder sse;

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
    String closeReason;

    private volatile int state = NEW;

    /**
     * @param index      of the client, 0..N-1.
     * @param room       index of its room.
     * @param publisher  index of the publisher it is, or -1 for a receiver only.
     * @param rooms      rooms in all: publisher {@code q} is in room {@code q % rooms}, of rank {@code q / rooms}.
     * @param publishersPerRoom publishers in each room (for the per-publisher counters).
     * @param protocol   the client speaks: {@link Protocol#SSE} for a subscriber, else a WebSocket client.
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
        final Protocol protocol,
        final String host,
        final int port,
        final String path)
    {
        this.index = index;
        this.room = room;
        this.publisher = publisher;
        this.rooms = rooms;
        this.protocol = protocol;
        if (protocol.isWebSocket())
        {
            final byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            final String key = Base64.getEncoder().encodeToString(nonce);
            this.expectedAccept = acceptKey(key);
            this.sse = null;
            this.handshakeRequest = ("GET " + path + " HTTP/1.1\r\n" +
                "Host: " + host + ":" + port + "\r\n" +
                "Upgrade: websocket\r\n" +
                "Connection: Upgrade\r\n" +
                "Sec-WebSocket-Key: " + key + "\r\n" +
                "Sec-WebSocket-Version: 13\r\n" +
                "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        else
        {
            this.expectedAccept = null;
            this.sse = new SseDecoder();
            this.handshakeRequest = ("GET " + path + " HTTP/1.1\r\n" +
                "Host: " + host + ":" + port + "\r\n" +
                "Accept: text/event-stream\r\n" +
                "Cache-Control: no-cache\r\n" +
                "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        this.nextCounterByRank = new long[publishersPerRoom];
        Arrays.fill(nextCounterByRank, -1);
    }

    /**
     * @return {@link #NEW}, {@link #CONNECTING}, {@link #HANDSHAKE}, {@link #UPGRADED}, {@link #OPEN} or
     * {@link #CLOSED}; any thread.
     */
    int state()
    {
        return state;
    }

    /**
     * @return true once the client is connected (the WebSocket handshake completed; for Socket.IO the namespace
     * connect was answered; for SSE the response headers said 200) and until the connection closed; any thread.
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
