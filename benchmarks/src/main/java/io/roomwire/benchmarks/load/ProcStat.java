package io.roomwire.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a process's CPU time and resident set size from Linux's {@code /proc}, for the generator itself
 * ({@code self}) and for the server under test (by pid).
 * <p>
 * Stateless; safe from any thread.
 */
final class ProcStat
{
    /**
     * Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}; 100 on every Linux we run on).
     */
    static final String CLOCK_TICKS_PROP_NAME = "roomwire.load.clk.tck";

    /**
     * Default clock ticks per second.
     */
    static final int CLOCK_TICKS_DEFAULT = 100;

    private static final long NS_PER_TICK =
        1_000_000_000L / Integer.getInteger(CLOCK_TICKS_PROP_NAME, CLOCK_TICKS_DEFAULT);

    /**
     * Key of the context switch count in {@link #threadCpuTimesNs(String)}.
     */
    static final String CONTEXT_SWITCHES = "ctxsw";

    private ProcStat()
    {
    }

    /**
     * @param pid a process id, or {@code self}.
     * @return user plus system CPU time of the process in nanoseconds (tick resolution), or -1 when it cannot be read.
     */
    static long cpuTimeNs(final String pid)
    {
        if (null == pid)
        {
            return -1;
        }
        try
        {
            final String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            final String[] fields = fieldsAfterName(stat);
            final long utime = Long.parseLong(fields[11]);
            final long stime = Long.parseLong(fields[12]);
            return (utime + stime) * NS_PER_TICK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @param pid a process id, or {@code self}.
     * @return {@code VmRSS} of the process in KiB, or -1 when it cannot be read.
     */
    static long rssKb(final String pid)
    {
        if (null == pid)
        {
            return -1;
        }
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", pid, "status"), StandardCharsets.US_ASCII))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
            return -1;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @param pid a process id, or {@code self}.
     * @return read and write system calls of the process so far ({@code syscr}, {@code syscw} of
     * {@code /proc/<pid>/io}: every read, readv, write, writev, sendfile...), or {@code {-1, -1}}.
     */
    static long[] ioSyscalls(final String pid)
    {
        final long[] counts = {-1, -1};
        if (null == pid)
        {
            return counts;
        }
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", pid, "io"), StandardCharsets.US_ASCII))
            {
                if (line.startsWith("syscr:"))
                {
                    counts[0] = Long.parseLong(line.substring(6).trim());
                }
                else if (line.startsWith("syscw:"))
                {
                    counts[1] = Long.parseLong(line.substring(6).trim());
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // counts stay -1
        }
        return counts;
    }

    /**
     * @param stat the text of a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}.
     * @return its fields from field 3 on (index 0 is field 3, the state): the name, field 2, is in parentheses and may
     * hold spaces, so the fields are counted after its last ')'.
     */
    static String[] fieldsAfterName(final String stat)
    {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    /**
     * @param pid a process id, or {@code self}.
     * @return the CPUs it may run on, as the kernel lists them ({@code "0"}, {@code "0-1,4"}), or {@code "?"}.
     */
    static String cpusAllowed(final String pid)
    {
        if (null != pid)
        {
            try
            {
                for (final String line : Files.readAllLines(Path.of("/proc", pid, "status"), StandardCharsets.US_ASCII))
                {
                    if (line.startsWith("Cpus_allowed_list:"))
                    {
                        return line.substring("Cpus_allowed_list:".length()).trim();
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // not Linux, or the process ended
            }
        }
        return "?";
    }

    /**
     * @param list as {@link #cpusAllowed(String)} gives it.
     * @return how many CPUs it names; 0 for {@code "?"} or anything unreadable.
     */
    static int cpuCount(final String list)
    {
        int count = 0;
        try
        {
            for (final String range : list.split(","))
            {
                final String[] ends = range.trim().split("-");
                final int first = Integer.parseInt(ends[0]);
                count += (ends.length > 1 ? Integer.parseInt(ends[1]) : first) - first + 1;
            }
        }
        catch (final RuntimeException ex)
        {
            return 0;
        }
        return count;
    }

    /**
     * @param pid a process id, or {@code self}.
     * @return CPU time in nanoseconds per thread name ({@code comm}, at most 15 characters; threads of the same name
     * summed) and, under {@code "ctxsw"}, the context switches (voluntary and not) of all threads; empty when
     * unreadable.
     */
    static Map<String, Long> threadCpuTimesNs(final String pid)
    {
        final Map<String, Long> byName = new TreeMap<>();
        if (null == pid)
        {
            return byName;
        }
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task")))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    final String[] fields = fieldsAfterName(stat);
                    final long ns = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NS_PER_TICK;
                    byName.merge(name, ns, Long::sum);
                    for (final String line : Files.readAllLines(task.resolve("status"), StandardCharsets.US_ASCII))
                    {
                        if (line.startsWith("voluntary_ctxt_switches:") ||
                            line.startsWith("nonvoluntary_ctxt_switches:"))
                        {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                }
                catch (final IOException | RuntimeException ex)
                {
                    // the thread ended
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return byName;
        }
        byName.put(CONTEXT_SWITCHES, switches);
        return byName;
    }

    /**
     * @param port a local TCP port, the server's.
     * @return sockets on this host with that local port that are established or whose peer has closed and the owner
     * not yet ({@code ESTABLISHED} or {@code CLOSE_WAIT} in {@code /proc/net/tcp} and {@code tcp6}): the server's ends
     * of connections it has not closed; -1 when unreadable.
     */
    static int openServerSockets(final int port)
    {
        final String localPort = String.format(Locale.ROOT, ":%04X", port);
        int open = 0;
        boolean isRead = false;
        for (final String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"})
        {
            try (BufferedReader reader = Files.newBufferedReader(Path.of(table), StandardCharsets.US_ASCII))
            {
                isRead = true;
                reader.readLine(); // the header
                String line;
                while (null != (line = reader.readLine()))
                {
                    // "  sl  local_address rem_address   st ...": the local address ends with its port, then the state
                    final int colon = line.indexOf(':');
                    final int localEnd = line.indexOf(' ', colon + 2);
                    final int stateStart = line.indexOf(' ', localEnd + 1) + 1;
                    if (line.startsWith(localPort, localEnd - localPort.length()) &&
                        (line.startsWith("01", stateStart) || line.startsWith("08", stateStart)))
                    {
                        open++;
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // no such table (no IPv6), or unreadable
            }
        }
        return isRead ? open : -1;
    }

    /**
     * @return the 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them, or {@code "?"}.
     */
    static String loadAverage()
    {
        try
        {
            final String[] fields =
                Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "?";
        }
    }
}
