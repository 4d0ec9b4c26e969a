package io.roomwire.benchmarks.load;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording's stack samples the way {@code jfr view hot-methods} does in later JDKs, which JDK 17
 * lacks: for Java samples ({@code jdk.ExecutionSample}) and native samples ({@code jdk.NativeMethodSample}, threads in
 * system calls or waiting), samples per thread, the methods on top of the stack (self), the methods anywhere on the
 * stack (total), and the heaviest stacks; plus the recording's GC pauses and allocation samples.
 * <p>
 * Run with {@code java -cp benchmarks/target/benchmarks.jar io.roomwire.benchmarks.load.JfrHotMethods file.jfr [top]}.
 */
public final class JfrHotMethods
{
    private JfrHotMethods()
    {
    }

    /**
     * @param args the recording, and how many rows per table (default 25).
     * @throws IOException when the recording cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1)
        {
            System.err.println("usage: JfrHotMethods <file.jfr> [top]");
            System.exit(2);
        }
        final int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        final Samples java = new Samples("jdk.ExecutionSample (threads running Java code)");
        final Samples natives = new Samples("jdk.NativeMethodSample (threads in native code: system calls, waits)");
        final Map<String, Long> eventCounts = new HashMap<>();
        final Map<String, Long> allocationByClass = new HashMap<>();
        long gcPauseNs = 0;
        long gcPauses = 0;

        for (final RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0])))
        {
            final String type = event.getEventType().getName();
            eventCounts.merge(type, 1L, Long::sum);
            if (type.equals("jdk.GCPhasePause"))
            {
                gcPauses++;
                gcPauseNs += event.getDuration().toNanos();
            }
            else if (type.equals("jdk.ObjectAllocationSample"))
            {
                allocationByClass.merge(event.getClass("objectClass").getName(), event.getLong("weight"), Long::sum);
            }
            if (type.equals("jdk.ExecutionSample"))
            {
                java.add(event);
            }
            else if (type.equals("jdk.NativeMethodSample"))
            {
                natives.add(event);
            }
        }

        System.out.println("recording " + args[0]);
        java.print(top);
        natives.print(top);
        if (gcPauses > 0)
        {
            System.out.printf(Locale.ROOT, "%nGC pauses: %d, %.1f ms in all%n", gcPauses, gcPauseNs / 1e6);
        }
        if (!allocationByClass.isEmpty())
        {
            long total = 0;
            for (final long weight : allocationByClass.values())
            {
                total += weight;
            }
            System.out.printf(Locale.ROOT, "%nallocation samples (weight): %.1f MB in all%n", total / 1e6);
            print("allocated bytes by class", allocationByClass, total, Math.min(top, 15));
        }
        print("events in the recording", eventCounts, -1, 40);
    }

    /**
     * Counts of one kind of stack sample.
     */
    private static final class Samples
    {
        final String title;
        final Map<String, Long> selfByMethod = new HashMap<>();
        final Map<String, Long> totalByMethod = new HashMap<>();
        final Map<String, Long> byThread = new HashMap<>();
        final Map<String, Long> byStack = new HashMap<>();
        long count;

        Samples(final String title)
        {
            this.title = title;
        }

        void add(final RecordedEvent event)
        {
            count++;
            byThread.merge(event.getThread("sampledThread").getJavaName(), 1L, Long::sum);
            final RecordedStackTrace stack = event.getStackTrace();
            if (null == stack || stack.getFrames().isEmpty())
            {
                return;
            }
            final List<RecordedFrame> frames = stack.getFrames();
            selfByMethod.merge(name(frames.get(0)), 1L, Long::sum);
            final Set<String> seen = new HashSet<>();
            final StringBuilder path = new StringBuilder();
            for (int i = 0; i < frames.size(); i++)
            {
                final String method = name(frames.get(i));
                if (seen.add(method))
                {
                    totalByMethod.merge(method, 1L, Long::sum);
                }
                if (i < 8)
                {
                    path.append(i == 0 ? "" : "\n        <- ").append(method).append(':')
                        .append(frames.get(i).getLineNumber());
                }
            }
            byStack.merge(path.toString(), 1L, Long::sum);
        }

        void print(final int top)
        {
            System.out.println();
            System.out.println("== " + title + ": " + count + " samples");
            if (count == 0)
            {
                return;
            }
            JfrHotMethods.print("samples by thread", byThread, count, top);
            JfrHotMethods.print("hot methods (self: top of stack)", selfByMethod, count, top);
            JfrHotMethods.print("hot methods (total: anywhere on the stack)", totalByMethod, count, top);
            JfrHotMethods.print("hottest stacks (top 8 frames)", byStack, count, Math.min(top, 12));
        }
    }

    private static String name(final RecordedFrame frame)
    {
        final RecordedMethod method = frame.getMethod();
        if (null == method)
        {
            return "?";
        }
        final String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName() +
            (frame.getType().equals("Native") ? " [native]" : "");
    }

    private static void print(final String title, final Map<String, Long> counts, final long total, final int top)
    {
        System.out.println();
        System.out.println(title + ":");
        final List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(top, entries.size()); i++)
        {
            final Map.Entry<String, Long> entry = entries.get(i);
            if (total > 0)
            {
                System.out.printf(Locale.ROOT, "  %6.1f%%  %8d  %s%n", 100.0 * entry.getValue() / total,
                    entry.getValue(), entry.getKey());
            }
            else
            {
                System.out.printf(Locale.ROOT, "  %8d  %s%n", entry.getValue(), entry.getKey());
            }
        }
    }
}
