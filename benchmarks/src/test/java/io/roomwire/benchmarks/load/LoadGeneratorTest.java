package io.roomwire.benchmarks.load;

import io.roomwire.engine.Engine;
import io.roomwire.undertow.RoomwireServer;
import io.roomwire.undertow.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator end to end, in-process: one short step against Roomwire's server in {@code ws} and {@code sse}
 * mode, the idle mode, and {@code socketio} mode against a fake Socket.IO server. Every message must reach every
 * member (zero loss) with its latency recorded.
 */
@Timeout(60)
class LoadGeneratorTest
{
    private static final int CLIENTS = 50;
    private static RoomwireServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start()
    {
        server = RoomwireServer.start(
            new ServerConfig().dev(true).port(0).host("127.0.0.1").ioThreads(1)
                .frameRate(1_000_000).frameBurst(1_000_000),
            new Engine.Context().publishRate(1_000_000).publishBurst(1_000_000));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private Properties oneShortStep(final int port, final String protocol)
    {
        final Properties properties = new Properties();
        properties.setProperty(LoadGenerator.PORT_PROP_NAME, Integer.toString(port));
        properties.setProperty(LoadGenerator.PROTOCOL_PROP_NAME, protocol);
        properties.setProperty(LoadGenerator.CLIENTS_PROP_NAME, Integer.toString(CLIENTS));
        properties.setProperty(LoadGenerator.ROOMS_PROP_NAME, "1");
        properties.setProperty(LoadGenerator.PUBLISHERS_PROP_NAME, "1");
        properties.setProperty(LoadGenerator.RATES_PROP_NAME, "100");
        properties.setProperty(LoadGenerator.PREWARM_PROP_NAME, "0s");
        properties.setProperty(LoadGenerator.WARMUP_PROP_NAME, "200ms");
        properties.setProperty(LoadGenerator.DURATION_PROP_NAME, "1s");
        properties.setProperty(LoadGenerator.DRAIN_PROP_NAME, "5s");
        properties.setProperty(LoadGenerator.STOP_P99_PROP_NAME, "60s");
        properties.setProperty(LoadGenerator.SETUP_TIMEOUT_PROP_NAME, "20s");
        properties.setProperty(LoadGenerator.SERVER_PID_PROP_NAME, Long.toString(ProcessHandle.current().pid()));
        properties.setProperty(LoadGenerator.LABEL_PROP_NAME, "test");
        properties.setProperty(LoadGenerator.RESULTS_PROP_NAME, dir.resolve("results.jsonl").toString());
        return properties;
    }

    private static Map<String, Object> runOneStep(final Properties properties) throws Exception
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final LoadGenerator generator =
            new LoadGenerator(properties, new PrintStream(output, true, StandardCharsets.UTF_8));
        final int status = generator.run();
        final String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertEquals(1, generator.results().size(), printed);
        final Map<String, Object> step = generator.results().get(0);
        assertEquals(CLIENTS, step.get("clients"), printed);
        assertTrue((long)step.get("sentMsgs") >= 100, printed);
        assertEquals((long)step.get("sentMsgs") * CLIENTS, (long)step.get("expected"), printed);
        assertEquals(step.get("expected"), step.get("received"), printed);
        assertEquals(0L, step.get("loss"), printed);
        assertEquals(0L, step.get("gaps"), printed);
        assertEquals(0L, step.get("reorders"), printed);
        assertEquals(0, step.get("closed"), printed);
        assertTrue((long)step.get("latencyCount") >= 90L * CLIENTS, printed);
        assertTrue((double)step.get("p50Us") > 0 && (double)step.get("maxUs") >= (double)step.get("p99Us"), printed);

        final double[] received = (double[])step.get("timelineReceived");
        final double[] p99 = (double[])step.get("timelineP99Us");
        final double[] max = (double[])step.get("timelineMaxUs");
        assertEquals(1, received.length, "one entry per whole second of the 1 s window: " + printed);
        assertTrue(received[0] > 0 && received[0] <= (long)step.get("latencyCount"), printed);
        assertTrue(p99[0] > 0 && max[0] >= p99[0] && max[0] <= (double)step.get("maxUs"), printed);
        assertTrue(printed.contains("# step 1, second 1: " + (long)received[0] + " received"), printed);
        return step;
    }

    @Test
    void shouldDeliverEveryMessageOverWebSocket() throws Exception
    {
        final Map<String, Object> step = runOneStep(oneShortStep(server.port(), "ws"));
        assertEquals("ws", step.get("protocol"));
        assertEquals("fanout", step.get("scenario"));

        final List<String> json = Files.readAllLines(dir.resolve("results.jsonl"));
        assertEquals(1, json.size());
        assertTrue(json.get(0).startsWith("{\"label\":\"test\",\"scenario\":\"fanout\",\"protocol\":\"ws\","),
            json.get(0));
        final List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertTrue(csv.get(0).startsWith("label,scenario,protocol,step,"), csv.get(0));
        assertTrue(csv.get(1).startsWith("test,fanout,ws,1,"), csv.get(1));
    }

    @Test
    void shouldRaiseItsThreadsAndLowerThemForAStepThatBusiesItsCore() throws Exception
    {
        final Properties properties = oneShortStep(server.port(), "ws");
        properties.setProperty(LoadGenerator.RT_PRIORITY_PROP_NAME, "1");
        // Any use of the core passes a limit of 0, so the warm-up puts the threads back in the normal class.
        properties.setProperty(LoadGenerator.RT_LIMIT_PROP_NAME, "0");
        final String rt = (String)runOneStep(properties).get("generatorRt");

        final String lowered = "): pacer normal, selector 0 normal";
        if (rt.startsWith("pacer fifo 2, selector 0 fifo 1; "))
        {
            assertTrue(rt.contains("; normal class for this step (") &&
                rt.contains("% of the generator's cores in the warm-up, limit 0%") && rt.endsWith(lowered), rt);
        }
        else
        {
            // Without the right to raise (not root), the threads stay in the normal class and lowering is allowed.
            assertTrue(rt.startsWith("pacer not raised: ") && rt.endsWith(lowered), rt);
        }
    }

    @Test
    void shouldRunItsThreadsInTheNormalClassWithoutRealTimePriority() throws Exception
    {
        final Map<String, Object> step = runOneStep(oneShortStep(server.port(), "ws"));
        assertEquals("pacer off, selector 0 off", step.get("generatorRt"));
        assertEquals("off", step.get("serverRt"));
    }

    @Test
    void shouldRaiseAServerWithHeadroomForTheStepAndLowerItAfter() throws Exception
    {
        // The generator reads and raises whatever process it is told is the server: an idle one here.
        final Process idle = new ProcessBuilder("sleep", "60").start();
        try
        {
            final Properties properties = oneShortStep(server.port(), "ws");
            properties.setProperty(LoadGenerator.SERVER_PID_PROP_NAME, Long.toString(idle.pid()));
            properties.setProperty(LoadGenerator.SERVER_RT_PRIORITY_PROP_NAME, "1");
            final String rt = (String)runOneStep(properties).get("serverRt");

            final String warmup = " (0% of its cores in the warm-up, limit 85%)";
            if (rt.startsWith("fifo 1: 1 threads" + warmup))
            {
                assertEquals("fifo 1: 1 threads" + warmup + "; after: normal: 1 threads", rt);
            }
            else
            {
                // Without the right to raise (not root), nothing was raised and nothing needed lowering.
                assertTrue(rt.startsWith("fifo 1: 0 threads; not raised: ") && rt.endsWith(warmup), rt);
            }
            assertEquals(0, RealtimePriority.realtimeThreadCount(Long.toString(idle.pid())));
        }
        finally
        {
            idle.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldLeaveAServerOverTheLimitInTheNormalClass() throws Exception
    {
        final Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try
        {
            final Properties properties = oneShortStep(server.port(), "ws");
            properties.setProperty(LoadGenerator.SERVER_PID_PROP_NAME, Long.toString(busy.pid()));
            properties.setProperty(LoadGenerator.SERVER_RT_PRIORITY_PROP_NAME, "1");
            properties.setProperty(LoadGenerator.SERVER_RT_LIMIT_PROP_NAME, "0.25");
            final String rt = (String)runOneStep(properties).get("serverRt");

            assertTrue(rt.startsWith("normal class for this step (") && rt.endsWith("% of its cores in the warm-up, " +
                "limit 25%)"), rt);
            assertEquals(0, RealtimePriority.realtimeThreadCount(Long.toString(busy.pid())));
        }
        finally
        {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldDeliverEveryMessageToSseSubscribersAndTheWebSocketPublisher() throws Exception
    {
        final Properties properties = oneShortStep(server.port(), "sse");
        properties.setProperty(LoadGenerator.SCENARIO_PROP_NAME, "sse-fanout");
        final Map<String, Object> step = runOneStep(properties);
        assertEquals("sse", step.get("protocol"));
        assertEquals("sse-fanout", step.get("scenario"));
    }

    @Test
    void shouldDeliverEveryMessageOverSocketIoAndAnswerThePing() throws Exception
    {
        try (FakeSocketIoServer socketIo = new FakeSocketIoServer())
        {
            final Properties properties = oneShortStep(socketIo.port(), "socketio");
            properties.setProperty(LoadGenerator.CLIENTS_PROP_NAME, Integer.toString(CLIENTS));
            properties.remove(LoadGenerator.SERVER_PID_PROP_NAME);
            final Map<String, Object> step = runOneStep(properties);
            assertEquals("socketio", step.get("protocol"));

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (socketIo.pongs.get() < CLIENTS && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(10);
            }
            assertEquals(CLIENTS, socketIo.connects.get(), "every client sent 40 after the open packet");
            assertEquals(CLIENTS, socketIo.pongs.get(), "every client, the publisher too, answered ping 2 with 3");
            assertTrue(socketIo.events.get() >= 100, "the publisher sent 42[\"message\",...] events");
            assertEquals(List.of(), socketIo.errors);
        }
    }

    @Test
    void shouldHoldEveryConnectionOpenInIdleModeAndRunTheHook() throws Exception
    {
        final Properties properties = oneShortStep(server.port(), "ws");
        properties.setProperty(LoadGenerator.CLIENTS_PROP_NAME, "5");
        properties.setProperty(LoadGenerator.IDLE_PROP_NAME, "1s");
        properties.setProperty(LoadGenerator.IDLE_BASELINE_RSS_PROP_NAME, "1024");
        properties.setProperty(LoadGenerator.IDLE_HOOK_PROP_NAME, "/bin/echo");
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final LoadGenerator generator =
            new LoadGenerator(properties, new PrintStream(output, true, StandardCharsets.UTF_8));

        final int status = generator.run();
        final String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        final String pid = Long.toString(ProcessHandle.current().pid());
        assertTrue(printed.contains("\n" + pid + "\n# idle hook exited with 0"), printed);

        assertEquals(1, generator.results().size());
        final Map<String, Object> idle = generator.results().get(0);
        assertEquals("idle", idle.get("scenario"));
        assertEquals("ws", idle.get("protocol"));
        assertEquals(5, idle.get("clients"));
        assertEquals(0, idle.get("closed"));
        assertEquals(5, idle.get("openAtEnd"));
        final long rssEndKb = (long)idle.get("rssEndKb");
        assertTrue(rssEndKb > 1024, printed);
        assertEquals((rssEndKb - 1024) * 1024.0 / 5, (double)idle.get("rssPerConnectionBytes"), 1e-6);
        assertEquals(0, idle.get("disconnectOpenAtEnd"), "the server closed its end of every client: " + printed);
        assertTrue((double)idle.get("disconnectMs") >= 0, printed);
        assertTrue(printed.contains("# disconnect: 5 clients closed at once; the server closed every end in "), printed);

        final List<String> json = Files.readAllLines(dir.resolve("results.jsonl"));
        assertEquals(1, json.size());
        assertTrue(json.get(0).startsWith("{\"label\":\"test\",\"scenario\":\"idle\",\"protocol\":\"ws\"," +
            "\"clients\":5,\"rssBaselineKb\":1024,"), json.get(0));
        assertTrue(Files.notExists(dir.resolve("results.csv")), "no CSV line for idle mode");
    }

    @Test
    void shouldFailAnSseSubscriberRefusedWithTheStatusLineAsReason() throws Exception
    {
        final Properties properties = oneShortStep(server.port(), "sse");
        properties.setProperty(LoadGenerator.CLIENTS_PROP_NAME, "3");
        properties.setProperty(LoadGenerator.PATH_PROP_NAME, "/no-such-endpoint/{room}");
        properties.setProperty(LoadGenerator.IDLE_PROP_NAME, "100ms");
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final LoadGenerator generator =
            new LoadGenerator(properties, new PrintStream(output, true, StandardCharsets.UTF_8));

        final int status = generator.run();
        final String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, printed);
        assertTrue(printed.contains("# connected 1 of 3"), printed);
        assertTrue(printed.contains("SSE refused: HTTP/1.1 404"), printed);
        assertEquals(2, generator.results().get(0).get("failed"), printed);
    }
}
