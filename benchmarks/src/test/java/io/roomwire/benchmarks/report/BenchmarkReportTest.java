package io.roomwire.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.roomwire.benchmarks.report.BenchmarkReport.BEGIN_MARKER;
import static io.roomwire.benchmarks.report.BenchmarkReport.END_MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkReportTest
{
    private static final double EPSILON = 1e-6;

    private static Path results() throws URISyntaxException
    {
        return Path.of(BenchmarkReportTest.class.getResource("/report/results").toURI());
    }

    private static JmhSection jmh() throws IOException, URISyntaxException
    {
        return new JmhSection().read(results().resolve("jmh"));
    }

    // ------------------------------------------------------------------------------------------------------ JMH

    @Test
    void shouldTakeTheMedianAndSpreadOfEveryIterationWithForksPooled() throws Exception
    {
        final JmhSection jmh = jmh();
        final JmhSection.Row roomwire = jmh.find("FanOutBenchmark", "roomwire", Map.of("receivers", "100"));
        assertNotNull(roomwire);
        final Stats stats = roomwire.stats();
        assertEquals(5, stats.count(), "three iterations of one fork and two of another");
        assertEquals(7.0e7, stats.median(), EPSILON);
        assertEquals(6.9e7, stats.q1(), EPSILON);
        assertEquals(7.1e7, stats.q3(), EPSILON);
        assertEquals(6.8e7, stats.min(), EPSILON);
        assertEquals(7.2e7, stats.max(), EPSILON);
        assertEquals(0.003, roomwire.allocMedian(), EPSILON);
        assertEquals("ops/s", roomwire.unit);
        assertEquals("thrpt", roomwire.mode);

        final JmhSection.Row seed = jmh.find("FanOutBenchmark", "seedBaseline", Map.of("receivers", "100"));
        assertEquals(3.45e6, seed.stats().median(), EPSILON, "even count: mean of the two middle values");
        assertEquals(3.375e6, seed.stats().q1(), EPSILON);
        assertEquals(3.525e6, seed.stats().q3(), EPSILON);
        assertEquals(65656, seed.allocMedian(), EPSILON);
    }

    @Test
    void shouldKeepTheBenchmarksOwnSecondaryResultsAndDropProfilerOnes() throws Exception
    {
        final JmhSection jmh = jmh();
        final JmhSection.Row deliveries =
            jmh.find("FanOutBenchmark", "roomwire:deliveries", Map.of("receivers", "100"));
        assertNotNull(deliveries, "auxiliary counter");
        assertEquals(7.0e9, deliveries.stats().median(), EPSILON);
        assertNull(jmh.find("FanOutBenchmark", "roomwire:gc.alloc.rate", Map.of("receivers", "100")));
        assertNull(jmh.find("FanOutBenchmark", "roomwire:gc.count", Map.of("receivers", "100")));
        assertNotNull(jmh.find("HandoffQueueBenchmark", "roomwireRing:roomwireRingConsume", Map.of()),
            "a @Group method's own throughput");
        assertTrue(Double.isNaN(deliveries.allocMedian()));
    }

    @Test
    void shouldExpressEveryRatioAsTimesFasterWhateverTheMode() throws Exception
    {
        final JmhSection jmh = jmh();
        final JmhSection.Row fanOut = jmh.find("FanOutBenchmark", "roomwire", Map.of("receivers", "100"));
        final JmhSection.Row fanOutSeed = jmh.find("FanOutBenchmark", "seedBaseline", Map.of("receivers", "100"));
        assertEquals(7.0e7 / 3.45e6, JmhSection.speedUp(fanOut, fanOutSeed), EPSILON, "throughput: Roomwire / seed");

        final JmhSection.Row sbe = jmh.find("ProtocolCodecBenchmark", "sbe", Map.of());
        final JmhSection.Row json = jmh.find("ProtocolCodecBenchmark", "json", Map.of());
        final JmhSection.Row codecSeed = jmh.find("ProtocolCodecBenchmark", "seedBaseline", Map.of());
        assertEquals(970.0 / 69.0, JmhSection.speedUp(sbe, codecSeed), EPSILON, "time per op: seed / Roomwire");
        assertEquals(970.0 / 444.0, JmhSection.speedUp(json, codecSeed), EPSILON);

        final JmhSection.Row ring = jmh.find("HandoffQueueBenchmark", "roomwireRing:consumed", Map.of());
        final JmhSection.Row queue =
            jmh.find("HandoffQueueBenchmark", "seedBaselineLinkedBlockingQueue:consumed", Map.of());
        assertEquals(6.5, JmhSection.speedUp(ring, queue), EPSILON);
        assertTrue(Double.isNaN(JmhSection.speedUp(sbe, fanOutSeed)), "different modes are not compared");

        final String markdown = jmh.render();
        assertTrue(markdown.contains("| `roomwire` | `seedBaseline` | receivers=100 | 70.0 M | 3.45 M | ops/s | 20.3× |"),
            markdown);
        assertTrue(markdown.contains("| `sbe` | `seedBaseline` | – | 69.0 | 970 | ns/op | 14.1× |"), markdown);
        assertTrue(markdown.contains("| `json` | `seedBaseline` | – | 444 | 970 | ns/op | 2.18× |"), markdown);
        assertTrue(markdown.contains(
            "| `roomwireRing:consumed` | `seedBaselineLinkedBlockingQueue:consumed` | – | 3.25 M | 500 k | ops/s | " +
            "6.50× |"), markdown);
    }

    @Test
    void shouldPairOnlyTheListedBenchmarksAtEqualParams() throws Exception
    {
        final String markdown = jmh().render();
        assertFalse(markdown.contains("| `roomwire` | `seedBaseline` | receivers=1 |"),
            "no baseline at receivers=1: no ratio");
        assertFalse(markdown.contains("| `roomwire` | `seedBaseline` | receivers=10 |"));
        assertFalse(markdown.contains("`roomwireSomethingNew` | `seedBaselineSomethingNew`"),
            "names alone do not make a pair");
        assertTrue(markdown.contains("Baselines without a pair in `JmhSection.PAIRS` (no ratio computed): " +
            "ExtraBenchmark.seedBaselineSomethingNew."), markdown);
        assertTrue(markdown.contains("| `seedBaseline` | receivers=100 | thrpt | 4 | 3.45 M | 3.38 M – 3.53 M | " +
            "3.30 M – 3.60 M | ops/s | 65,656 |"), markdown);
        assertTrue(markdown.indexOf("#### FanOutBenchmark") < markdown.indexOf("#### ProtocolCodecBenchmark") &&
            markdown.indexOf("#### HandoffQueueBenchmark") < markdown.indexOf("#### ExtraBenchmark"),
            "classes in report order, unknown ones last");
        assertTrue(markdown.contains("its alloc is bytes per operation of any thread"), "the @Group note");
        assertTrue(markdown.contains("#### FanOutBenchmark\n\nRun with 1 fork(s), 3 × 2 s warm-up, 5 × 2 s measured, " +
            "1 thread(s); JDK 17.0.15; fork JVM flags `--add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g`.\n" +
            "Run with 2 fork(s), 3 × 2 s warm-up, 5 × 2 s measured"), markdown);
    }

    @Test
    void shouldListEveryPairedBenchmarkOfTheTableInTheRealClasses()
    {
        for (final JmhSection.Pair pair : JmhSection.PAIRS)
        {
            final Class<?> benchmark;
            try
            {
                benchmark = Class.forName("io.roomwire.benchmarks." + pair.className);
            }
            catch (final ClassNotFoundException ex)
            {
                throw new AssertionError("no class " + pair.className, ex);
            }
            for (final String label : List.of(pair.roomwire, pair.baseline))
            {
                final String method = label.contains(":") ? label.substring(0, label.indexOf(':')) : label;
                assertTrue(hasBenchmark(benchmark, method), pair.className + " has no benchmark " + method);
            }
        }
    }

    private static boolean hasBenchmark(final Class<?> benchmark, final String name)
    {
        for (final java.lang.reflect.Method method : benchmark.getMethods())
        {
            final org.openjdk.jmh.annotations.Group group =
                method.getAnnotation(org.openjdk.jmh.annotations.Group.class);
            if (method.isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class) &&
                name.equals(null == group ? method.getName() : group.value()))
            {
                return true;
            }
        }
        return false;
    }

    // -------------------------------------------------------------------------------------------------- latency

    @Test
    void shouldTakeTheMedianOfEachPercentileAcrossRunsOfTheSameSettings() throws Exception
    {
        final LatencySection latency = new LatencySection().read(results().resolve("latency"));
        assertEquals(4, latency.runs().size(), "three JSON runs and the text one without a JSON twin");
        final String markdown = latency.render();
        assertTrue(markdown.contains(
            "| 100 k | 100 | busy-spin | 3 | 10.0 s | 100 k | 3.90 | 7.50 | 656 | 4,690 | 7,010 | 7,860 | yes |"),
            markdown);
        assertTrue(markdown.contains(
            "| 10.0 k | 100 | busy-spin | 1 | 10.0 s | 10.0 k | 5.00 | 7.80 | 227 | 2,340 | 5,670 | 6,630 | yes |"),
            markdown);
        assertFalse(markdown.contains("999"), "run1.txt is the printed twin of run1.json");
    }

    // ------------------------------------------------------------------------------------------------------ e2e

    @Test
    void shouldSelectTheHighestSustainedStepAndThePercentileNearAMillion() throws Exception
    {
        final EndToEndSection e2e = new EndToEndSection(100).read(results().resolve("e2e"));
        final Map<String, List<EndToEndSection.Step>> fanOut = e2e.stepsByServer("fanout");
        assertEquals(List.of("roomwire (ws)", "naive (ws)", "bun (ws)"), List.copyOf(fanOut.keySet()));

        for (final EndToEndSection.Step step : fanOut.get("roomwire (ws)"))
        {
            assertEquals(step.step <= 3 || step.step == 5, step.isSustained(100), "step " + step.step);
        }
        final EndToEndSection.Summary roomwire = EndToEndSection.summarise(fanOut.get("roomwire (ws)"), 100);
        assertEquals(5, roomwire.best.step, "not 4 (achieved < 95%), 6 (closed), 7 (p99), 8 (loss)");
        assertEquals(2_990_905, roomwire.sustainedDeliveries(), EPSILON);
        assertEquals(3, roomwire.nearTarget.step);
        assertEquals(29_300, roomwire.nearTarget.p99Us, EPSILON);

        final EndToEndSection.Summary naive = EndToEndSection.summarise(fanOut.get("naive (ws)"), 100);
        assertEquals(100_134, naive.sustainedDeliveries(), EPSILON);
        assertNull(naive.nearTarget, "its steps stop at 200 k offered, not within a factor of 2 of 1 M");

        final EndToEndSection.Summary bun = EndToEndSection.summarise(fanOut.get("bun (ws)"), 100);
        assertEquals(2, bun.nearTarget.step);
        assertFalse(bun.nearTarget.isSustained(100), "p99 150 ms");
        assertTrue(EndToEndSection.summarise(fanOut.get("bun (ws)"), 200).nearTarget.isSustained(200));

        final String markdown = e2e.render();
        assertTrue(markdown.contains("| roomwire | ws | 2.99 M | 3,000 | **yes** | 29.3 (offered 1.00 M) | – |"),
            markdown);
        assertTrue(markdown.contains("| naive | ws | 100 k | 100 | no | not sustained | 29.9× |"), markdown);
        assertTrue(markdown.contains("| bun | ws | 100 k | 100 | no | not sustained | 29.9× |"), markdown);
        assertTrue(markdown.contains(
            "| roomwire | ws | 6 | 4,000 | 4.00 M | 4.00 M | 0 (1 closed) | 30.0 | 90.0 | 108 | 96% | 80% | no | no |"),
            markdown);
        assertTrue(markdown.contains("fanout.jsonl: 1 line(s) could not be read"), markdown);
    }

    @Test
    void shouldTabulateManyRoomsIdleMemoryAndSse() throws Exception
    {
        final String markdown = new EndToEndSection(100).read(results().resolve("e2e")).render();
        assertTrue(markdown.contains("| roomwire | ws | – | 1 | 100 | 10,000 | 1,000 | 100 k | 100 k | 0 | 4.00 | 12.0 | " +
            "14.4 | 96% | normal | 80% | no | yes |"), markdown);
        assertTrue(markdown.contains("| naive | ws | – | 1 | 100 | 10,000 | 1,000 | 100 k | 40.0 k | 12,345 | 833 | 2,500 | " +
            "3,000 | 96% | normal | 80% | no | no |"), markdown);
        assertTrue(markdown.contains("| naive | ws | 1,000 | 1, 1 | 833 / 2,500 | 4.00 / 12.0 | 208× | 208× | – | no, no | " +
            "no, no |"),
            "naive against Roomwire at the same rate: " + markdown);
        assertFalse(markdown.contains("| roomwire | ws | 1,000 | 4.00 / 12.0 |"),
            "Roomwire is not compared with itself");
        // memory per connection: heap plus direct where there is a histogram (3.50 KB for Roomwire), else RSS
        assertTrue(markdown.contains("| roomwire | ws | 10,000 | 0 | 146 | 150 | 200 | 5.12 | 3.00 | 0.500 | " +
            "3.50 | – | `byte[]` 20,000 KB, `io.roomwire.engine.Session` 2,000 KB, `java.lang.String` 1,000 KB |"),
            markdown);
        assertTrue(markdown.contains("| node-ws | ws | 10,000 | 0 | 48.8 | 50.0 | 150 | 10.2 | – | – | " +
            "10.2 | 0.34× | – |"), markdown);
        assertTrue(markdown.contains("| naive | – | 10,000 | – | – | – | – | – | 8.00 | – | " +
            "8.00 | 0.44× | – |"), "a heap line without an idle line: " + markdown);
        assertTrue(markdown.indexOf("| roomwire | ws | 10,000 |") < markdown.indexOf("| node-ws | ws | 10,000 |"));
        // mass disconnect: a server that had not closed every end within the minute gets no time and no ratio
        assertTrue(markdown.contains("| roomwire | 10,000 | 413 | 380 | 0 | – |"), markdown);
        assertTrue(markdown.contains("| node-ws | 10,000 | > 60,000 | 60,100 | 312 | – |"), markdown);

        final String sse = markdown.substring(markdown.indexOf("### End to end: SSE fan-out"));
        assertTrue(sse.contains("| roomwire | sse | 1.00 M | 1,000 | no | 40.0 (offered 1.00 M) | – |"), sse);
        assertTrue(sse.contains("| socketio | sse | none | – | – | not sustained | – (sustained no step) |"), sse);
    }

    @Test
    void shouldCompareManyRoomsRoundsByTheirMedians(@TempDir final Path dir) throws Exception
    {
        final Path e2e = Files.createDirectories(dir.resolve("e2e"));
        final StringBuilder lines = new StringBuilder();
        // alternating rounds of Roomwire and Bun at 5,000 msgs/s (p50 / p99 in µs), and one of the naive design
        final double[][] roomwire = {{200, 4000}, {300, 30000}, {210, 9000}};
        final double[][] bun = {{190, 5000}, {250, 12000}, {180, 3000}};
        for (int round = 1; round <= 3; round++)
        {
            lines.append(roomsLine("roomwire", round, roomwire[round - 1], round == 2))
                .append(roomsLine("bun", round, bun[round - 1], false));
        }
        lines.append(roomsLine("naive", 0, new double[] {400, 20000}, false));
        Files.writeString(e2e.resolve("rooms.jsonl"), lines, StandardCharsets.UTF_8);

        final String markdown = new EndToEndSection(100).read(e2e).render();
        assertTrue(markdown.contains("| roomwire | ws | 2 | 1 | 1,000 | 10,000 | 5,000 | 50.0 k | 50.0 k | 0 | 0.300 | " +
            "30.0 |"), "every round's step is listed with its round: " + markdown);
        // medians: Bun 0.190 / 5.00, Roomwire 0.210 / 9.00; round by round 5/4, 12/30, 3/9
        assertTrue(markdown.contains("| bun | ws | 5,000 | 3, 3 | 0.190 / 5.00 | 0.210 / 9.00 | 0.90× | 0.56× | " +
            "1.25×, 0.40×, 0.33× | 0 of 3, **1 of 3** | 3 of 3, 2 of 3 |"), markdown);
        assertTrue(markdown.contains("| 0.300 | 30.0 | 40.0 | 50% | normal (84% busy) | 40% | **yes** |"),
            "Roomwire's round 2, left in the normal class for its load: " + markdown);
        assertTrue(markdown.contains("| naive | ws | 5,000 | 1, 3 | 0.400 / 20.0 | 0.210 / 9.00 | 1.90× | 2.22× | – | " +
            "no, **1 of 3** | no, 2 of 3 |"), "a single run against Roomwire's median: " + markdown);
        assertTrue(markdown.contains("| 50% | normal | 40% |"), "the naive server, real-time off: " + markdown);
    }

    private static String roomsLine(final String label, final int round, final double[] p50p99, final boolean bound)
    {
        return "{\"label\": \"" + label + "\", \"scenario\": \"rooms\", \"protocol\": \"ws\", " +
            (round > 0 ? "\"round\": " + round + ", " : "") + "\"step\": 1, \"clients\": 10000, \"rooms\": 1000, " +
            "\"offeredMsgs\": 5000, \"offeredDeliveries\": 50000.0, \"achievedDeliveries\": 50000, \"loss\": 0, " +
            "\"closed\": 0, \"p50Us\": " + p50p99[0] + ", \"p99Us\": " + p50p99[1] + ", \"p999Us\": 40000, " +
            "\"serverCpu\": 0.5, \"genCpu\": 0.4, \"generatorBound\": " + bound + serverRt(label, round) + "}\n";
    }

    /**
     * @return how the generator scheduled the server: Roomwire left in the normal class in round 2 for its load, the
     * naive server with no word (real-time off), every other step raised.
     */
    private static String serverRt(final String label, final int round)
    {
        if ("naive".equals(label))
        {
            return "";
        }
        return ", \"serverRt\": \"" + ("roomwire".equals(label) && round == 2 ?
            "normal class for this step (84% of its cores in the warm-up, limit 75%)" :
            "fifo 10: 23 threads, normal class: C2 CompilerThre, C1 CompilerThre (45% of its cores in the warm-up, " +
                "limit 75%); after: normal: 23 threads") + "\"";
    }

    // -------------------------------------------------------------------------------------------------- not run

    @Test
    void shouldSayNotRunForEveryMissingInputWithoutFailing(@TempDir final Path empty) throws Exception
    {
        final String markdown = BenchmarkReport.generate(empty, null);
        assertTrue(markdown.contains("`run.json`: not found."), markdown);
        assertTrue(markdown.contains("`machine.txt`: not found."), markdown);
        assertTrue(markdown.contains("### JMH suites\n\n_Not run_"), markdown);
        assertTrue(markdown.contains("### In-process latency (`InProcessLatency`)\n\n_Not run_"), markdown);
        assertTrue(markdown.contains("(scenario `fanout`)\n\n_Not run_"), markdown);
        assertTrue(markdown.contains("(scenario `rooms`)\n\n_Not run_"), markdown);
        assertTrue(markdown.contains("idle memory per connection\n\n_Not run_"), markdown);
        assertTrue(markdown.contains("(scenario `sse`)\n\n_Not run_"), markdown);
    }

    @Test
    void shouldReportUnreadableFilesAndCarryOn(@TempDir final Path dir) throws Exception
    {
        Files.createDirectories(dir.resolve("jmh"));
        Files.createDirectories(dir.resolve("latency"));
        Files.writeString(dir.resolve("jmh/broken.json"), "{ not json");
        Files.writeString(dir.resolve("latency/empty.txt"), "nothing here\n");
        Files.writeString(dir.resolve("run.json"), "[");
        final String markdown = BenchmarkReport.generate(dir, null);
        assertTrue(markdown.contains("- broken.json could not be read"), markdown);
        assertTrue(markdown.contains("- empty.txt: no InProcessLatency result in it"), markdown);
        assertTrue(markdown.contains("run.json could not be read"), markdown);
        assertTrue(markdown.contains("### JMH suites\n\n_Not run_"), markdown);
    }

    // -------------------------------------------------------------------------------------------------- markers

    @Test
    void shouldReplaceOnlyWhatIsBetweenTheMarkers()
    {
        final String document = "# Title\n\nHand-written analysis.\n\n" + BEGIN_MARKER + "\nold table\n" +
            END_MARKER + "\n\nMore analysis, kept.\n";
        final String updated = BenchmarkReport.replaceGenerated(document, "new table\n");
        assertEquals("# Title\n\nHand-written analysis.\n\n" + BEGIN_MARKER + "\nnew table\n" + END_MARKER +
            "\n\nMore analysis, kept.\n", updated);
        assertEquals(updated, BenchmarkReport.replaceGenerated(updated, "new table"), "idempotent");
    }

    @Test
    void shouldAppendTheMarkersWithTheSectionWhenTheFileHasNone()
    {
        assertEquals("# Title\nno newline at the end\n\n" + BEGIN_MARKER + "\nsection\n" + END_MARKER + "\n",
            BenchmarkReport.replaceGenerated("# Title\nno newline at the end", "section\n"));
        assertEquals(BEGIN_MARKER + "\nsection\n" + END_MARKER + "\n", BenchmarkReport.replaceGenerated("", "section"));
    }

    @Test
    void shouldRefuseMarkersOutOfOrderOrDuplicated()
    {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkReport.replaceGenerated(
            END_MARKER + "\n" + BEGIN_MARKER + "\n", "x"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkReport.replaceGenerated(
            BEGIN_MARKER + "\n", "x"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkReport.replaceGenerated(
            BEGIN_MARKER + "\n" + END_MARKER + "\n" + BEGIN_MARKER + "\n" + END_MARKER + "\n", "x"));
    }

    @Test
    void shouldWriteTheReportIntoTheMarkdownFileAndLeaveTheAnalysisAlone(@TempDir final Path dir) throws Exception
    {
        final Path markdown = dir.resolve("benchmarks.md");
        final String analysis = "# Roomwire benchmarks\n\nWhy the tail is long: descheduling.\n\n";
        Files.writeString(markdown, analysis + BEGIN_MARKER + "\nstale\n" + END_MARKER + "\n\nAfterword.\n");

        BenchmarkReport.main(new String[]{ results().toString(), markdown.toString() });

        final String written = Files.readString(markdown, StandardCharsets.UTF_8);
        assertTrue(written.startsWith(analysis + BEGIN_MARKER + "\n## Generated results\n"), written);
        assertTrue(written.endsWith(END_MARKER + "\n\nAfterword.\n"), written);
        assertFalse(written.contains("stale"));
        assertTrue(written.contains("```\nbenchmarks/run.sh quick /tmp/results\n```"), "the command: " + written);
        assertTrue(written.contains("- gitCommit: `2a3625e`"), written);
        assertTrue(written.contains("- jvmFlags: `-Xms2g -Xmx2g`"), written);
        assertTrue(written.contains("```\nnproc: 2\nModel name: AMD EPYC"), "machine.txt: " + written);
        assertTrue(written.contains("written by `benchmarks/jmh.sh`):\n\n```\njava -jar /work/benchmarks/target/" +
            "benchmarks.jar \\\\.FanOutBenchmark\\\\. -f 1"), "jmh/commands.txt: " + written);

        BenchmarkReport.main(new String[]{ results().toString(), markdown.toString() });
        assertEquals(written, Files.readString(markdown, StandardCharsets.UTF_8), "same inputs, same file");
    }
}
