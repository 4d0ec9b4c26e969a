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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection is written once per drain of its I/O thread, not once per engine duty cycle: with many small rooms
 * under load a drain takes many duty cycles (the engine reads a bounded number of commands in each) and a connection
 * gets a record in several of them, which per-cycle writes sent with one system call each.
 */
@Timeout(30)
class DrainWritesTest
{
    private static final int ROOMS = 10;
    private static final int MEMBERS = 2;
    private static final int PUBLISHES_PER_ROOM = 6;
    private static final int COMMAND_LIMIT = 8;
    private static final int ATTEMPTS = 3;
    private static RoomwireServer server;
    private final List<RawWs> members = new ArrayList<>();

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).engineOnIoThread(true),
            new Engine.Context().commandLimit(COMMAND_LIMIT));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldWriteEachConnectionOnceForRecordsOfManyDutyCyclesInOneDrain() throws Exception
    {
        try
        {
            for (int room = 0; room < ROOMS; room++)
            {
                for (int member = 0; member < MEMBERS; member++)
                {
                    final RawWs ws = RawWs.connect(server.port(), "/ws/drain-" + room, 64 * 1024);
                    ws.awaitType("join", true);
                    members.add(ws);
                }
            }
            Thread.sleep(300); // the members' presence records are written

            // The publishes are offered from this thread while the I/O thread runs the engine, so they may straddle
            // two drains, or more when this machine is busy and this thread is paused between them: one attempt in
            // three must take at most two. Written per duty cycle, every attempt would take about four per member.
            final List<Long> writes = Attempts.untilGood(ATTEMPTS, this::writesForPublishes, this::isAtMostTwoDrains);
            assertTrue(isAtMostTwoDrains(writes.get(writes.size() - 1)),
                "one write per member per drain, one or two drains; writes in each attempt: " + writes);
        }
        finally
        {
            for (final RawWs ws : members)
            {
                ws.close();
            }
        }
    }

    private boolean isAtMostTwoDrains(final long writes)
    {
        return writes >= members.size() && writes <= 2L * members.size();
    }

    private long writesForPublishes(final int attempt) throws Exception
    {
        final long writesBefore = Http.metric(server, "roomwire_socket_writes_total");
        final String tag = "\"drain" + attempt + "\"";

        // round-robin over the rooms, so each member's records are spread over several duty cycles of
        // COMMAND_LIMIT commands: written per duty cycle, that is about four writes per member
        final Gateway publisher = server.engine().newGateway();
        try
        {
            for (int i = 0; i < ROOMS * PUBLISHES_PER_ROOM; i++)
            {
                final byte[] body = ("{" + tag + ":" + i + "}").getBytes(StandardCharsets.US_ASCII);
                while (publisher.serverPublish("drain-" + (i % ROOMS), MessageKind.TEXT, PayloadFormat.JSON, "feed",
                    null, new UnsafeBuffer(body), 0, body.length) < 0)
                {
                    Thread.onSpinWait();
                }
            }

            for (final RawWs ws : members)
            {
                int received = 0;
                while (received < PUBLISHES_PER_ROOM)
                {
                    final RawWs.Frame frame = ws.read();
                    if (frame.opcode() == RawWs.TEXT && frame.text().contains(tag))
                    {
                        received++;
                    }
                }
                assertEquals(PUBLISHES_PER_ROOM, received);
            }
        }
        finally
        {
            publisher.close();
        }
        return Http.metric(server, "roomwire_socket_writes_total") - writesBefore;
    }
}
