package io.roomwire.undertow;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomwire.engine.Engine;
import io.roomwire.engine.EngineCounters;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A receiver that pauses reading while its room is busy is held back in the room's log, not cut loose, as long as it
 * stays within the engine's budget; when it reads again it gets every record in order, even though the room has
 * gone quiet meanwhile (nothing new is published to wake its I/O thread).
 */
@Timeout(30)
class SlowReaderTest
{
    private static final int RECORDS = 400;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).outboundLength(64 * 1024),
            new Engine.Context()
                .outboundRecords(100_000)
                .outboundLength(2 * 1024 * 1024)
                .historyRecords(RECORDS + 100)
                .historyLength(8 * 1024 * 1024));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldDeliverEveryHeldBackRecordOnceTheReaderReadsAgainInAQuietRoom() throws Exception
    {
        try (RawWs reader = RawWs.connect(server.port(), "/ws/quiet", 4096))
        {
            final long from = reader.awaitType("join", true).path("data").path("from").asLong();
            final Gateway publisher = server.engine().newGateway();
            final byte[] body = ("{\"n\":0,\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.US_ASCII);
            final UnsafeBuffer payload = new UnsafeBuffer(body);
            for (int i = 0; i < RECORDS; i++)
            {
                while (publisher.serverPublish("quiet", MessageKind.TEXT, PayloadFormat.JSON, "feed", null, payload, 0,
                    body.length) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            publisher.close();
            Thread.sleep(500);

            long expected = from;
            while (expected < from + RECORDS)
            {
                final RawWs.Frame frame = reader.read();
                if (frame.opcode() == RawWs.TEXT)
                {
                    final JsonNode json = frame.json();
                    if (json.has("seq"))
                    {
                        assertEquals(expected, json.path("seq").asLong(), "in order, no gap");
                        expected++;
                    }
                }
                else if (frame.opcode() == RawWs.CLOSE)
                {
                    throw new AssertionError("closed " + frame.closeCode() + " " + frame.closeReason());
                }
            }
            assertEquals(0, server.engine().engineCounters().total(EngineCounters.GatewayCounter.LAGGING_CUTS));
        }
    }
}
