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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The end-to-end part of the report: the JSON lines of {@code LoadGenerator} (one per step) and of the idle-memory
 * runs in {@code e2e/*.jsonl}, in four tables: WebSocket fan-out (scenario {@code fanout}, the default), many rooms
 * ({@code rooms}), idle memory per connection ({@code idle} lines, with {@code heapPerConnectionBytes} lines for JVM
 * servers) and SSE fan-out ({@code sse}).
 * <p>
 * A step is <b>sustained</b> when it lost nothing, closed no connection, achieved at least
 * {@value #KEEPING_UP_SHARE} of its offered deliveries in its measured window and kept its p99 within the stop limit
 * (the load generator's own rule). Per server the report gives the highest sustained achieved deliveries per second,
 * the p99 of the step whose offered deliveries per second is nearest {@value #TARGET_DELIVERIES} (within a factor of
 * two; "not sustained" when that step was not, or no step came that near), and Roomwire's sustained figure over the
 * server's. Many rooms: each server's p50 and p99 over Roomwire's at the same offered rate. Idle memory: Roomwire's
 * memory per connection (heap plus direct where there is a heap histogram, RSS elsewhere) over each server's.
 * <p>
 * Not thread safe: built and rendered by one thread.
 */
final class EndToEndSection
{
    static final double KEEPING_UP_SHARE = 0.95;
    static final double TARGET_DELIVERIES = 1_000_000;
    static final double TARGET_FACTOR = 2.0;
    static final String ROOMWIRE = "roomwire";

    /** A {@code serverRt} of a server raised for its step: {@code "fifo 10: 23 threads, ..."}. */
    private static final Pattern RAISED = Pattern.compile("^fifo [1-9]\\d*: [1-9]");
    /** A {@code serverRt} of a server left in the normal class for its load: the share it used in the warm-up. */
    private static final Pattern LEFT_BUSY = Pattern.compile("^normal class for this step \\((\\d+)%");

    /**
     * Order of the servers in the tables; others follow alphabetically.
     */
    static final List<String> SERVER_ORDER = List.of("roomwire", "naive", "bun", "node-ws", "socketio", "fastapi");

    /**
     * One step line of the load generator.
     */
    static final class Step
    {
        String source;
        String label;
        String scenario;
        String protocol;
        int step;
        int round;
        int rooms;
        int clients;
        double offeredMsgs;
        double offeredDeliveries;
        double achievedDeliveries;
        long loss;
        long closed;
        double p50Us;
        double p99Us;
        double p999Us;
        double serverCpu;
        double genCpu;
        boolean isGeneratorBound;
        /** The generator's {@code serverRt}: how the server was scheduled in this step; "off" when absent. */
        String serverRt;

        boolean isRealtime()
        {
            return RAISED.matcher(serverRt).find();
        }

        /**
         * @return {@code real-time}, {@code normal (84% busy)} for a server left in the normal class for its load in
         * the warm-up, or {@code normal}.
         */
        String serverClass()
        {
            if (isRealtime())
            {
                return "real-time";
            }
            final Matcher busy = LEFT_BUSY.matcher(serverRt);
            return busy.find() ? "normal (" + busy.group(1) + "% busy)" : "normal";
        }

        boolean isSustained(final double stopP99Ms)
        {
            return loss == 0 && closed == 0 && achievedDeliveries >= KEEPING_UP_SHARE * offeredDeliveries &&
                p99Us <= stopP99Ms * 1000.0;
        }

        String key()
        {
            return label + " (" + protocol + ")";
        }
    }

    /**
     * The summary of one server's steps in a scenario.
     */
    static final class Summary
    {
        String label;
        String protocol;
        Step best;
        Step nearTarget;

        double sustainedDeliveries()
        {
            return null == best ? Double.NaN : best.achievedDeliveries;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final double stopP99Ms;
    private final List<Step> steps = new ArrayList<>();
    private final List<JsonNode> idle = new ArrayList<>();
    private final List<JsonNode> heap = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> otherScenarios = new TreeMap<>();

    /**
     * @param stopP99Ms the p99 limit of a sustained step, in milliseconds.
     */
    EndToEndSection(final double stopP99Ms)
    {
        this.stopP99Ms = stopP99Ms;
    }

    /**
     * Read every {@code *.jsonl} file of a directory; a missing directory reads nothing.
     *
     * @param dir the {@code e2e} directory of the results.
     * @return this for a fluent API.
     * @throws IOException when the directory cannot be listed.
     */
    EndToEndSection read(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return this;
        }
        final List<Path> paths;
        try (Stream<Path> list = Files.list(dir))
        {
            paths = list.filter((p) -> p.getFileName().toString().endsWith(".jsonl")).sorted()
                .collect(Collectors.toList());
        }
        for (final Path path : paths)
        {
            final String name = path.getFileName().toString();
            files.add(name);
            int bad = 0;
            for (final String line : Files.readAllLines(path, StandardCharsets.UTF_8))
            {
                if (line.isBlank())
                {
                    continue;
                }
                try
                {
                    add(mapper.readTree(line), name);
                }
                catch (final IOException | RuntimeException ex)
                {
                    bad++;
                }
            }
            if (bad > 0)
            {
                problems.add(name + ": " + bad + " line(s) could not be read");
            }
        }
        return this;
    }

    /**
     * Add one JSON line.
     *
     * @param line   a step, idle or heap line.
     * @param source file name.
     */
    void add(final JsonNode line, final String source)
    {
        if (!line.isObject() || !line.hasNonNull("label"))
        {
            throw new IllegalArgumentException("not a result line");
        }
        if (line.has("heapPerConnectionBytes"))
        {
            heap.add(line);
            return;
        }
        final String scenario = line.path("scenario").asText("fanout");
        if ("idle".equals(scenario))
        {
            idle.add(line);
            return;
        }
        if (!"fanout".equals(scenario) && !"rooms".equals(scenario) && !"sse".equals(scenario))
        {
            otherScenarios.merge(scenario, 1, Integer::sum);
            return;
        }

        final Step step = new Step();
        step.source = source;
        step.label = line.path("label").asText();
        step.scenario = scenario;
        step.protocol = line.path("protocol").asText("sse".equals(scenario) ? "sse" : "ws");
        step.step = line.path("step").asInt();
        step.round = line.path("round").asInt(0);
        step.rooms = line.path("rooms").asInt(1);
        step.clients = line.path("clients").asInt();
        step.offeredMsgs = number(line, "offeredMsgs");
        step.offeredDeliveries = number(line, "offeredDeliveries");
        step.achievedDeliveries = number(line, "achievedDeliveries");
        step.loss = line.path("loss").asLong();
        step.closed = line.path("closed").asLong();
        step.p50Us = number(line, "p50Us");
        step.p99Us = number(line, "p99Us");
        step.p999Us = number(line, "p999Us");
        step.serverCpu = number(line, "serverCpu");
        step.genCpu = number(line, "genCpu");
        step.isGeneratorBound = line.path("generatorBound").asBoolean(false);
        step.serverRt = line.path("serverRt").asText("off");
        steps.add(step);
    }

    private static double number(final JsonNode line, final String field)
    {
        final JsonNode value = line.get(field);
        return null == value || !value.isNumber() ? Double.NaN : value.asDouble();
    }

    /**
     * @param scenario {@code fanout}, {@code rooms} or {@code sse}.
     * @return the steps of the scenario, per server, servers in report order.
     */
    Map<String, List<Step>> stepsByServer(final String scenario)
    {
        final Map<String, List<Step>> byServer = new LinkedHashMap<>();
        steps.stream()
            .filter((s) -> s.scenario.equals(scenario))
            .sorted(Comparator.comparing((Step s) -> s.label, EndToEndSection::compareServers)
                .thenComparing((s) -> s.protocol))
            .forEach((s) -> byServer.computeIfAbsent(s.key(), (k) -> new ArrayList<>()).add(s));
        return byServer;
    }

    /**
     * @param serverSteps the steps of one server in one scenario.
     * @param stopP99Ms   the p99 limit of a sustained step.
     * @return the highest sustained step, and the step nearest the target rate.
     */
    static Summary summarise(final List<Step> serverSteps, final double stopP99Ms)
    {
        final Summary summary = new Summary();
        summary.label = serverSteps.get(0).label;
        summary.protocol = serverSteps.get(0).protocol;
        double nearest = Math.log(TARGET_FACTOR) + 1e-9;
        for (final Step step : serverSteps)
        {
            if (step.isSustained(stopP99Ms) &&
                (null == summary.best || step.achievedDeliveries > summary.best.achievedDeliveries))
            {
                summary.best = step;
            }
            if (step.offeredDeliveries > 0)
            {
                final double distance = Math.abs(Math.log(step.offeredDeliveries / TARGET_DELIVERIES));
                if (distance < nearest)
                {
                    nearest = distance;
                    summary.nearTarget = step;
                }
            }
        }
        return summary;
    }

    /**
     * @return the markdown of the four end-to-end sections, each {@code not run} when it has no data.
     */
    String render()
    {
        final StringBuilder out = new StringBuilder();
        renderFanOut(out, "fanout", "### End to end: WebSocket fan-out (scenario `fanout`)");
        renderRooms(out);
        renderIdle(out);
        renderFanOut(out, "sse", "### End to end: SSE fan-out (scenario `sse`)");
        if (!otherScenarios.isEmpty())
        {
            out.append("Lines of other scenarios, not tabulated: ").append(otherScenarios).append(".\n\n");
        }
        for (final String problem : problems)
        {
            out.append("- ").append(problem).append('\n');
        }
        if (!problems.isEmpty())
        {
            out.append('\n');
        }
        return out.toString();
    }

    private void renderFanOut(final StringBuilder out, final String scenario, final String title)
    {
        out.append(title).append("\n\n");
        final Map<String, List<Step>> byServer = stepsByServer(scenario);
        if (byServer.isEmpty())
        {
            out.append("_Not run_: no step line with scenario `").append(scenario).append("` in `e2e/*.jsonl`.\n\n");
            return;
        }

        out.append("From ").append(sources(byServer)).append(". Latency from the intended send time to delivery, ")
            .append("in milliseconds; CPU as a share of one core over the measured window. A step is **sustained** ")
            .append("when it lost nothing, closed no connection, achieved at least ")
            .append(Markdown.percent(KEEPING_UP_SHARE)).append(" of the offered deliveries and its p99 was at most ")
            .append(Markdown.number(stopP99Ms)).append(" ms.\n\n");

        final Markdown table = new Markdown(
            "server", "protocol", ">step", ">offered msgs/s", ">offered deliveries/s", ">achieved deliveries/s",
            ">loss", ">p50 ms", ">p99 ms", ">p99.9 ms", ">server CPU", ">generator CPU", "generator-bound",
            "sustained");
        for (final List<Step> serverSteps : byServer.values())
        {
            for (final Step s : serverSteps)
            {
                table.row(
                    s.label,
                    s.protocol,
                    Integer.toString(s.step),
                    Markdown.rate(s.offeredMsgs),
                    Markdown.rate(s.offeredDeliveries),
                    Markdown.rate(s.achievedDeliveries),
                    loss(s),
                    Markdown.number(s.p50Us / 1000),
                    Markdown.number(s.p99Us / 1000),
                    Markdown.number(s.p999Us / 1000),
                    Markdown.percent(s.serverCpu),
                    Markdown.percent(s.genCpu),
                    s.isGeneratorBound ? "**yes**" : "no",
                    s.isSustained(stopP99Ms) ? "yes" : "no");
            }
        }
        out.append(table.render()).append('\n');

        final List<Summary> summaries = byServer.values().stream()
            .map((s) -> summarise(s, stopP99Ms)).collect(Collectors.toList());
        final Summary roomwire = summaries.stream()
            .filter((s) -> ROOMWIRE.equals(s.label) && null != s.best)
            .max(Comparator.comparingDouble(Summary::sustainedDeliveries))
            .orElse(null);
        final Markdown summaryTable = new Markdown(
            "server", "protocol", ">highest sustained deliveries/s", ">at msgs/s", "generator-bound there",
            ">p99 ms at ~1 M deliveries/s", ">Roomwire ÷ server (sustained)");
        for (final Summary summary : summaries)
        {
            final String nearTarget;
            if (null == summary.nearTarget || !summary.nearTarget.isSustained(stopP99Ms))
            {
                nearTarget = "not sustained";
            }
            else
            {
                nearTarget = Markdown.number(summary.nearTarget.p99Us / 1000) + " (offered " +
                    Markdown.rate(summary.nearTarget.offeredDeliveries) + ")";
            }

            final String ratio;
            if (null == roomwire)
            {
                ratio = Markdown.NONE + " (Roomwire sustained no step)";
            }
            else if (ROOMWIRE.equals(summary.label) && summary.protocol.equals(roomwire.protocol))
            {
                ratio = Markdown.NONE;
            }
            else if (null == summary.best)
            {
                ratio = Markdown.NONE + " (sustained no step)";
            }
            else
            {
                ratio = Markdown.ratio(roomwire.sustainedDeliveries() / summary.sustainedDeliveries());
            }

            summaryTable.row(
                summary.label,
                summary.protocol,
                null == summary.best ? "none" : Markdown.rate(summary.best.achievedDeliveries),
                null == summary.best ? Markdown.NONE : Markdown.rate(summary.best.offeredMsgs),
                null == summary.best ? Markdown.NONE : summary.best.isGeneratorBound ? "**yes**" : "no",
                nearTarget,
                ratio);
        }
        out.append(summaryTable.render()).append('\n');
        out.append("p99 at ~1 M deliveries/s: the p99 of the step whose offered deliveries/s is nearest 1,000,000, ")
            .append("within a factor of 2; \"not sustained\" when that step was not sustained or no step came that ")
            .append("near. A generator-bound step may understate the server.\n\n");
    }

    private void renderRooms(final StringBuilder out)
    {
        out.append("### End to end: many rooms (scenario `rooms`)\n\n");
        final Map<String, List<Step>> byServer = stepsByServer("rooms");
        if (byServer.isEmpty())
        {
            out.append("_Not run_: no step line with scenario `rooms` in `e2e/*.jsonl`.\n\n");
            return;
        }

        out.append("From ").append(sources(byServer)).append(". Latency in milliseconds; CPU as a share of one core ")
            .append("over the measured window. Steps run one after the other on the same connections. The servers ")
            .append("compared most closely run in alternating rounds (Roomwire, the next, Roomwire again, ...), so ")
            .append("that a slow stretch of the machine falls on both; `round` says which.\n\n");
        final Markdown table = new Markdown(
            "server", "protocol", ">round", ">step", ">rooms", ">clients", ">offered msgs/s", ">offered deliveries/s",
            ">achieved deliveries/s", ">loss", ">p50 ms", ">p99 ms", ">p99.9 ms", ">server CPU", "server class",
            ">generator CPU", "generator-bound", "sustained");
        for (final List<Step> serverSteps : byServer.values())
        {
            for (final Step s : serverSteps)
            {
                table.row(
                    s.label,
                    s.protocol,
                    s.round > 0 ? Integer.toString(s.round) : Markdown.NONE,
                    Integer.toString(s.step),
                    Markdown.number(s.rooms),
                    Markdown.number(s.clients),
                    Markdown.rate(s.offeredMsgs),
                    Markdown.rate(s.offeredDeliveries),
                    Markdown.rate(s.achievedDeliveries),
                    loss(s),
                    Markdown.number(s.p50Us / 1000),
                    Markdown.number(s.p99Us / 1000),
                    Markdown.number(s.p999Us / 1000),
                    Markdown.percent(s.serverCpu),
                    s.serverClass(),
                    Markdown.percent(s.genCpu),
                    s.isGeneratorBound ? "**yes**" : "no",
                    s.isSustained(stopP99Ms) ? "yes" : "no");
            }
        }
        out.append(table.render()).append('\n');
        out.append("Server class: `real-time` when the generator raised the server to `SCHED_FIFO` for the step ")
            .append("(every thread but its JIT compilers), because the step's warm-up showed it using at most the ")
            .append("limit of its core (`rtLimit` in `run.json`); `normal (N% busy)` when the warm-up showed it ")
            .append("over the limit; `normal` when real-time scheduling was off. See \"The machine's agent, and the ")
            .append("real-time class\" for why.\n\n");
        renderRoomsAgainstRoomwire(out, byServer);
    }

    /**
     * Each other server's latency over Roomwire's at the same offered rate (steps are matched by offered msgs/s, not
     * by index): above 1, Roomwire's is lower. A server run in several rounds is compared by the medians of its rounds
     * against the medians of Roomwire's, and round by round where both ran the same round.
     */
    private static void renderRoomsAgainstRoomwire(final StringBuilder out, final Map<String, List<Step>> byServer)
    {
        final List<Step> roomwireSteps = byServer.values().stream()
            .filter((serverSteps) -> ROOMWIRE.equals(serverSteps.get(0).label))
            .findFirst().orElse(List.of());
        final Markdown table = new Markdown(
            "server", "protocol", ">offered msgs/s", ">rounds (server, Roomwire)", ">server p50 / p99 ms",
            ">Roomwire p50 / p99 ms", ">p50: server ÷ Roomwire", ">p99: server ÷ Roomwire", "p99 ratio by round",
            "generator-bound (server, Roomwire)", "real-time (server, Roomwire)");
        for (final List<Step> serverSteps : byServer.values())
        {
            if (ROOMWIRE.equals(serverSteps.get(0).label))
            {
                continue;
            }
            final List<Double> rates = new ArrayList<>();
            for (final Step s : serverSteps)
            {
                if (rates.stream().noneMatch((rate) -> sameRate(rate, s.offeredMsgs)))
                {
                    rates.add(s.offeredMsgs);
                }
            }
            for (final double rate : rates)
            {
                final List<Step> mine = atRate(serverSteps, rate);
                final List<Step> theirs = atRate(roomwireSteps, rate);
                if (theirs.isEmpty())
                {
                    continue;
                }
                final double p50 = medianOf(mine, false);
                final double p99 = medianOf(mine, true);
                final double roomwireP50 = medianOf(theirs, false);
                final double roomwireP99 = medianOf(theirs, true);
                table.row(
                    mine.get(0).label,
                    mine.get(0).protocol,
                    Markdown.rate(rate),
                    mine.size() + ", " + theirs.size(),
                    Markdown.number(p50 / 1000) + " / " + Markdown.number(p99 / 1000),
                    Markdown.number(roomwireP50 / 1000) + " / " + Markdown.number(roomwireP99 / 1000),
                    Markdown.ratio(p50 / roomwireP50),
                    Markdown.ratio(p99 / roomwireP99),
                    p99RatioByRound(mine, theirs),
                    generatorBound(mine) + ", " + generatorBound(theirs),
                    realtime(mine) + ", " + realtime(theirs));
            }
        }
        if (table.isEmpty())
        {
            return;
        }
        out.append("Against Roomwire at the same offered rate: each server's latency over Roomwire's (above 1, ")
            .append("Roomwire's is lower). Where a server ran in rounds, its p50 and p99 are the medians of its ")
            .append("rounds, against the medians of Roomwire's, and the last column gives the p99 ratio of each round ")
            .append("both ran. A server that lost messages or fell behind (`sustained`: no) has its latency measured ")
            .append("on what it delivered; a generator-bound step ranks the generator's backlog as much as the ")
            .append("server.\n\n");
        out.append(table.render()).append('\n');
    }

    private static boolean sameRate(final double a, final double b)
    {
        return Math.abs(a - b) <= 0.01 * Math.max(1, b);
    }

    private static List<Step> atRate(final List<Step> serverSteps, final double rate)
    {
        final List<Step> atRate = new ArrayList<>();
        for (final Step s : serverSteps)
        {
            if (sameRate(s.offeredMsgs, rate))
            {
                atRate.add(s);
            }
        }
        return atRate;
    }

    private static double medianOf(final List<Step> steps, final boolean isP99)
    {
        final double[] values = new double[steps.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = isP99 ? steps.get(i).p99Us : steps.get(i).p50Us;
        }
        return Stats.median(values);
    }

    private static String p99RatioByRound(final List<Step> mine, final List<Step> theirs)
    {
        final StringBuilder ratios = new StringBuilder();
        for (final Step s : mine)
        {
            for (final Step r : theirs)
            {
                if (s.round > 0 && s.round == r.round)
                {
                    ratios.append(ratios.length() == 0 ? "" : ", ").append(Markdown.ratio(s.p99Us / r.p99Us));
                    break;
                }
            }
        }
        return ratios.length() == 0 ? Markdown.NONE : ratios.toString();
    }

    private static String realtime(final List<Step> steps)
    {
        final long raised = steps.stream().filter(Step::isRealtime).count();
        if (steps.size() == 1)
        {
            return raised == 1 ? "yes" : "no";
        }
        return raised + " of " + steps.size();
    }

    private static String generatorBound(final List<Step> steps)
    {
        final long bound = steps.stream().filter((s) -> s.isGeneratorBound).count();
        if (steps.size() == 1)
        {
            return bound == 1 ? "**yes**" : "no";
        }
        return bound > 0 ? "**" + bound + " of " + steps.size() + "**" : "0 of " + steps.size();
    }

    private void renderIdle(final StringBuilder out)
    {
        out.append("### End to end: idle memory per connection\n\n");
        if (idle.isEmpty() && heap.isEmpty())
        {
            out.append("_Not run_: no line with scenario `idle` or `heapPerConnectionBytes` in `e2e/*.jsonl`.\n\n");
            return;
        }

        out.append("RSS per connection: the server's resident set with the clients connected and idle, less its ")
            .append("baseline, per client. Heap per connection (JVM servers): live heap after a full GC, per ")
            .append("client, with the classes holding most of it. Direct per connection (Roomwire): direct buffers in ")
            .append("use (room logs, outbound buffers) with the clients connected, less before, per client; a JVM ")
            .append("server's memory per connection is heap plus direct (its RSS is mostly heap sizing). Memory per ")
            .append("connection is that sum where there is a heap histogram and RSS per connection elsewhere; ")
            .append("Roomwire ÷ server compares it (below 1, Roomwire holds less).\n\n");
        final Markdown table = new Markdown(
            "server", "protocol", ">clients", ">closed", ">RSS baseline MB", ">RSS start MB", ">RSS end MB",
            ">RSS per connection KB", ">heap per connection KB", ">direct per connection KB",
            ">memory per connection KB", ">Roomwire ÷ server", "largest heap classes");
        final List<JsonNode> sorted = new ArrayList<>(idle);
        sorted.sort(Comparator.comparing((JsonNode n) -> n.path("label").asText(), EndToEndSection::compareServers));
        final double roomwireKb = roomwireMemoryKb(sorted);
        final List<JsonNode> heapLeft = new ArrayList<>(heap);
        for (final JsonNode line : sorted)
        {
            final String label = line.path("label").asText();
            final int clients = line.path("clients").asInt();
            final JsonNode heapLine = takeHeap(heapLeft, label, clients);
            final double memoryKb = memoryKb(line, heapLine);
            table.row(
                label,
                line.path("protocol").asText(Markdown.NONE),
                Markdown.number(clients),
                line.has("closed") ? line.path("closed").asText() : Markdown.NONE,
                Markdown.number(number(line, "rssBaselineKb") / 1024),
                Markdown.number(number(line, "rssStartKb") / 1024),
                Markdown.number(number(line, "rssEndKb") / 1024),
                Markdown.number(number(line, "rssPerConnectionBytes") / 1024),
                null == heapLine ? Markdown.NONE : Markdown.number(number(heapLine, "heapPerConnectionBytes") / 1024),
                direct(heapLine),
                Markdown.number(memoryKb),
                ROOMWIRE.equals(label) ? Markdown.NONE : Markdown.ratio(roomwireKb / memoryKb),
                null == heapLine ? Markdown.NONE : topClasses(heapLine));
        }
        for (final JsonNode heapLine : heapLeft)
        {
            final String label = heapLine.path("label").asText();
            final double memoryKb = memoryKb(null, heapLine);
            table.row(
                label,
                Markdown.NONE,
                Markdown.number(heapLine.path("clients").asInt()),
                Markdown.NONE,
                Markdown.NONE,
                Markdown.NONE,
                Markdown.NONE,
                Markdown.NONE,
                Markdown.number(number(heapLine, "heapPerConnectionBytes") / 1024),
                direct(heapLine),
                Markdown.number(memoryKb),
                ROOMWIRE.equals(label) ? Markdown.NONE : Markdown.ratio(roomwireKb / memoryKb),
                topClasses(heapLine));
        }
        out.append(table.render()).append('\n');
        renderDisconnect(out, sorted);
    }

    /**
     * The end of the idle hold: every client closes its socket at once, and the generator times how long the server
     * takes to close its ends.
     */
    private static void renderDisconnect(final StringBuilder out, final List<JsonNode> sortedIdle)
    {
        final List<JsonNode> lines = new ArrayList<>();
        for (final JsonNode line : sortedIdle)
        {
            if (line.has("disconnectOpenAtEnd"))
            {
                lines.add(line);
            }
        }
        if (lines.isEmpty())
        {
            return;
        }

        out.append("Mass disconnect, at the end of the hold: every client closes its socket at once (as when a ")
            .append("client fleet's network drops), and the generator times until no socket on the server's port is ")
            .append("established or waiting for the server to close it (`/proc/net/tcp`, every 5 ms), with the ")
            .append("server's CPU time meanwhile. The time includes the generator closing its clients one after ")
            .append("another. Roomwire ÷ server compares the time (below 1, Roomwire is done sooner).\n\n");
        double roomwireMs = Double.NaN;
        for (final JsonNode line : lines)
        {
            if (ROOMWIRE.equals(line.path("label").asText()) && line.path("disconnectMs").isNumber())
            {
                roomwireMs = line.path("disconnectMs").asDouble();
                break;
            }
        }
        final Markdown table = new Markdown(
            "server", ">clients", ">all closed by the server, ms", ">server CPU meanwhile, ms",
            ">still open at the timeout", ">Roomwire ÷ server");
        for (final JsonNode line : lines)
        {
            final String label = line.path("label").asText();
            final boolean isDone = line.path("disconnectMs").isNumber();
            table.row(
                label,
                Markdown.number(line.path("clients").asInt()),
                isDone ? Markdown.number(line.path("disconnectMs").asDouble()) :
                    "> " + Markdown.number(line.path("disconnectTimeoutMs").asDouble(60_000)),
                line.path("disconnectServerCpuMs").isNumber() ?
                    Markdown.number(line.path("disconnectServerCpuMs").asDouble()) : Markdown.NONE,
                Markdown.number(line.path("disconnectOpenAtEnd").asInt()),
                ROOMWIRE.equals(label) || !isDone ? Markdown.NONE :
                    Markdown.ratio(roomwireMs / line.path("disconnectMs").asDouble()));
        }
        out.append(table.render()).append('\n');
    }

    /**
     * @param sortedIdle idle lines in report order.
     * @return Roomwire's memory per connection in KB, as its row reports it: its first idle line with the heap line
     * that row takes, else its first heap line; NaN without either.
     */
    private double roomwireMemoryKb(final List<JsonNode> sortedIdle)
    {
        for (final JsonNode line : sortedIdle)
        {
            if (ROOMWIRE.equals(line.path("label").asText()))
            {
                return memoryKb(line, takeHeap(new ArrayList<>(heap), ROOMWIRE, line.path("clients").asInt()));
            }
        }
        for (final JsonNode heapLine : heap)
        {
            if (ROOMWIRE.equals(heapLine.path("label").asText()))
            {
                return memoryKb(null, heapLine);
            }
        }
        return Double.NaN;
    }

    /**
     * @param idleLine an idle line, or null.
     * @param heapLine its heap histogram line, or null.
     * @return memory per connection in KB: live heap plus direct where there is a heap line, else RSS.
     */
    private static double memoryKb(final JsonNode idleLine, final JsonNode heapLine)
    {
        if (null == heapLine)
        {
            return number(idleLine, "rssPerConnectionBytes") / 1024;
        }
        final double direct =
            heapLine.has("directPerConnectionBytes") ? number(heapLine, "directPerConnectionBytes") : 0;
        return (number(heapLine, "heapPerConnectionBytes") + direct) / 1024;
    }

    private static String direct(final JsonNode heapLine)
    {
        return null == heapLine || !heapLine.has("directPerConnectionBytes") ? Markdown.NONE :
            Markdown.number(number(heapLine, "directPerConnectionBytes") / 1024);
    }

    private static String loss(final Step step)
    {
        return Markdown.number(step.loss) + (step.closed > 0 ? " (" + step.closed + " closed)" : "");
    }

    private static JsonNode takeHeap(final List<JsonNode> heapLeft, final String label, final int clients)
    {
        JsonNode match = null;
        for (final JsonNode line : heapLeft)
        {
            if (label.equals(line.path("label").asText()) &&
                (null == match || line.path("clients").asInt() == clients))
            {
                match = line;
            }
        }
        if (null != match)
        {
            heapLeft.remove(match);
        }
        return match;
    }

    private static String topClasses(final JsonNode heapLine)
    {
        final List<String> classes = new ArrayList<>();
        for (final JsonNode entry : heapLine.path("top"))
        {
            if (classes.size() == 3)
            {
                break;
            }
            classes.add("`" + entry.path("class").asText() + "` " +
                Markdown.number(entry.path("bytes").asDouble() / 1024) + " KB");
        }
        return classes.isEmpty() ? Markdown.NONE : String.join(", ", classes);
    }

    private static String sources(final Map<String, List<Step>> byServer)
    {
        return byServer.values().stream().flatMap(List::stream).map((s) -> "`e2e/" + s.source + "`").distinct()
            .collect(Collectors.joining(", "));
    }

    /**
     * Servers in {@link #SERVER_ORDER}, then alphabetically.
     */
    static int compareServers(final String a, final String b)
    {
        final int i = SERVER_ORDER.indexOf(a.toLowerCase(Locale.ROOT));
        final int j = SERVER_ORDER.indexOf(b.toLowerCase(Locale.ROOT));
        final int x = i < 0 ? SERVER_ORDER.size() : i;
        final int y = j < 0 ? SERVER_ORDER.size() : j;
        return x != y ? Integer.compare(x, y) : a.compareTo(b);
    }
}
