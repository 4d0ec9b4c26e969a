package io.roomwire.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moves a thread into the real-time {@code SCHED_FIFO} class, or back, with util-linux's {@code chrt} on the thread's
 * kernel id (Java has no call for it); and a whole process (the server under test) but for its JIT compiler threads. The generator's pacer and selector threads raise themselves
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
    /** Field 41 of {@code /proc/<pid>/task/<tid>/stat}, as an index of {@link ProcStat#fieldsAfterName(String)}. */
    private static final int POLICY_FIELD = 41 - 3;

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
        final Ran chrt = run(List.of(
            "chrt", priority > 0 ? "-f" : "-o", "-p", Integer.toString(Math.max(priority, 0)), tid));
        if (null != chrt.failure())
        {
            return chrt.failure();
        }
        return priority > 0 ? "fifo " + priority : "normal";
    }

    /**
     * What became of a command run by {@link #run(List)}.
     *
     * @param output  what it printed, trimmed.
     * @param failure null when it ran and exited with 0, else {@code "not raised: <why>"}.
     */
    private record Ran(String output, String failure)
    {
    }

    /**
     * @param command to start and wait for (at most {@value #CHRT_TIMEOUT_MS} ms).
     * @return its output, and why it failed if it did.
     */
    private static Ran run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(CHRT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                return new Ran(output, "not raised: chrt did not finish");
            }
            return new Ran(output, 0 == process.exitValue() ? null :
                "not raised: chrt exited with " + process.exitValue() + (output.isEmpty() ? "" : " (" + output + ")"));
        }
        catch (final IOException ex)
        {
            return new Ran("", "not raised: " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Ran("", "not raised: interrupted");
        }
    }

    /**
     * Raise every thread of a process to {@code SCHED_FIFO} but its JIT compilers ({@link #isCompilerThread(String)}):
     * a compiler thread at the same real-time priority as the thread whose code it compiles holds that thread's core
     * for a whole compilation (seen: 7-17 ms for Roomwire's I/O thread), while in the normal class it runs in the
     * raised threads' idle time. Threads the process starts later inherit the class of the thread that starts them.
     *
     * @param pid      of the process.
     * @param priority 1-99.
     * @return {@code "fifo <priority>: <n> threads, normal class: <names>"}, with {@code "; not raised: <why>"} for the
     * first that failed.
     */
    static String raiseProcess(final String pid, final int priority)
    {
        final List<String> raise = new ArrayList<>();
        final List<String> kept = new ArrayList<>();
        for (final Path task : tasks(pid))
        {
            final String name = threadName(task);
            if (null == name)
            {
                continue;
            }
            if (isCompilerThread(name))
            {
                kept.add(name);
            }
            else
            {
                raise.add(task.getFileName().toString());
            }
        }
        final String failure = setAll(pid, raise, priority);
        return "fifo " + priority + ": " + realtimeThreadCount(pid) + " threads" +
            (kept.isEmpty() ? "" : ", normal class: " + String.join(", ", kept)) +
            (failure.isEmpty() ? "" : "; " + failure);
    }

    /**
     * Put every real-time thread of a process back in the normal class.
     *
     * @param pid of the process.
     * @return {@code "normal: <n> threads"}, with {@code "; <why>"} for the first that failed.
     */
    static String lowerProcess(final String pid)
    {
        final List<String> lower = new ArrayList<>();
        for (final Path task : tasks(pid))
        {
            if (isRealtime(task))
            {
                lower.add(task.getFileName().toString());
            }
        }
        final String failure = setAll(pid, lower, 0);
        return "normal: " + (lower.size() - realtimeThreadCount(pid)) + " threads" +
            (failure.isEmpty() ? "" : "; " + failure);
    }

    /**
     * Set the class of several threads of a process with one shell that runs {@code chrt} for each: one process start
     * from this JVM instead of one per thread. The generator raising a server's sixteen threads one {@code chrt} start
     * at a time kept its controller busy for long enough, on a core its selector needed at 95%, to show at the start
     * of the step's window.
     *
     * @param pid      of the process the threads belong to.
     * @param tids     kernel ids of its threads.
     * @param priority 1-99, or 0 for the normal class.
     * @return empty when every thread that still exists was set, else {@code "not raised: <why>"} for the first.
     */
    private static String setAll(final String pid, final List<String> tids, final int priority)
    {
        if (tids.isEmpty())
        {
            return "";
        }
        final List<String> command = new ArrayList<>(List.of("sh", "-c",
            "p=$1; shift; for t in \"$@\"; do chrt " + (priority > 0 ? "-f" : "-o") +
                " -p \"$p\" \"$t\" > /dev/null 2>&1 || echo \"$t\"; done", "sh", Integer.toString(priority)));
        command.addAll(tids);
        final Ran shell = run(command);
        if (null != shell.failure())
        {
            return shell.failure();
        }
        final String failed = shell.output();
        for (final String tid : failed.isEmpty() ? new String[0] : failed.split("\\s+"))
        {
            if (Files.exists(Paths.get("/proc", pid, "task", tid)))
            {
                // ask again for this one alone, for chrt's word on why
                final String outcome = set(tid, priority);
                if (outcome.startsWith("not raised: "))
                {
                    return outcome;
                }
            }
        }
        return "";
    }

    /**
     * @param pid of a process.
     * @return how many of its threads are in a real-time class ({@code SCHED_FIFO} or {@code SCHED_RR}).
     */
    static int realtimeThreadCount(final String pid)
    {
        int count = 0;
        for (final Path task : tasks(pid))
        {
            count += isRealtime(task) ? 1 : 0;
        }
        return count;
    }

    /**
     * @param name a thread's {@code comm} (at most 15 characters).
     * @return whether it is a JIT compiler: HotSpot's {@code C1/C2 CompilerThread}s, JavaScriptCore's (Bun) {@code JIT}
     * worklist threads.
     */
    static boolean isCompilerThread(final String name)
    {
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre") || name.startsWith("JIT") ||
            name.contains("Worklist");
    }

    private static List<Path> tasks(final String pid)
    {
        final List<Path> tasks = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Paths.get("/proc", pid, "task")))
        {
            stream.forEach(tasks::add);
        }
        catch (final IOException | RuntimeException ex)
        {
            // the process ended: no threads
        }
        return tasks;
    }

    private static String threadName(final Path task)
    {
        try
        {
            return Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static boolean isRealtime(final Path task)
    {
        try
        {
            final String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            final int policy = Integer.parseInt(ProcStat.fieldsAfterName(stat)[POLICY_FIELD]);
            return 1 == policy || 2 == policy;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }
}
