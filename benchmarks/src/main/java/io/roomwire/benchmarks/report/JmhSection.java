package io.roomwire.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JMH part of the report: every {@code jmh/*.json} result file ({@code -rf json}), one table per benchmark class,
 * and for the pairs of {@link #PAIRS} how many times faster Roomwire is than its baseline.
 * <p>
 * For each benchmark and parameter set a row gives the median of the per-iteration scores ({@code rawData} of the
 * primary result, every fork pooled, and the results of several files pooled too), their interquartile range and
 * their range, and the median of {@code gc.alloc.rate.norm} when {@code -prof gc} ran. JMH's secondary results that
 * the benchmark produced itself (auxiliary counters, and each method of a {@code @Group}) get rows of their own,
 * labelled {@code benchmark:name}; profiler results other than the allocation are left out. In sample-time mode each
 * iteration is a histogram: its mean, JMH's own score for the iteration, stands for it.
 * <p>
 * Not thread safe: built and rendered by one thread.
 */
final class JmhSection
{
    /**
     * A Roomwire benchmark and the baseline it is compared with, in one class, at equal parameters.
     */
    static final class Pair
    {
        final String className;
        final String roomwire;
        final String baseline;
        final String note;

        /**
         * @param className simple name of the benchmark class.
         * @param roomwire  row label of Roomwire's benchmark: a method, a group, or {@code method:secondary}.
         * @param baseline  row label of the baseline.
         * @param note      what is compared, for the reader.
         */
        Pair(final String className, final String roomwire, final String baseline, final String note)
        {
            this.className = className;
            this.roomwire = roomwire;
            this.baseline = baseline;
            this.note = note;
        }
    }

    /**
     * Which Roomwire benchmark is compared with which baseline: explicit, so that renaming a method drops its ratio
     * (and the report lists the baseline as unpaired) rather than pairing the wrong rows.
     */
    static final List<Pair> PAIRS = List.of(
        new Pair("FanOutBenchmark", "roomwire", "seedBaseline",
            "publishes per second at equal receivers (deliveries per second in the same ratio)"),
        new Pair("ProtocolCodecBenchmark", "sbe", "seedBaseline", "binary codec round vs Jackson databind round"),
        new Pair("ProtocolCodecBenchmark", "json", "seedBaseline", "JSON edge round vs Jackson databind round"),
        new Pair("PresenceBenchmark", "roomwireHeartbeat", "seedBaselineHeartbeat", "heartbeat, full path"),
        new Pair("PresenceBenchmark", "roomwireHeartbeatConductorOnly", "seedBaselineHeartbeat",
            "heartbeat, the conductor's share"),
        new Pair("PresenceBenchmark", "roomwireExpiryDutyCycle", "seedBaselineCleanupScan",
            "one idle duty cycle vs one cleanup pass (different work: what each design pays for expiry)"),
        new Pair("HandoffQueueBenchmark", "roomwireRing:consumed", "seedBaselineLinkedBlockingQueue:consumed",
            "messages handed to the consumer per second"),
        new Pair("HandoffQueueBenchmark", "roomwireRing:consumed", "jctoolsBaselineMpscArrayQueue:consumed",
            "messages handed to the consumer per second"));

    /**
     * Order of the classes in the report; others follow alphabetically.
     */
    static final List<String> CLASS_ORDER = List.of(
        "FanOutBenchmark", "ProtocolCodecBenchmark", "EnginePublishBenchmark", "PresenceBenchmark",
        "HandoffQueueBenchmark");

    static final String ALLOC_NORM = "gc.alloc.rate.norm";

    /**
     * One benchmark (or one of its secondary results) at one parameter set.
     */
    static final class Row
    {
        final String className;
        final String label;
        final Map<String, String> params;
        final String mode;
        final String unit;
        final boolean isSecondary;
        final List<Double> values = new ArrayList<>();
        final List<Double> allocNorm = new ArrayList<>();
        int threads;

        Row(
            final String className,
            final String label,
            final Map<String, String> params,
            final String mode,
            final String unit,
            final boolean isSecondary)
        {
            this.className = className;
            this.label = label;
            this.params = params;
            this.mode = mode;
            this.unit = unit;
            this.isSecondary = isSecondary;
        }

        String baseLabel()
        {
            final int colon = label.indexOf(':');
            return colon < 0 ? label : label.substring(0, colon);
        }

        Stats stats()
        {
            return new Stats(values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        double allocMedian()
        {
            return allocNorm.isEmpty() ?
                Double.NaN : Stats.median(allocNorm.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Set<String>> settingsByClass = new TreeMap<>();
    private final List<String> files = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Read every {@code *.json} file of a directory; a missing directory reads nothing.
     *
     * @param dir the {@code jmh} directory of the results.
     * @return this for a fluent API.
     * @throws IOException when the directory cannot be listed.
     */
    JmhSection read(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return this;
        }
        final List<Path> paths;
        try (Stream<Path> list = Files.list(dir))
        {
            paths = list.filter((p) -> p.getFileName().toString().endsWith(".json")).sorted()
                .collect(Collectors.toList());
        }
        for (final Path path : paths)
        {
            try
            {
                readFile(mapper.readTree(path.toFile()));
                files.add(path.getFileName().toString());
            }
            catch (final IOException | RuntimeException ex)
            {
                problems.add(path.getFileName() + " could not be read: " + ex.getMessage());
            }
        }
        return this;
    }

    /**
     * Add the results of one JMH JSON document.
     *
     * @param document an array of results, as JMH writes it.
     */
    void readFile(final JsonNode document)
    {
        if (!document.isArray())
        {
            throw new IllegalArgumentException("not a JMH result array");
        }
        for (final JsonNode result : document)
        {
            final String benchmark = result.path("benchmark").asText();
            final int methodDot = benchmark.lastIndexOf('.');
            final int classDot = benchmark.lastIndexOf('.', methodDot - 1);
            if (methodDot < 0)
            {
                problems.add("result without a benchmark name skipped");
                continue;
            }
            final String className = benchmark.substring(classDot + 1, methodDot);
            final String method = benchmark.substring(methodDot + 1);
            final String mode = result.path("mode").asText();
            final Map<String, String> params = new TreeMap<>();
            final Iterator<Map.Entry<String, JsonNode>> fields = result.path("params").fields();
            while (fields.hasNext())
            {
                final Map.Entry<String, JsonNode> field = fields.next();
                params.put(field.getKey(), field.getValue().asText());
            }

            settingsByClass.computeIfAbsent(className, (k) -> new TreeSet<>()).add(settings(result));

            final JsonNode primary = result.path("primaryMetric");
            final Row row = row(className, method, params, mode, primary.path("scoreUnit").asText(), false);
            row.threads = Math.max(row.threads, result.path("threads").asInt(1));
            addIterations(primary, row.values);

            final Iterator<Map.Entry<String, JsonNode>> secondaries = result.path("secondaryMetrics").fields();
            while (secondaries.hasNext())
            {
                final Map.Entry<String, JsonNode> secondary = secondaries.next();
                final String name = secondary.getKey();
                final JsonNode metric = secondary.getValue();
                final String unit = metric.path("scoreUnit").asText();
                if (ALLOC_NORM.equals(name))
                {
                    addIterations(metric, row.allocNorm);
                }
                else if (!name.startsWith("gc.") && !name.contains("·") && unit.equals(row.unit))
                {
                    final Row secondaryRow = row(className, method + ":" + name, params, mode, unit, true);
                    addIterations(metric, secondaryRow.values);
                }
            }
        }
    }

    /**
     * @param result of one benchmark.
     * @return how it was run: forks, iterations, JDK and the forks' JVM arguments.
     */
    static String settings(final JsonNode result)
    {
        final StringBuilder jvmArgs = new StringBuilder();
        for (final JsonNode arg : result.path("jvmArgs"))
        {
            jvmArgs.append(jvmArgs.length() == 0 ? "" : " ").append(arg.asText());
        }
        return result.path("forks").asInt() + " fork(s), " +
            result.path("warmupIterations").asInt() + " × " + result.path("warmupTime").asText("?") + " warm-up, " +
            result.path("measurementIterations").asInt() + " × " + result.path("measurementTime").asText("?") +
            " measured, " + result.path("threads").asInt(1) + " thread(s); JDK " +
            result.path("jdkVersion").asText("?") + "; fork JVM flags `" + jvmArgs + "`";
    }

    private Row row(
        final String className,
        final String label,
        final Map<String, String> params,
        final String mode,
        final String unit,
        final boolean isSecondary)
    {
        final String key = className + "\u0000" + label + "\u0000" + params + "\u0000" + mode;
        final Row row = rows.computeIfAbsent(key, (k) -> new Row(className, label, params, mode, unit, isSecondary));
        if (!row.unit.equals(unit))
        {
            throw new IllegalArgumentException(className + "." + label + " in " + row.unit + " and " + unit);
        }
        return row;
    }

    private static void addIterations(final JsonNode metric, final List<Double> into)
    {
        final JsonNode raw = metric.get("rawData");
        if (null != raw)
        {
            for (final JsonNode fork : raw)
            {
                for (final JsonNode iteration : fork)
                {
                    into.add(iteration.asDouble());
                }
            }
            return;
        }

        final JsonNode histograms = metric.get("rawDataHistogram");
        if (null != histograms)
        {
            for (final JsonNode fork : histograms)
            {
                for (final JsonNode iteration : fork)
                {
                    double sum = 0;
                    double count = 0;
                    for (final JsonNode bucket : iteration)
                    {
                        sum += bucket.get(0).asDouble() * bucket.get(1).asDouble();
                        count += bucket.get(1).asDouble();
                    }
                    if (count > 0)
                    {
                        into.add(sum / count);
                    }
                }
            }
        }
    }

    /**
     * @return rows read, by key.
     */
    Map<String, Row> rows()
    {
        return rows;
    }

    /**
     * @param className simple name of the class.
     * @param label     of the row.
     * @param params    parameters, such as {@code receivers=1000}; empty for none.
     * @return the row, or null.
     */
    Row find(final String className, final String label, final Map<String, String> params)
    {
        for (final Row row : rows.values())
        {
            if (row.className.equals(className) && row.label.equals(label) && row.params.equals(params))
            {
                return row;
            }
        }
        return null;
    }

    /**
     * The speed-up of Roomwire over a baseline, as "times faster": for throughput, Roomwire's median over the
     * baseline's; for time per operation, the baseline's over Roomwire's. Above 1 Roomwire is faster.
     *
     * @param roomwire row.
     * @param baseline row, of the same mode and unit.
     * @return the speed-up, or NaN when the modes or units differ or a median is not positive.
     */
    static double speedUp(final Row roomwire, final Row baseline)
    {
        if (!roomwire.mode.equals(baseline.mode) || !roomwire.unit.equals(baseline.unit))
        {
            return Double.NaN;
        }
        final double r = roomwire.stats().median();
        final double b = baseline.stats().median();
        if (!(r > 0) || !(b > 0))
        {
            return Double.NaN;
        }
        return "thrpt".equals(roomwire.mode) ? r / b : b / r;
    }

    /**
     * @return the markdown of this section, {@code not run} when no result was read.
     */
    String render()
    {
        final StringBuilder out = new StringBuilder("### JMH suites\n\n");
        if (rows.isEmpty())
        {
            out.append("_Not run_: no JMH result in `jmh/*.json`.\n\n");
            appendProblems(out);
            return out.toString();
        }

        out.append("From ").append(files.stream().map((f) -> "`jmh/" + f + "`").collect(Collectors.joining(", ")))
            .append(". **median**: median of the per-iteration scores, every fork pooled; **IQR**: their ")
            .append("interquartile range (25th to 75th percentile, linear interpolation); **min–max**: their range; ")
            .append("**n**: iterations × forks. **alloc**: median of `gc.alloc.rate.norm` per iteration (bytes per ")
            .append("operation, `-prof gc`). Rows `benchmark:name` are JMH secondary results of the benchmark ")
            .append("itself: auxiliary counters, and each method of a `@Group`.\n\n");

        final Set<String> classes = new TreeSet<>(Comparator
            .comparingInt((String c) -> CLASS_ORDER.contains(c) ? CLASS_ORDER.indexOf(c) : CLASS_ORDER.size())
            .thenComparing(Comparator.naturalOrder()));
        rows.values().forEach((r) -> classes.add(r.className));
        final List<String> unpaired = new ArrayList<>();
        for (final String className : classes)
        {
            renderClass(out, className, unpaired);
        }

        if (!unpaired.isEmpty())
        {
            out.append("Baselines without a pair in `JmhSection.PAIRS` (no ratio computed): ")
                .append(String.join(", ", unpaired)).append(".\n\n");
        }
        appendProblems(out);
        return out.toString();
    }

    private void renderClass(final StringBuilder out, final String className, final List<String> unpaired)
    {
        final List<Row> classRows = rows.values().stream()
            .filter((r) -> r.className.equals(className))
            .sorted(Comparator.comparing(Row::baseLabel)
                .thenComparing((a, b) -> compareParams(a.params, b.params))
                .thenComparing((Row r) -> r.isSecondary ? r.label : ""))
            .collect(Collectors.toList());

        out.append("#### ").append(className).append("\n\n");
        for (final String settings : settingsByClass.getOrDefault(className, Set.of()))
        {
            out.append("Run with ").append(settings).append(".\n");
        }
        out.append('\n');
        final Markdown table = new Markdown(
            "benchmark", "params", "mode", ">n", ">median", ">IQR (p25–p75)", ">min–max", "unit", ">alloc B/op");
        boolean isGroup = false;
        for (final Row row : classRows)
        {
            final Stats stats = row.stats();
            isGroup |= !row.isSecondary && row.threads > 1;
            table.row(
                "`" + row.label + "`",
                params(row.params),
                row.mode,
                Integer.toString(stats.count()),
                Markdown.inUnit(stats.median(), row.unit),
                Markdown.inUnit(stats.q1(), row.unit) + " – " + Markdown.inUnit(stats.q3(), row.unit),
                Markdown.inUnit(stats.min(), row.unit) + " – " + Markdown.inUnit(stats.max(), row.unit),
                row.unit,
                row.isSecondary ? Markdown.NONE : Markdown.number(row.allocMedian()));
        }
        out.append(table.render()).append('\n');
        if (isGroup)
        {
            out.append("A benchmark run by several threads (a `@Group`: a thread per method) counts the operations ")
                .append("of every thread: its score is their sum, and its alloc is bytes per operation of any ")
                .append("thread.\n\n");
        }

        final Markdown ratios = new Markdown(
            "Roomwire", "baseline", "params", ">Roomwire median", ">baseline median", "unit",
            ">Roomwire speed-up", "compares");
        for (final Pair pair : PAIRS)
        {
            if (!pair.className.equals(className))
            {
                continue;
            }
            for (final Row roomwire : classRows)
            {
                if (!roomwire.label.equals(pair.roomwire))
                {
                    continue;
                }
                final Row baseline = find(className, pair.baseline, roomwire.params);
                if (null == baseline)
                {
                    continue;
                }
                ratios.row(
                    "`" + roomwire.label + "`",
                    "`" + baseline.label + "`",
                    params(roomwire.params),
                    Markdown.inUnit(roomwire.stats().median(), roomwire.unit),
                    Markdown.inUnit(baseline.stats().median(), baseline.unit),
                    roomwire.unit,
                    Markdown.ratio(speedUp(roomwire, baseline)),
                    pair.note);
            }
        }
        if (!ratios.isEmpty())
        {
            out.append("Roomwire against its baseline, as **times faster** (above 1: Roomwire is faster): for ")
                .append("throughput Roomwire's median over the baseline's, for time per operation the baseline's ")
                .append("over Roomwire's.\n\n")
                .append(ratios.render()).append('\n');
        }

        for (final Row row : classRows)
        {
            final String lower = row.label.toLowerCase(Locale.ROOT);
            if (!row.isSecondary && (lower.contains("seed") || lower.contains("baseline")) &&
                PAIRS.stream().noneMatch((p) -> p.className.equals(className) &&
                    (p.baseline.equals(row.label) || p.baseline.startsWith(row.label + ":"))) &&
                !unpaired.contains(className + "." + row.label))
            {
                unpaired.add(className + "." + row.label);
            }
        }
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

    static String params(final Map<String, String> params)
    {
        if (params.isEmpty())
        {
            return Markdown.NONE;
        }
        return params.entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
    }

    /**
     * Compare parameter sets key by key, numerically where both values are numbers.
     */
    static int compareParams(final Map<String, String> a, final Map<String, String> b)
    {
        final Iterator<Map.Entry<String, String>> i = a.entrySet().iterator();
        final Iterator<Map.Entry<String, String>> j = b.entrySet().iterator();
        while (i.hasNext() && j.hasNext())
        {
            final Map.Entry<String, String> x = i.next();
            final Map.Entry<String, String> y = j.next();
            int c = x.getKey().compareTo(y.getKey());
            if (c == 0)
            {
                c = compareValues(x.getValue(), y.getValue());
            }
            if (c != 0)
            {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    private static int compareValues(final String x, final String y)
    {
        try
        {
            return Double.compare(Double.parseDouble(x), Double.parseDouble(y));
        }
        catch (final NumberFormatException ex)
        {
            return x.compareTo(y);
        }
    }
}
