package io.roomwire.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RealtimePriority} moves the thread that calls it, and only that one, into {@code SCHED_FIFO}, or says why not.
 */
class RealtimePriorityTest
{
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;

    @Test
    void priorityZeroLeavesTheThreadInTheNormalClass()
    {
        assertEquals("off", RealtimePriority.raiseCurrentThread(0).outcome());
        assertEquals(SCHED_OTHER, currentThreadPolicy());
    }

    @Test
    void raisesTheCallingThreadAndNoOther() throws Exception
    {
        final AtomicReference<String> outcome = new AtomicReference<>();
        final AtomicInteger policy = new AtomicInteger(-1);
        final Thread thread = new Thread(() ->
        {
            outcome.set(RealtimePriority.raiseCurrentThread(1).outcome());
            policy.set(currentThreadPolicy());
        }, "rt-test");
        thread.start();
        thread.join(10_000);

        // Root (as in CI) may raise a thread; elsewhere chrt refuses and the outcome says so.
        if (outcome.get().equals("fifo 1"))
        {
            assertEquals(SCHED_FIFO, policy.get());
        }
        else
        {
            assertTrue(outcome.get().startsWith("not raised: "), outcome.get());
            assertEquals(SCHED_OTHER, policy.get());
        }
        assertEquals(SCHED_OTHER, currentThreadPolicy(), "the test's own thread");
    }

    @Test
    void setsAThreadBackToTheNormalClass() throws Exception
    {
        final AtomicReference<String> outcome = new AtomicReference<>();
        final AtomicInteger policy = new AtomicInteger(-1);
        final Thread thread = new Thread(() ->
        {
            outcome.set(RealtimePriority.set(RealtimePriority.raiseCurrentThread(1).tid(), 0));
            policy.set(currentThreadPolicy());
        }, "rt-test");
        thread.start();
        thread.join(10_000);

        assertEquals("normal", outcome.get());
        assertEquals(SCHED_OTHER, policy.get());
    }

    /**
     * @return the calling thread's policy, field 41 of {@code /proc/thread-self/stat}.
     */
    private static int currentThreadPolicy()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
            // The fields after the command name (in parentheses, may hold spaces) start with field 3.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[41 - 3]);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
