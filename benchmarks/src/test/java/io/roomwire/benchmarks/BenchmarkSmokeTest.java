package io.roomwire.benchmarks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.PrintStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI smoke run of every benchmark: each JMH class in this JVM through the Runner API (no fork, no warm-up, one
 * 100 ms iteration, the smallest parameters), and {@link InProcessLatency} for a second. It checks that every
 * benchmark sets up, runs, passes its own teardown checks and scores; it measures nothing.
 */
class BenchmarkSmokeTest
{
    /**
     * Every JMH class of the module; {@link #shouldSmokeTestEveryJmhClassOfTheModule()} fails when one is missing.
     */
    static final List<Class<?>> BENCHMARKS = List.of(
        ProtocolCodecBenchmark.class,
        FanOutBenchmark.class,
        EnginePublishBenchmark.class,
        PresenceBenchmark.class,
        HandoffQueueBenchmark.class);

    /**
     * The smallest parameters: one receiver; 1,000 presence users (10 rooms), below the smallest declared 10,000,
     * so the three Roomwire presence trials set up in well under a second each.
     */
    static final Map<Class<?>, Map<String, String>> SMOKE_PARAMS = Map.of(
        FanOutBenchmark.class, Map.of("receivers", "1"),
        PresenceBenchmark.class, Map.of("users", "1000"));

    @BeforeAll
    static void allowAnotherJmhRunOnTheMachine()
    {
        // JMH takes /tmp/jmh.lock for a run; a benchmark run by someone else must not fail the build.
        System.setProperty("jmh.ignoreLock", "true");
    }

    static List<Class<?>> benchmarks()
    {
        return BENCHMARKS;
    }

    @Test
    void shouldSmokeTestEveryJmhClassOfTheModule()
    {
        final Set<String> listed = BenchmarkList.defaultList()
            .getAll(OutputFormatFactory.createFormatInstance(silent(), VerboseMode.SILENT), List.of())
            .stream()
            .map(BenchmarkListEntry::getUserClassQName)
            .collect(Collectors.toCollection(TreeSet::new));
        final Set<String> tested = BENCHMARKS.stream().map(Class::getName)
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, tested, "JMH classes in META-INF/BenchmarkList vs BENCHMARKS");
    }

    @ParameterizedTest
    @MethodSource("benchmarks")
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void shouldRunEveryBenchmarkOnceWithAPositiveScore(final Class<?> benchmark) throws Exception
    {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + Pattern.quote(benchmark.getName() + ".") + "\\w+$")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
        SMOKE_PARAMS.getOrDefault(benchmark, Map.of()).forEach((name, value) -> options.param(name, value));

        final Collection<RunResult> results = new Runner(options.build()).run();

        final Set<String> ran = new TreeSet<>();
        for (final RunResult result : results)
        {
            final String name = result.getParams().getBenchmark();
            ran.add(name.substring(name.lastIndexOf('.') + 1));
            final double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0, name + " scored " + score);
            for (final Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet())
            {
                assertTrue(secondary.getValue().getScore() > 0,
                    name + ":" + secondary.getKey() + " scored " + secondary.getValue().getScore());
            }
        }
        assertEquals(benchmarkNames(benchmark), ran, "benchmarks of " + benchmark.getSimpleName() + " that ran");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRecordLatencyPercentilesInABriefInProcessRun()
    {
        final Map<String, Object> result = InProcessLatency.measure(
            10_000, 8, TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(800), "busy-spin");

        @SuppressWarnings("unchecked")
        final Map<String, Object> latencyUs = (Map<String, Object>)result.get("latencyUs");
        final long count = ((Number)latencyUs.get("count")).longValue();
        assertTrue(count > 0, "nothing recorded: " + result);
        double previous = 0;
        for (final String percentile : List.of("p50", "p90", "p99", "p99.9", "p99.99", "max"))
        {
            final double value = ((Number)latencyUs.get(percentile)).doubleValue();
            assertTrue(value > 0 && value >= previous, percentile + " = " + value + " in " + latencyUs);
            previous = value;
        }
        assertEquals(Boolean.TRUE, result.get("valid"), "every message reached every receiver: " + result);
        assertEquals(result.get("expectedDeliveries"), result.get("deliveries"));
    }

    /**
     * @return the benchmark names JMH reports for a class: each {@link Benchmark} method, or its {@link Group}.
     */
    static Set<String> benchmarkNames(final Class<?> benchmark)
    {
        final Set<String> names = new TreeSet<>();
        for (final Method method : benchmark.getMethods())
        {
            if (method.isAnnotationPresent(Benchmark.class))
            {
                final Group group = method.getAnnotation(Group.class);
                names.add(null == group ? method.getName() : group.value());
            }
        }
        return names;
    }

    private static PrintStream silent()
    {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
