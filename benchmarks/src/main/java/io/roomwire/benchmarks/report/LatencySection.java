package io.roomwire.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The in-process latency part of the report: the runs of {@code InProcessLatency} in {@code latency/}, as the JSON it
 * writes with {@code -Droomwire.latency.result.file}, or failing that its printed output ({@code *.txt}; a
 * {@code .txt} beside a {@code .json} of the same name is skipped). Runs with the same rate, fan-out and idle
 * strategy are one row: the median of each percentile across them.
 * <p>
 * Not thread safe: built and rendered by one thread.
 */
final class LatencySection
{
    static final String[] PERCENTILES = { "p50", "p90", "p99", "p99.9", "p99.99", "max" };

    private static final Pattern SETTINGS = Pattern.compile(
        "InProcessLatency: rate=(\\d+) msg/s, fanout=(\\d+), warmup=(\\d+) ms, measure=(\\d+) ms, " +
        "engine idle strategy=([^,]+)");
    private static final Pattern COUNTS = Pattern.compile(
        "published=(\\d+) \\((\\d+) msg/s achieved\\), deliveries=(\\d+) of (\\d+), recorded=(\\d+), " +
        "lagging cuts=(\\d+), errors=(\\d+)");
    private static final Pattern LATENCY = Pattern.compile(
        "us: p50=([\\d.]+) p90=([\\d.]+) p99=([\\d.]+) p99\\.9=([\\d.]+) p99\\.99=([\\d.]+) max=([\\d.]+) " +
        "count=(\\d+)");

    /**
     * One run.
     */
    static final class Run
    {
        String source;
        int rate;
        int fanout;
        String idleStrategy = "?";
        long measureMs;
        double achievedRate = Double.NaN;
        boolean isValid = true;
        final Map<String, Double> latencyUs = new LinkedHashMap<>();

        String key()
        {
            return rate + "/" + fanout + "/" + idleStrategy;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Run> runs = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Read every run in a directory; a missing directory reads nothing.
     *
     * @param dir the {@code latency} directory of the results.
     * @return this for a fluent API.
     * @throws IOException when the directory cannot be listed.
     */
    LatencySection read(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return this;
        }
        final List<Path> paths;
        try (Stream<Path> list = Files.list(dir))
        {
            paths = list.sorted().collect(Collectors.toList());
        }
        for (final Path path : paths)
        {
            final String name = path.getFileName().toString();
            try
            {
                if (name.endsWith(".json"))
                {
                    runs.add(fromJson(mapper.readTree(path.toFile()), name));
                }
                else if (name.endsWith(".txt") &&
                    !Files.exists(path.resolveSibling(name.substring(0, name.length() - 4) + ".json")))
                {
                    final Run run = fromText(Files.readString(path, StandardCharsets.UTF_8), name);
                    if (null == run)
                    {
                        problems.add(name + ": no InProcessLatency result in it");
                    }
                    else
                    {
                        runs.add(run);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                problems.add(name + " could not be read: " + ex.getMessage());
            }
        }
        return this;
    }

    /**
     * @param json   as {@code InProcessLatency} writes it.
     * @param source file name.
     * @return the run.
     */
    static Run fromJson(final JsonNode json, final String source)
    {
        final JsonNode settings = json.path("settings");
        final JsonNode latency = json.path("latencyUs");
        if (!latency.isObject())
        {
            throw new IllegalArgumentException("no latencyUs");
        }
        final Run run = new Run();
        run.source = source;
        run.rate = settings.path("rate").asInt();
        run.fanout = settings.path("fanout").asInt();
        run.idleStrategy = settings.path("idleStrategy").asText("?");
        run.measureMs = settings.path("measureMs").asLong();
        run.achievedRate = json.path("achievedRate").asDouble(Double.NaN);
        run.isValid = json.path("valid").asBoolean(true);
        for (final String percentile : PERCENTILES)
        {
            run.latencyUs.put(percentile, latency.path(percentile).asDouble(Double.NaN));
        }
        return run;
    }

    /**
     * @param text   printed by {@code InProcessLatency}.
     * @param source file name.
     * @return the run, or null when the text holds no percentiles.
     */
    static Run fromText(final String text, final String source)
    {
        final Matcher latency = LATENCY.matcher(text);
        if (!latency.find())
        {
            return null;
        }
        final Run run = new Run();
        run.source = source;
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            run.latencyUs.put(PERCENTILES[i], Double.parseDouble(latency.group(i + 1)));
        }
        final Matcher settings = SETTINGS.matcher(text);
        if (settings.find())
        {
            run.rate = Integer.parseInt(settings.group(1));
            run.fanout = Integer.parseInt(settings.group(2));
            run.measureMs = Long.parseLong(settings.group(4));
            run.idleStrategy = settings.group(5).trim();
        }
        final Matcher counts = COUNTS.matcher(text);
        if (counts.find())
        {
            run.achievedRate = Double.parseDouble(counts.group(2));
            run.isValid = counts.group(3).equals(counts.group(4)) && "0".equals(counts.group(6)) &&
                "0".equals(counts.group(7));
        }
        if (text.contains("INVALID RUN"))
        {
            run.isValid = false;
        }
        return run;
    }

    /**
     * @return runs read.
     */
    List<Run> runs()
    {
        return runs;
    }

    /**
     * @return the markdown of this section, {@code not run} when no run was read.
     */
    String render()
    {
        final StringBuilder out = new StringBuilder("### In-process latency (`InProcessLatency`)\n\n");
        if (runs.isEmpty())
        {
            out.append("_Not run_: no `InProcessLatency` result in `latency/`.\n\n");
            appendProblems(out);
            return out.toString();
        }

        out.append("Intended publish time to delivery at the last of the fan-out receivers, in microseconds. With ")
            .append("several runs of the same settings, each cell is the median across them. From ")
            .append(runs.stream().map((r) -> "`latency/" + r.source + "`").collect(Collectors.joining(", ")))
            .append(".\n\n");

        final Map<String, List<Run>> groups = new LinkedHashMap<>();
        runs.stream()
            .sorted(Comparator.comparingInt((Run r) -> -r.rate).thenComparingInt((r) -> r.fanout)
                .thenComparing((r) -> r.idleStrategy))
            .forEach((r) -> groups.computeIfAbsent(r.key(), (k) -> new ArrayList<>()).add(r));

        final Markdown table = new Markdown(
            ">rate msgs/s", ">fan-out", "engine (idle strategy, or invoker)", ">runs", ">measured", ">achieved msgs/s", ">p50 µs", ">p90 µs",
            ">p99 µs", ">p99.9 µs", ">p99.99 µs", ">max µs", "valid");
        for (final List<Run> group : groups.values())
        {
            final Run first = group.get(0);
            final String[] cells = new String[13];
            cells[0] = Markdown.rate(first.rate);
            cells[1] = Integer.toString(first.fanout);
            cells[2] = first.idleStrategy;
            cells[3] = Integer.toString(group.size());
            cells[4] = String.join(", ", group.stream().map((r) -> Markdown.number(r.measureMs / 1000.0) + " s")
                .collect(Collectors.toCollection(TreeSet::new)));
            cells[5] = Markdown.rate(median(group, (r) -> r.achievedRate));
            for (int i = 0; i < PERCENTILES.length; i++)
            {
                final String percentile = PERCENTILES[i];
                cells[6 + i] = Markdown.number(median(group, (r) -> r.latencyUs.get(percentile)));
            }
            final long invalid = group.stream().filter((r) -> !r.isValid).count();
            cells[12] = invalid == 0 ? "yes" : "**no** (" + invalid + " of " + group.size() + " runs invalid)";
            table.row(cells);
        }
        out.append(table.render()).append('\n');
        out.append("A run is invalid when receivers were cut loose or deliveries are missing: its histogram holds ")
            .append("only what was delivered.\n\n");
        appendProblems(out);
        return out.toString();
    }

    /**
     * @param group  of runs.
     * @param metric of a run; NaN values are left out.
     * @return the median of the metric across the runs, NaN when none has it.
     */
    static double median(final List<Run> group, final ToDoubleFunction<Run> metric)
    {
        final double[] values = group.stream().mapToDouble(metric).filter((v) -> !Double.isNaN(v)).toArray();
        return values.length == 0 ? Double.NaN : Stats.median(values);
    }

    private void appendProblems(final StringBuilder out)
    {
        for (final String problem : problems)
        {
            out.append("- ").append(problem).append('\n');
        }
        if (!problems.isEmpty())
        {
            out.append('\n');
        }
    }
}
