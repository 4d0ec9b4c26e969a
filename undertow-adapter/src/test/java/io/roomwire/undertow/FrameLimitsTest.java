package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket frame limits, each at the limit and just past it: message length, UTF-8, masking, fragmentation, and the
 * inbound frame rate.
 */
@Timeout(30)
class FrameLimitsTest
{
    private static final int MAX_MESSAGE_LENGTH = 64 * 1024;
    private static final int FRAME_RATE = 10;
    private static final int FRAME_BURST = 20;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(2)
                .maxMessageLength(MAX_MESSAGE_LENGTH).frameRate(FRAME_RATE).frameBurst(FRAME_BURST),
            new Engine.Context().maxPayloadLength(MAX_MESSAGE_LENGTH).publishBurst(100));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String objectOfLength(final int length)
    {
        final StringBuilder json = new StringBuilder(length).append("{\"pad\":\"");
        while (json.length() < length - 2)
        {
            json.append('x');
        }
        return json.append("\"}").toString();
    }

    @Test
    void shouldAcceptATextFrameOfExactlyTheLimit() throws Exception
    {
        final String json = objectOfLength(MAX_MESSAGE_LENGTH);
        assertEquals(MAX_MESSAGE_LENGTH, json.getBytes(StandardCharsets.UTF_8).length);
        try (WsClient client = WsClient.connect(Http.ws(server, "/ws/lim-size")))
        {
            client.awaitType("join");
            client.send(json);
            final JsonNode message = client.awaitType("message");
            assertEquals(MAX_MESSAGE_LENGTH - 10, message.path("data").path("pad").asText().length());
            assertFalse(client.isClosed());
        }
    }

    @Test
    void shouldCloseWith1009OneBytePastTheLimit() throws Exception
    {
        try (WsClient client = WsClient.connect(Http.ws(server, "/ws/lim-size")))
        {
            client.awaitType("join");
            client.send(objectOfLength(MAX_MESSAGE_LENGTH + 1));
            assertEquals(1009, client.awaitClose());
        }
    }

    @Test
    void shouldCloseWith1009WhenTheFramesOfAMessageAddUpToOneBytePastTheLimit() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-size", 0))
        {
            raw.awaitType("join", true);
            final byte[] message = objectOfLength(MAX_MESSAGE_LENGTH + 1).getBytes(StandardCharsets.UTF_8);
            final int half = message.length / 2;
            raw.send(RawWs.TEXT, java.util.Arrays.copyOfRange(message, 0, half), true);
            raw.send(RawWs.FIN | RawWs.CONTINUATION, java.util.Arrays.copyOfRange(message, half, message.length), true);
            assertEquals(1009, raw.awaitClose(null).closeCode());
        }
    }

    @Test
    void shouldCloseWith1007OnATextFrameThatIsNotUtf8() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-utf8", 0))
        {
            assertEquals(101, raw.status, raw.head);
            raw.awaitType("join", true);
            final byte[] bad = { '{', '"', 't', '"', ':', '"', (byte)0xC3, (byte)0x28, '"', '}' };
            raw.send(RawWs.FIN | RawWs.TEXT, bad, true);
            assertEquals(1007, raw.awaitClose(null).closeCode());
            assertTrue(raw.isEndOfStream());
        }
    }

    @Test
    void shouldCloseWith1002OnAnUnmaskedFrame() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-mask", 0))
        {
            raw.awaitType("join", true);
            raw.send(RawWs.FIN | RawWs.TEXT, "{\"text\":\"unmasked\"}".getBytes(StandardCharsets.UTF_8), false);
            assertEquals(1002, raw.awaitClose(null).closeCode());
        }
    }

    @Test
    void shouldReassembleAFragmentedMessageWithAPingBetweenItsFrames() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-frag", 0))
        {
            raw.awaitType("join", true);
            raw.send(RawWs.TEXT, "{\"text\":\"frag".getBytes(StandardCharsets.UTF_8), true);
            raw.send(RawWs.FIN | RawWs.PING, "p".getBytes(StandardCharsets.UTF_8), true);
            raw.send(RawWs.CONTINUATION, "men".getBytes(StandardCharsets.UTF_8), true);
            raw.send(RawWs.FIN | RawWs.CONTINUATION, "ted\"}".getBytes(StandardCharsets.UTF_8), true);

            boolean isPonged = false;
            JsonNode message = null;
            while (null == message)
            {
                final RawWs.Frame frame = raw.read();
                if (frame.opcode() == RawWs.PONG)
                {
                    assertEquals("p", frame.text());
                    isPonged = true;
                }
                else if (frame.opcode() == RawWs.TEXT && frame.json().path("type").asText().equals("message"))
                {
                    message = frame.json();
                }
                assertFalse(frame.opcode() == RawWs.CLOSE, frame.closeCode() + " " + frame.closeReason());
            }
            assertTrue(isPonged, "the ping between fragments is answered before the message completes");
            assertEquals("fragmented", message.path("data").path("text").asText());
        }
    }

    @Test
    void shouldReadAFrameSplitAcrossTcpSegments() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-split", 0))
        {
            raw.awaitType("join", true);
            final byte[] frame = RawWs.frame(RawWs.FIN | RawWs.TEXT, objectOfLength(3000).getBytes(StandardCharsets.UTF_8),
                true);
            raw.out.write(frame, 0, 1);
            raw.out.flush();
            Thread.sleep(20);
            raw.out.write(frame, 1, 1000);
            raw.out.flush();
            Thread.sleep(20);
            raw.out.write(frame, 1001, frame.length - 1001);
            raw.out.flush();
            assertEquals(2990, raw.awaitType("message", true).path("data").path("pad").asText().length());
        }
    }

    @Test
    void shouldAllowABurstOfFramesAtTheLimit() throws Exception
    {
        try (WsClient client = WsClient.connect(Http.ws(server, "/ws/lim-rate")))
        {
            client.awaitType("join");
            for (int i = 0; i < FRAME_BURST; i++)
            {
                client.send("{\"n\":" + i + "}");
            }
            for (int i = 0; i < FRAME_BURST; i++)
            {
                assertEquals(i, client.awaitType("message").path("data").path("n").asInt());
            }
            assertFalse(client.isClosed());
        }
    }

    @Test
    void shouldCountPingsAgainstTheFrameRate() throws Exception
    {
        try (RawWs raw = RawWs.connect(server.port(), "/ws/lim-ping", 0))
        {
            raw.awaitType("join", true);
            final byte[] pings = new byte[(FRAME_BURST + 5) * 6];
            for (int i = 0; i < FRAME_BURST + 5; i++)
            {
                System.arraycopy(RawWs.frame(RawWs.FIN | RawWs.PING, new byte[0], true), 0, pings, i * 6, 6);
            }
            raw.out.write(pings);
            raw.out.flush();

            int pongs = 0;
            RawWs.Frame frame;
            while ((frame = raw.read()).opcode() != RawWs.CLOSE)
            {
                pongs += frame.opcode() == RawWs.PONG ? 1 : 0;
            }
            assertEquals(4030, frame.closeCode());
            assertEquals(FRAME_BURST, pongs, "a pong for each ping within the burst");
        }
    }

    @Test
    void shouldCloseWith4030PastTheBurst() throws Exception
    {
        try (WsClient client = WsClient.connect(Http.ws(server, "/ws/lim-rate")))
        {
            client.awaitType("join");
            final List<Exception> failures = new ArrayList<>();
            for (int i = 0; i < FRAME_BURST + 5; i++)
            {
                try
                {
                    client.send("{\"n\":" + i + "}");
                }
                catch (final Exception ex)
                {
                    failures.add(ex);
                }
            }
            assertEquals(4030, client.awaitClose());
            assertEquals("rate_limited", client.closeReason);
        }
    }
}
