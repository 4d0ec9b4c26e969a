package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fan-out that gives each connection a few records per drain reuses the outbound buffers of the last drain: a
 * connection takes a buffer half as large again as its last write, so steady traffic copies nothing into larger
 * buffers, and the pool's once-a-second trim gives back only what a size did not need, so traffic whose drains take
 * three sizes by turns allocates nothing once the pool holds them.
 */
@Timeout(60)
class OutboundBufferReuseTest
{
    private static final int MEMBERS = 20;
    private static final int PAYLOAD_LENGTH = 180;
    private static final String ROOM = "reuse";
    private static RoomwireServer server;
    /** Length on the wire of the last record a burst read back, its frame header included. */
    private static int lastRecordLength;
    /** Number of the next record published. */
    private static int sequence;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).engineOnIoThread(true),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldReuseBuffersForBurstsOfSteadyAndAlternatingSizes() throws Exception
    {
        final List<RawWs> members = new ArrayList<>();
        final IoLoop loop = server.loops().get(0);
        final Gateway[] publisher = new Gateway[1];
        try
        {
            for (int i = 0; i < MEMBERS; i++)
            {
                final RawWs ws = RawWs.connect(server.port(), "/ws/" + ROOM, 256 * 1024);
                ws.awaitType("join", true);
                members.add(ws);
            }
            onIoThread(loop, () -> publisher[0] = server.engine().newGateway());

            // one record's length on the wire decides the burst sizes: after a small burst a connection takes 2 KiB
            // and a large one outgrows it (to 4 KiB); after a large burst it takes 8 KiB
            burst(loop, publisher[0], members, 1);
            final int recordLength = lastRecordLength;
            final int small = 1200 / recordLength;
            final int large = 3000 / recordLength + 1;
            assertTrue(small * recordLength * 3 / 2 < 2048 && large * recordLength > 2048 &&
                large * recordLength < 4096 && large * recordLength * 3 / 2 > 4096,
                "bursts of " + small + " and " + large + " records of " + recordLength + " bytes");

            // steady bursts: after the first, each connection's buffer is as large as its write at once
            burst(loop, publisher[0], members, large);
            burst(loop, publisher[0], members, large);
            final long growthsBefore = Http.metric(server, "roomwire_outbound_buffer_growths_total");
            for (int i = 0; i < 5; i++)
            {
                burst(loop, publisher[0], members, large);
            }
            assertEquals(0, Http.metric(server, "roomwire_outbound_buffer_growths_total") - growthsBefore,
                "steady bursts of " + large + " records grow no buffer");

            // alternating bursts, through more trims of the pool than its window: once it holds both sizes nothing is
            // allocated
            for (int i = 0; i < 4; i++)
            {
                burst(loop, publisher[0], members, 0 == (i & 1) ? small : large);
            }
            final long allocationsBefore = Http.metric(server, "roomwire_outbound_buffers_allocated_total");
            final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(6500);
            int bursts = 0;
            while (System.nanoTime() - endNs < 0)
            {
                burst(loop, publisher[0], members, 0 == (bursts++ & 1) ? small : large);
                Thread.sleep(50);
            }
            assertEquals(0, Http.metric(server, "roomwire_outbound_buffers_allocated_total") - allocationsBefore,
                bursts + " bursts alternating " + small + " and " + large + " records allocate no buffer");
        }
        finally
        {
            if (null != publisher[0])
            {
                onIoThread(loop, () -> publisher[0].close());
            }
            for (final RawWs ws : members)
            {
                ws.close();
            }
        }
    }

    /**
     * Publish {@code count} records on the I/O thread in one task, so they reach every member in one drain, and read
     * them all back.
     */
    private static void burst(final IoLoop loop, final Gateway publisher, final List<RawWs> members, final int count)
        throws Exception
    {
        final int first = sequence;
        sequence += count;
        onIoThread(loop, () ->
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] body = body(first + i);
                if (publisher.serverPublish(ROOM, MessageKind.TEXT, PayloadFormat.JSON, "feed", null,
                    new UnsafeBuffer(body), 0, body.length) < 0)
                {
                    throw new IllegalStateException("publish refused");
                }
            }
        });

        for (final RawWs ws : members)
        {
            int received = 0;
            while (received < count)
            {
                final RawWs.Frame frame = ws.read();
                if (frame.opcode() == RawWs.TEXT && frame.text().contains("\"burst\""))
                {
                    lastRecordLength = frame.text().length() + 2;
                    received++;
                }
            }
        }
    }

    private static byte[] body(final int n)
    {
        final char[] padding = new char[PAYLOAD_LENGTH];
        Arrays.fill(padding, 'x');
        return ("{\"burst\":" + n + ",\"x\":\"" + new String(padding) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    private static void onIoThread(final IoLoop loop, final Runnable task) throws Exception
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.thread().execute(() ->
        {
            try
            {
                task.run();
                done.complete(null);
            }
            catch (final RuntimeException ex)
            {
                done.completeExceptionally(ex);
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }
}
