package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain socket, for what the JDK's client will not do: invalid UTF-8, unmasked or
 * fragmented frames, never answering pings, never reading. The handshake is written by hand; frames are read and
 * written one at a time on the calling thread.
 * <p>
 * Not thread safe.
 */
final class RawWs implements AutoCloseable
{
    static final int FIN = 0x80;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /**
     * A frame from the server.
     *
     * @param isFinal whether the FIN bit is set.
     * @param opcode  of the frame.
     * @param payload of the frame.
     */
    record Frame(boolean isFinal, int opcode, byte[] payload)
    {
        String text()
        {
            return new String(payload, StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException
        {
            return WsClient.MAPPER.readTree(payload);
        }

        int closeCode()
        {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String closeReason()
        {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final int status;
    final String head;
    final byte[] body;

    private RawWs(final Socket socket, final int status, final String head, final byte[] body) throws IOException
    {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
        this.head = head;
        this.body = body;
    }

    /**
     * Connect and complete (or fail) the handshake.
     *
     * @param port               of the server on 127.0.0.1.
     * @param target             path and query, e.g. {@code /ws/room}.
     * @param receiveBufferBytes socket receive buffer, or 0 for the default.
     * @param headers            extra request header lines, e.g. {@code Origin: https://evil.example}.
     * @return the client; {@link #status} is 101 when upgraded.
     * @throws IOException when the connection fails.
     */
    static RawWs connect(final int port, final String target, final int receiveBufferBytes, final String... headers)
        throws IOException
    {
        return connectFrom("127.0.0.1", port, target, receiveBufferBytes, headers);
    }

    /**
     * Connect from a given local address (any of 127.0.0.0/8 on Linux, for a per-address limit of its own) and
     * complete (or fail) the handshake.
     *
     * @param localAddress       to connect from.
     * @param port               of the server on 127.0.0.1.
     * @param target             path and query.
     * @param receiveBufferBytes socket receive buffer, or 0 for the default.
     * @param headers            extra request header lines.
     * @return the client.
     * @throws IOException when the connection fails.
     */
    static RawWs connectFrom(
        final String localAddress,
        final int port,
        final String target,
        final int receiveBufferBytes,
        final String... headers)
        throws IOException
    {
        return connect(localAddress, port, target, receiveBufferBytes, new byte[0], headers);
    }

    /**
     * Connect, sending bytes right behind the handshake request in the same write, before the server answered (a
     * client may send its first frames without waiting for the {@code 101}).
     *
     * @param port   of the server on 127.0.0.1.
     * @param target path and query.
     * @param early  bytes sent with the request, e.g. a {@link #frame(int, byte[], boolean)}.
     * @return the client.
     * @throws IOException when the connection fails.
     */
    static RawWs connectWithEarlyBytes(final int port, final String target, final byte[] early) throws IOException
    {
        return connect("127.0.0.1", port, target, 0, early);
    }

    private static RawWs connect(
        final String localAddress,
        final int port,
        final String target,
        final int receiveBufferBytes,
        final byte[] early,
        final String... headers)
        throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);

        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        final StringBuilder request = new StringBuilder()
            .append("GET ").append(target).append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:").append(port).append("\r\n")
            .append("Upgrade: websocket\r\n")
            .append("Connection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
        for (final String header : headers)
        {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        final byte[] requestBytes = request.toString().getBytes(StandardCharsets.US_ASCII);
        final byte[] bytes = Arrays.copyOf(requestBytes, requestBytes.length + early.length);
        System.arraycopy(early, 0, bytes, requestBytes.length, early.length);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();

        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException("connection closed during the handshake: " + headBytes);
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        final String head = headBytes.toString(StandardCharsets.US_ASCII);
        final int status = Integer.parseInt(head.substring(9, 12));
        byte[] body = new byte[0];
        if (status != 101)
        {
            final int contentLength = contentLength(head);
            if (contentLength > 0)
            {
                body = new byte[contentLength];
                in.readFully(body);
            }
        }

        return new RawWs(socket, status, head, body);
    }

    private static int contentLength(final String head)
    {
        for (final String line : head.split("\r\n"))
        {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
            {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    /**
     * @param name of a response header, any case.
     * @return its value, or null.
     */
    String header(final String name)
    {
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * @return the body of a refused handshake as JSON.
     */
    JsonNode bodyJson() throws IOException
    {
        return WsClient.MAPPER.readTree(body);
    }

    /**
     * Write one frame.
     *
     * @param firstByte FIN bit and opcode.
     * @param payload   bytes.
     * @param isMasked  whether to mask it, as a client must.
     */
    void send(final int firstByte, final byte[] payload, final boolean isMasked) throws IOException
    {
        out.write(frame(firstByte, payload, isMasked));
        out.flush();
    }

    /**
     * @return one frame's bytes.
     */
    static byte[] frame(final int firstByte, final byte[] payload, final boolean isMasked)
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(firstByte);
        final int maskBit = isMasked ? 0x80 : 0;
        if (payload.length <= 125)
        {
            frame.write(maskBit | payload.length);
        }
        else if (payload.length <= 0xFFFF)
        {
            frame.write(maskBit | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        }
        else
        {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)((long)payload.length >> shift));
            }
        }
        if (isMasked)
        {
            final byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++)
            {
                frame.write(payload[i] ^ mask[i & 3]);
            }
        }
        else
        {
            frame.writeBytes(payload);
        }
        return frame.toByteArray();
    }

    void sendText(final String text) throws IOException
    {
        send(FIN | TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Read one frame, waiting up to the socket timeout.
     *
     * @return the frame.
     * @throws IOException on end of stream or timeout.
     */
    Frame read() throws IOException
    {
        final int b0 = in.readUnsignedByte();
        final int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126)
        {
            length = in.readUnsignedShort();
        }
        else if (length == 127)
        {
            length = in.readLong();
        }
        if ((b1 & 0x80) != 0)
        {
            throw new IOException("server frame is masked");
        }
        final byte[] payload = new byte[(int)length];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /**
     * Read frames until a text frame matching a JSON type arrives; pings are answered when asked.
     *
     * @param type          JSON {@code type} to wait for.
     * @param isAnsweringPings whether to answer pings with pongs.
     * @return the message.
     */
    JsonNode awaitType(final String type, final boolean isAnsweringPings) throws IOException
    {
        final List<String> seen = new ArrayList<>();
        while (true)
        {
            final Frame frame = read();
            if (frame.opcode() == PING && isAnsweringPings)
            {
                send(FIN | PONG, frame.payload(), true);
            }
            else if (frame.opcode() == TEXT)
            {
                final JsonNode json = frame.json();
                if (type.equals(json.path("type").asText()))
                {
                    return json;
                }
                seen.add(frame.text());
            }
            else if (frame.opcode() == CLOSE)
            {
                throw new AssertionError("closed " + frame.closeCode() + " " + frame.closeReason() + "; seen " + seen);
            }
        }
    }

    /**
     * Read frames until the close frame, keeping the text frames.
     *
     * @param texts receives the text frames read before the close; may be null.
     * @return the close frame.
     */
    Frame awaitClose(final List<String> texts) throws IOException
    {
        while (true)
        {
            final Frame frame = read();
            if (frame.opcode() == CLOSE)
            {
                return frame;
            }
            if (frame.opcode() == TEXT && null != texts)
            {
                texts.add(frame.text());
            }
        }
    }

    /**
     * @return true when the server closed the TCP connection (end of stream) within the socket timeout.
     */
    boolean isEndOfStream()
    {
        try
        {
            while (true)
            {
                if (in.read() < 0)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing either way
        }
    }
}
