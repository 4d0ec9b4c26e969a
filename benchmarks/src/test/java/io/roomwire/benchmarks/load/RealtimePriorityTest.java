package io.roomwire.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RealtimePriority} moves the thread that calls it, and only that one, into {@code SCHED_FIFO}, or says why not;
 * and a whole process but for its JIT compilers, and back.
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

    @Test
    void raisesEveryThreadOfAProcessButItsJitCompilersAndLowersThemAgain() throws Exception
    {
        final Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Sleeper.class.getName())
            .redirectErrorStream(true)
            .start();
        try
        {
            final BufferedReader output =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(Sleeper.READY, output.readLine());
            final String pid = Long.toString(child.pid());

            final String outcome = RealtimePriority.raiseProcess(pid, 1);
            int raised = 0;
            int compilers = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task")))
            {
                for (final Path task : tasks)
                {
                    final String name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
                    final int policy = policy(task.resolve("stat"));
                    if (RealtimePriority.isCompilerThread(name))
                    {
                        compilers++;
                        assertEquals(SCHED_OTHER, policy, name);
                    }
                    else if (SCHED_FIFO == policy)
                    {
                        raised++;
                    }
                }
            }
            assertTrue(compilers > 0, "a JVM has C1/C2 compiler threads: " + outcome);
            if (outcome.contains("not raised: "))
            {
                // Without the right to raise (not root), every thread stays in the normal class.
                assertEquals(0, raised, outcome);
            }
            else
            {
                assertTrue(raised > 1 && outcome.startsWith("fifo 1: " + raised + " threads, normal class: C"),
                    raised + " " + outcome);
            }

            assertEquals("normal: " + raised + " threads", RealtimePriority.lowerProcess(pid));
            assertEquals(0, RealtimePriority.realtimeThreadCount(pid));
        }
        finally
        {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void knowsTheJitCompilerThreadsByName()
    {
        assertTrue(RealtimePriority.isCompilerThread("C2 CompilerThre"));
        assertTrue(RealtimePriority.isCompilerThread("C1 CompilerThre"));
        assertTrue(RealtimePriority.isCompilerThread("JITWorker"));
        assertTrue(RealtimePriority.isCompilerThread("DFGWorklist"));
        assertFalse(RealtimePriority.isCompilerThread("XNIO-1 I/O-1"));
        assertFalse(RealtimePriority.isCompilerThread("GC Thread#0"));
        assertFalse(RealtimePriority.isCompilerThread("node"));
    }

    /**
     * A JVM that says it is up and waits to be ended.
     */
    public static final class Sleeper
    {
        static final String READY = "ready";

        /**
         * @param args ignored.
         * @throws InterruptedException when ended.
         */
        public static void main(final String[] args) throws InterruptedException
        {
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(1));
        }
    }

    /**
     * @param stat a thread's {@code /proc/.../stat}.
     * @return its policy, field 41 (the fields after the name, in parentheses and maybe with spaces, start at 3).
     */
    private static int policy(final Path stat) throws IOException
    {
        final String text = Files.readString(stat, StandardCharsets.US_ASCII);
        return Integer.parseInt(text.substring(text.lastIndexOf(')') + 2).split(" ")[41 - 3]);
    }

    /**
     * @return the calling thread's policy.
     */
    private static int currentThreadPolicy()
    {
        try
        {
            return policy(Path.of("/proc/thread-self/stat"));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
