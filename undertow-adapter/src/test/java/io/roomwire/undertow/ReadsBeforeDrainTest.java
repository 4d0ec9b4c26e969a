package io.roomwire.undertow;

import com.sun.management.UnixOperatingSystemMXBean;
import io.roomwire.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * When more sockets are ready than one select hands over (NIO's epoll selector: 1,024), the I/O loop reads them all
 * before it drains, so the records of every publish are written in one drain: one write per connection. A drain after
 * the first select alone would write the rooms whose members' publishes came in the second select twice.
 */
@Timeout(60)
class ReadsBeforeDrainTest
{
    private static final int MEMBERS = 1_100;
    private static final int ROOMS = MEMBERS / 2;
    private static final int ATTEMPTS = 3;
    private static RoomwireServer server;

    @BeforeAll
    static void start()
    {
        server = TestServers.dev((config) -> config.ioThreads(1).engineOnIoThread(true)
                .maxConnectionsPerIp(MEMBERS + 10),
            new Engine.Context());
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldReadEveryReadySocketBeforeDrainingSoEachConnectionIsWrittenOnce() throws Exception
    {
        assumeTrue(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean &&
            ((UnixOperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount() >=
            4 * MEMBERS, "needs file descriptors for " + MEMBERS + " connections at both ends");

        final List<RawWs> members = new ArrayList<>();
        try
        {
            // member i and member i + ROOMS share a room, so the members sending after the first 1,024 share their
            // rooms with members sending before them
            for (int i = 0; i < MEMBERS; i++)
            {
                final RawWs ws = RawWs.connect(server.port(), "/ws/ready-" + (i % ROOMS), 0);
                ws.awaitType("join", true);
                members.add(ws);
            }
            Thread.sleep(500); // the members' presence records are written

            // A put-off drain waits a millisecond at most for the select it was put off for, so a pause of the I/O
            // thread longer than that (a busy test machine) lets the drain go early: one exact attempt in three is
            // asked for. Without the put-off, every attempt writes the members of the second select's rooms twice.
            final List<Long> writes = Attempts.untilGood(
                ATTEMPTS, (attempt) -> writesForOnePublishEach(members, attempt), (count) -> count == MEMBERS);
            assertTrue(writes.contains((long)MEMBERS), "one write per member; writes in each attempt: " + writes);
        }
        finally
        {
            for (final RawWs ws : members)
            {
                ws.close();
            }
        }
    }

    private static long writesForOnePublishEach(final List<RawWs> members, final int attempt) throws Exception
    {
        final long writesBefore = Http.metric(server, "roomwire_socket_writes_total");

        // hold the I/O thread while every member publishes, so that all of it is ready at the next select
        final IoLoop loop = server.loops().get(0);
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        loop.thread().execute(() ->
        {
            held.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        final String tag = "ready " + attempt + "-";
        try
        {
            for (int i = 0; i < MEMBERS; i++)
            {
                members.get(i).sendText("{\"text\":\"" + tag + i + "\"}");
            }
            Thread.sleep(300);
        }
        finally
        {
            release.countDown();
        }

        for (final RawWs ws : members)
        {
            int received = 0;
            while (received < 2)
            {
                final RawWs.Frame frame = ws.read();
                if (frame.opcode() == RawWs.TEXT && frame.text().contains(tag))
                {
                    received++;
                }
            }
        }
        return Http.metric(server, "roomwire_socket_writes_total") - writesBefore;
    }
}
