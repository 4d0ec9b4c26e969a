package io.roomwire.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Moves a thread of this process into the real-time {@code SCHED_FIFO} class, or back, with util-linux's {@code chrt}
 * on the thread's kernel id (Java has no call for it). The generator's pacer and selector threads raise themselves
 * when {@link LoadGenerator#RT_PRIORITY_PROP_NAME} is set, for the reason {@code benchmarks/run.sh} raises the
 * servers: on a shared machine a housekeeping task of higher weight (this sandbox's agent, at nice -10, every ~1.05 s
 * for 10-18 ms under load) otherwise preempts the thread that should read or send on time, and the latency measured
 * is the housekeeping's. A {@code SCHED_FIFO} thread is preempted only by a higher real-time priority.
 * <p>
 * Needs the right to raise priority (root, or {@code CAP_SYS_NICE}); without it the thread stays where it was and
 * the outcome says why.
 * <p>
 * Stateless: any thread may call it.
 */
final class RealtimePriority
{
    private static final long CHRT_TIMEOUT_MS = 5_000;

    /**
     * What became of a thread that asked to be raised: its kernel id (null when unknown) and the outcome.
     *
     * @param tid     for {@link #set(String, int)} later.
     * @param outcome {@code "fifo <priority>"}, {@code "off"} or {@code "not raised: <why>"}.
     */
    record Raised(String tid, String outcome)
    {
        /** Before the thread ran. */
        static final Raised NOT_STARTED = new Raised(null, "not started");
    }

    private RealtimePriority()
    {
    }

    /**
     * Put the calling thread in {@code SCHED_FIFO} at {@code priority}.
     *
     * @param priority 1-99; 0 or less leaves the thread as it is.
     * @return the thread's id and {@code "fifo <priority>"} when done, {@code "off"} for priority 0, else
     * {@code "not raised: <why>"}.
     */
    static Raised raiseCurrentThread(final int priority)
    {
        final String tid = currentThreadId();
        if (priority <= 0)
        {
            return new Raised(tid, "off");
        }
        return new Raised(tid, null == tid ? "not raised: no /proc/thread-self" : set(tid, priority));
    }

    /**
     * @return the kernel's id of the calling thread, or null where {@code /proc/thread-self} cannot be read.
     */
    static String currentThreadId()
    {
        try
        {
            // /proc/thread-self links to <pid>/task/<tid> of the thread that reads it.
            return Files.readSymbolicLink(Paths.get("/proc/thread-self")).getFileName().toString();
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return null;
        }
    }

    /**
     * Move a thread of this process into {@code SCHED_FIFO} at {@code priority}, or back to the normal class.
     *
     * @param tid      the kernel's id of the thread ({@link #currentThreadId()} on it).
     * @param priority 1-99, or 0 for the normal class ({@code SCHED_OTHER}).
     * @return {@code "fifo <priority>"} or {@code "normal"} when done, else {@code "not raised: <why>"}.
     */
    static String set(final String tid, final int priority)
    {
        try
        {
            final Process chrt = new ProcessBuilder(
                "chrt", priority > 0 ? "-f" : "-o", "-p", Integer.toString(Math.max(priority, 0)), tid)
                .redirectErrorStream(true)
                .start();
            final String output = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!chrt.waitFor(CHRT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                chrt.destroyForcibly();
                return "not raised: chrt did not finish";
            }
            if (0 != chrt.exitValue())
            {
                return "not raised: chrt exited with " + chrt.exitValue() + (output.isEmpty() ? "" : " (" + output + ")");
            }
            return priority > 0 ? "fifo " + priority : "normal";
        }
        catch (final IOException ex)
        {
            return "not raised: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "not raised: interrupted";
        }
    }
}
