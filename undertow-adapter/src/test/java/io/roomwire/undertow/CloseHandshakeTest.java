package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A close the server starts (here: past the frame burst, {@code 4030}) ends only when the peer has answered with its
 * own close frame (RFC 6455, 5.5.1), at its end of stream, or by the close's timer: until then the server's output is
 * shut and the peer's frames are read and dropped, so closing never resets a connection whose peer has not yet read
 * the close frame.
 */
@Timeout(30)
class CloseHandshakeTest
{
    private static final int FRAME_BURST = 5;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).frameRate(1).frameBurst(FRAME_BURST),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldWaitForThePeersCloseFrameReadingWhatItSentMeanwhile() throws Exception
    {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "needs /proc/self/fd");
        try (RawWs client = RawWs.connect(server.port(), "/ws/close-handshake", 0))
        {
            client.awaitType("join", true);
            // far past the burst, without reading: the server's close comes while these are still arriving
            for (int i = 0; i < 50 * FRAME_BURST; i++)
            {
                client.sendText("{\"n\":" + i + "}");
            }

            assertEquals(4030, client.awaitClose(null).closeCode(), "the close frame arrives, not a reset");
            assertTrue(client.isEndOfStream(), "the server shuts its output after its close frame");
            final long socketsWhileWaiting = TestServers.openSocketDescriptors();
            Thread.sleep(200);
            assertEquals(socketsWhileWaiting, TestServers.openSocketDescriptors(),
                "the server keeps its end until the peer's close frame");

            client.send(RawWs.FIN | RawWs.CLOSE, new byte[]{0x0F, (byte)0xBE}, true);
            Http.awaitTrue(() -> TestServers.openSocketDescriptors() < socketsWhileWaiting, 5_000,
                () -> "the server did not close its end after the peer's close frame");
        }
    }
}
