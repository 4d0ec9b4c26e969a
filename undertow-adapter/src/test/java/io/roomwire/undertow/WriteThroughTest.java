package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import io.roomwire.engine.Gateway;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When one poll brings a drain's records whole (light load), a connection is written as soon as the gateway moves on
 * from its session, not after every member's copy; a session that then gets more records in the same drain (it is in
 * several busy rooms) waits for the drain's end until its next tick, so it keeps one write per drain.
 */
@Timeout(60)
class WriteThroughTest
{
    private static final int ROOM_A_MEMBERS = 4;
    private static final int ROOM_B_OTHERS = 2;
    private static final int ATTEMPTS = 3;
    private static RoomwireServer server;
    private final List<RawWs> roomA = new ArrayList<>();
    private final List<RawWs> roomB = new ArrayList<>();
    private Gateway publisher;
    private int published;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).engineOnIoThread(true), new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception
    {
        for (int i = 0; i < ROOM_A_MEMBERS; i++)
        {
            final RawWs ws = RawWs.connect(server.port(), "/ws/wt-a", 64 * 1024);
            ws.awaitType("join", true);
            roomA.add(ws);
        }
        // the first member of room a is in room b too
        roomA.get(0).sendText("{\"type\":\"join\",\"id\":\"j\",\"room\":\"wt-b\"}");
        roomA.get(0).awaitType("join", true);
        roomB.add(roomA.get(0));
        for (int i = 0; i < ROOM_B_OTHERS; i++)
        {
            final RawWs ws = RawWs.connect(server.port(), "/ws/wt-b", 64 * 1024);
            ws.awaitType("join", true);
            roomB.add(ws);
        }
        publisher = server.engine().newGateway();
        Thread.sleep(300); // the members' presence records are written
    }

    @AfterEach
    void close() throws Exception
    {
        publisher.close();
        for (final RawWs ws : roomA)
        {
            ws.close();
        }
        for (int i = 1; i < roomB.size(); i++)
        {
            roomB.get(i).close();
        }
    }

    @Test
    void shouldWriteEachMemberAsSoonAsTheGatewayMovesOnToTheNext() throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            final long writesBefore = Http.metric(server, "roomwire_socket_writes_total");
            final long throughBefore = Http.metric(server, "roomwire_socket_writes_through_total");
            awaitDelivered(roomA, publish("wt-a"));

            assertEquals(ROOM_A_MEMBERS, Http.metric(server, "roomwire_socket_writes_total") - writesBefore,
                "one write per member");
            assertEquals(ROOM_A_MEMBERS - 1, Http.metric(server, "roomwire_socket_writes_through_total") - throughBefore,
                "all but the last member written before the drain's end");
        }
    }

    @Test
    void shouldWriteASessionInTwoBusyRoomsOncePerDrainUntilItsNextTick() throws Exception
    {
        // Each pair of publishes (to room a and room b, one each) lands in one duty cycle of the engine unless this
        // thread is paused between them, and the member in both rooms is ticked once a second, which may fall between
        // the first two pairs: one attempt in three must show the pattern.
        final int members = ROOM_A_MEMBERS + ROOM_B_OTHERS;
        final List<Long> attempts = Attempts.untilGood(ATTEMPTS, (attempt) ->
        {
            Thread.sleep(1_100); // a tick since the last attempt
            final long first = writesForPair();
            final long second = writesForPair();
            Thread.sleep(1_100);
            final long afterTick = writesForPair();
            return first * 10_000 + second * 100 + afterTick;
        }, (writes) -> writes == (members + 1) * 10_000L + members * 100L + (members + 1));

        final long last = attempts.get(attempts.size() - 1);
        assertTrue(last == (members + 1) * 10_000L + members * 100L + (members + 1),
            "writes for three pairs, as first/second/after-a-tick (2 digits each): the member in both rooms written " +
            "through once then once at the drain's end, then once per drain, then through again: " + attempts);
    }

    private long writesForPair() throws Exception
    {
        final long writesBefore = Http.metric(server, "roomwire_socket_writes_total");
        final String tagA = publish("wt-a");
        final String tagB = publish("wt-b");
        awaitDelivered(roomA.get(0), tagA, tagB);
        for (int i = 1; i < roomA.size(); i++)
        {
            awaitDelivered(roomA.get(i), tagA);
        }
        for (int i = 1; i < roomB.size(); i++)
        {
            awaitDelivered(roomB.get(i), tagB);
        }
        return Http.metric(server, "roomwire_socket_writes_total") - writesBefore;
    }

    private String publish(final String room)
    {
        final String tag = "\"wt" + published++ + "\"";
        final byte[] body = ("{" + tag + ":1}").getBytes(StandardCharsets.US_ASCII);
        while (publisher.serverPublish(room, MessageKind.TEXT, PayloadFormat.JSON, "feed", null,
            new UnsafeBuffer(body), 0, body.length) < 0)
        {
            Thread.onSpinWait();
        }
        return tag;
    }

    private static void awaitDelivered(final List<RawWs> members, final String tag) throws Exception
    {
        for (final RawWs ws : members)
        {
            awaitDelivered(ws, tag);
        }
    }

    private static void awaitDelivered(final RawWs ws, final String... tags) throws Exception
    {
        final List<String> waiting = new ArrayList<>(List.of(tags));
        while (!waiting.isEmpty())
        {
            final RawWs.Frame frame = ws.read();
            if (frame.opcode() == RawWs.TEXT)
            {
                final String text = frame.text();
                waiting.removeIf(text::contains);
            }
        }
    }
}
