package io.roomwire.undertow;

import io.roomwire.engine.Engine;
import io.roomwire.protocol.ErrorCodes;
import io.roomwire.protocol.Identifiers;
import io.roomwire.protocol.codec.ErrorCode;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.xnio.Options;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A Roomwire node: the engine, and one Undertow server carrying WebSocket, Server-Sent Events, long polling and HTTP
 * publishing to it, with the JavaScript client, the demo page, {@code /metrics} and {@code /health}.
 * <pre>{@code
 * java -jar roomwire-server.jar --dev --port 8080
 * }</pre>
 * Each XNIO I/O thread has its own engine gateway ({@link IoLoop}); handlers run on the I/O thread of their connection
 * and never block. {@code /metrics} alone is rendered on a worker thread (see {@link #metricsExecutor(Executor)}).
 * <p>
 * Thread safety: {@link #start(ServerConfig)} and {@link #close()} from any thread; the rest is used by I/O threads,
 * and {@code /metrics} by a worker thread.
 */
public final class RoomwireServer implements AutoCloseable
{
    /** Longest an I/O thread's warm-up waits for its loopback connections, and then for its bounces. */
    private static final long WARMUP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOGGER = Logger.getLogger(RoomwireServer.class.getName());
    private static final HttpString ACCESS_CONTROL_ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");

    private final ServerConfig config;
    private final Engine engine;
    private final Metrics metrics = new Metrics();
    private final Authenticator authenticator;
    /** Connections open by client address; an entry changes only inside the map's {@code compute} for its key. */
    private final Map<String, AddressConnections> connectionsByAddress = new ConcurrentHashMap<>();
    private final Map<XnioIoThread, IoLoop> loopByThread = new IdentityHashMap<>();
    private final Undertow undertow;
    private final ResourceHandler resources;
    private final WebSocketHandler webSocketHandler;
    private final SseHandler sseHandler;
    private final LongPollHandler longPollHandler;
    private final PublishHandler publishHandler;
    private final long keepAliveIntervalNs;
    private final int port;
    private volatile Executor metricsExecutor;
    private volatile boolean isClosed;
    private volatile boolean isReady;

    private RoomwireServer(final ServerConfig config, final Engine.Context engineContext)
    {
        this.config = config.conclude();
        this.engine = Engine.launch(engineContext.jsonForm(true).useAgentInvoker(config.isEngineOnIoThread()));
        this.keepAliveIntervalNs = engine.context().heartbeatIntervalNs();
        this.authenticator = new Authenticator(config, engine.context().epochClock());
        this.resources = new ResourceHandler(new ClassPathResourceManager(RoomwireServer.class.getClassLoader(), "web"))
            .setWelcomeFiles("index.html")
            .setDirectoryListingEnabled(false);
        this.webSocketHandler = new WebSocketHandler(this);
        this.sseHandler = new SseHandler(this);
        this.longPollHandler = new LongPollHandler(this);
        this.publishHandler = new PublishHandler(this);

        Undertow server = null;
        try
        {
            final Undertow.Builder builder = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setIoThreads(config.ioThreads())
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long)config.maxMessageLength())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int)TimeUnit.NANOSECONDS.toMillis(config.idleTimeoutNs()))
                .setSocketOption(Options.TCP_NODELAY, true)
                .setHandler(this::route);
            if (config.socketSendBuffer() > 0)
            {
                builder.setSocketOption(Options.SEND_BUFFER, config.socketSendBuffer());
            }
            server = builder.build();
            server.start();

            final XnioWorker worker = server.getWorker();
            final CountDownLatch started = new CountDownLatch(worker.getIoThreadCount());
            for (int i = 0; i < worker.getIoThreadCount(); i++)
            {
                final XnioIoThread thread = worker.getIoThread(i);
                final IoLoop loop = new IoLoop(this, thread, engine.newGateway());
                loop.engineInvoker(engine.invoker());
                loopByThread.put(thread, loop);
            }
            // before the loops start their timers, so that the warm-up's own timers empty the timer queue at times,
            // as an idle loop's one tick does (see SelectLoopWarmup)
            warmUpSelectLoops(worker);
            for (final IoLoop loop : loopByThread.values())
            {
                loop.start();
                loop.thread().execute(started::countDown);
            }
            started.await(10, TimeUnit.SECONDS);
            isReady = true;
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            if (null != server)
            {
                server.stop();
            }
            engine.close();
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }

        this.undertow = server;
        this.port = ((InetSocketAddress)server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void warmUpSelectLoops(final XnioWorker worker) throws InterruptedException
    {
        final int bounces = config.warmupBounces();
        final Thread[] warmups = new Thread[worker.getIoThreadCount()];
        for (int i = 0; i < warmups.length; i++)
        {
            final XnioIoThread thread = worker.getIoThread(i);
            warmups[i] = new Thread(() ->
            {
                try
                {
                    final long startNs = System.nanoTime();
                    final int bounced = SelectLoopWarmup.run(thread, bounces, WARMUP_TIMEOUT_NS);
                    metrics.warmedUp(bounced, System.nanoTime() - startNs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "roomwire-warmup-" + i);
            warmups[i].start();
        }
        for (final Thread warmup : warmups)
        {
            warmup.join();
        }
    }

    /**
     * Start a node with the engine's default context (from system properties).
     *
     * @param config of the edge.
     * @return the running server.
     */
    public static RoomwireServer start(final ServerConfig config)
    {
        return start(config, new Engine.Context());
    }

    /**
     * Start a node.
     *
     * @param config        of the edge.
     * @param engineContext of the engine; its JSON form is turned on.
     * @return the running server.
     */
    public static RoomwireServer start(final ServerConfig config, final Engine.Context engineContext)
    {
        return new RoomwireServer(config, engineContext);
    }

    /**
     * Command line entry point: parses flags, starts, logs where it listens and the limits in force, and shuts down
     * gracefully on SIGTERM.
     *
     * @param args see {@link ServerConfig#usage()}.
     * @throws IOException when a config file cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (List.of(args).contains("--help"))
        {
            System.out.println(ServerConfig.usage());
            return;
        }
        final List<String> unknown = ServerConfig.applyArguments(args);
        if (!unknown.isEmpty())
        {
            System.err.println("unknown arguments: " + unknown);
            System.err.println(ServerConfig.usage());
            System.exit(2);
        }

        final RoomwireServer server;
        try
        {
            server = start(new ServerConfig());
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("roomwire: " + ex.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "roomwire-shutdown"));
        final ServerConfig config = server.config();
        System.out.println("roomwire: listening on http://" + config.host() + ":" + server.port() + "/" +
            (config.isDev() ? " (dev mode: demo page at /, tokens at /token?user=<name>, guests allowed)" : ""));
        System.out.println("roomwire: " + config.ioThreads() + " I/O threads" +
            (config.isEngineOnIoThread() ? " (the engine runs on the I/O thread)" : "") + "; limits: " +
            config.describeLimits());
        final Engine.Context ctx = server.engine().context();
        System.out.println("roomwire: engine: max payload " + ctx.maxPayloadLength() + " B, " +
            ctx.maxRoomsPerSession() + " rooms per session, " + ctx.maxMembersPerRoom() + " members per room, publish " +
            ctx.publishRate() + "/s (burst " + ctx.publishBurst() + "), history " + ctx.historyRecords() + " records / " +
            ctx.historyLength() + " B per room, presence timeout " + TimeUnit.NANOSECONDS.toSeconds(ctx.presenceTimeoutNs()) +
            " s, outbound budget " + ctx.outboundLength() + " B / " + ctx.outboundRecords() + " records");
        System.out.printf("roomwire: I/O threads warmed up: %d bounces in %.2f s of thread time%n",
            server.metrics().warmupBounces(), server.metrics().warmupNs() / 1e9);
    }

    /**
     * @return the port the server listens on.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return the engine.
     */
    public Engine engine()
    {
        return engine;
    }

    /**
     * @return the edge's settings.
     */
    public ServerConfig config()
    {
        return config;
    }

    /**
     * Shut down gracefully: deliver every record published before the call (the engine sequences what is in its
     * inbound ring first), close every WebSocket with {@code 1001}, end SSE streams and long polls, then stop the
     * server and the engine. Idempotent.
     */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;

        final CountDownLatch drained = new CountDownLatch(loopByThread.size());
        for (final IoLoop loop : loopByThread.values())
        {
            loop.thread().execute(() -> loop.shutdown(config.shutdownTimeoutNs() / 2, drained::countDown));
        }
        await(drained, config.shutdownTimeoutNs());
        final long deadlineNs = System.nanoTime() + config.shutdownTimeoutNs();
        while (openConnections() > 0 && System.nanoTime() < deadlineNs)
        {
            sleep();
        }

        final CountDownLatch gatewaysClosed = new CountDownLatch(loopByThread.size());
        for (final IoLoop loop : loopByThread.values())
        {
            loop.thread().execute(() ->
            {
                try
                {
                    loop.closeGateway();
                }
                finally
                {
                    gatewaysClosed.countDown();
                }
            });
        }
        await(gatewaysClosed, config.shutdownTimeoutNs());
        undertow.stop();
        CloseHelper.quietClose(engine);
    }

    private long openConnections()
    {
        return metrics.connections("websocket") + metrics.connections("sse") + metrics.connections("longpoll");
    }

    private static void await(final CountDownLatch latch, final long timeoutNs)
    {
        try
        {
            latch.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(10);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void sendMetrics(final HttpServerExchange exchange)
    {
        sendText(exchange, StatusCodes.OK, "text/plain; version=0.0.4; charset=utf-8",
            metrics.render(engine.engineCounters()));
    }

    /**
     * Where {@code /metrics} is rendered: by default (null) Undertow's worker threads, off the I/O threads.
     *
     * @param executor to render on, or null for the worker threads.
     */
    void metricsExecutor(final Executor executor)
    {
        this.metricsExecutor = executor;
    }

    // ------------------------------------------------------------------ shared with handlers

    Metrics metrics()
    {
        return metrics;
    }

    Authenticator authenticator()
    {
        return authenticator;
    }

    long keepAliveIntervalNs()
    {
        return keepAliveIntervalNs;
    }

    boolean isClosed()
    {
        return isClosed;
    }

    /**
     * @param thread an I/O thread of this server.
     * @return its loop.
     */
    IoLoop loopOf(final XnioIoThread thread)
    {
        return loopByThread.get(thread);
    }

    /**
     * @return the loops of every I/O thread, for tests.
     */
    List<IoLoop> loops()
    {
        return new ArrayList<>(loopByThread.values());
    }

    /**
     * @param sid of a long-poll session, {@code <I/O thread number>.<random>}; may be null.
     * @return the loop of the I/O thread it names, or null when it names none.
     */
    IoLoop loopOfLongPollSession(final String sid)
    {
        final int dot = null == sid ? -1 : sid.indexOf('.');
        if (dot <= 0 || dot > 4)
        {
            return null;
        }
        int number = 0;
        for (int i = 0; i < dot; i++)
        {
            final char c = sid.charAt(i);
            if (c < '0' || c > '9')
            {
                return null;
            }
            number = number * 10 + (c - '0');
        }
        final XnioWorker worker = undertow.getWorker();
        return number < worker.getIoThreadCount() ? loopByThread.get(worker.getIoThread(number)) : null;
    }

    /**
     * Count a connection from an address against the per-IP limit.
     *
     * @param address of the client.
     * @return the address as the server keeps it while connections from it are open (one string shared by all of
     * them, which the endpoint hands back to {@link #releaseConnection(String)}), or null when at the limit.
     */
    String acquireConnection(final String address)
    {
        final int limit = config.maxConnectionsPerIp();
        final AddressConnections[] admitted = new AddressConnections[1];
        connectionsByAddress.compute(address, (key, existing) ->
        {
            final AddressConnections entry = null == existing ? new AddressConnections(key) : existing;
            if (entry.count < limit)
            {
                entry.count++;
                admitted[0] = entry;
            }
            return 0 == entry.count ? null : entry;
        });
        if (null == admitted[0])
        {
            metrics.limitHit("connections_per_ip");
            return null;
        }

        return admitted[0].address;
    }

    /**
     * @param address as {@link #acquireConnection(String)} returned it.
     */
    void releaseConnection(final String address)
    {
        connectionsByAddress.computeIfPresent(address, (key, entry) -> --entry.count <= 0 ? null : entry);
    }

    /**
     * @param exchange a request.
     * @return true when its {@code Origin} is absent, the server's own, or allowed.
     */
    boolean isOriginAllowed(final HttpServerExchange exchange)
    {
        final String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (null == origin)
        {
            return true;
        }
        final List<String> allowed = config.allowedOriginList();
        if (allowed.contains("*") || allowed.contains(origin))
        {
            return true;
        }
        final String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        final int scheme = origin.indexOf("://");
        return null != host && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    static String remoteAddress(final HttpServerExchange exchange)
    {
        final InetSocketAddress address = exchange.getSourceAddress();
        return null == address ? "unknown" : address.getAddress().getHostAddress();
    }

    /**
     * Answer a request with an error in the JSON form and its HTTP status.
     */
    static void sendError(final HttpServerExchange exchange, final ErrorCode code, final String correlationId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int length = BinaryMessages.encodeError(buffer, code, correlationId);
        final org.agrona.ExpandableArrayBuffer json = new org.agrona.ExpandableArrayBuffer(512);
        final int jsonLength = new io.roomwire.protocol.JsonEncoder().encode(buffer, 0, length, json, 0);
        sendJson(exchange, ErrorCodes.httpStatus(code), json.byteArray(), jsonLength);
    }

    static void sendJson(final HttpServerExchange exchange, final int status, final byte[] body, final int length)
    {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(body, 0, length));
    }

    static void sendText(final HttpServerExchange exchange, final int status, final String contentType, final String body)
    {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    /**
     * @param path  request path.
     * @param prefix of the path, ending with a slash.
     * @return the room named after the prefix, or null when the rest is not one path segment.
     */
    static String pathRoom(final String path, final String prefix, final String suffix)
    {
        if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.length() <= prefix.length() + suffix.length())
        {
            return null;
        }
        final String room = path.substring(prefix.length(), path.length() - suffix.length());
        return room.indexOf('/') >= 0 ? null : room;
    }

    // ------------------------------------------------------------------ routing

    private void route(final HttpServerExchange exchange) throws Exception
    {
        final String path = exchange.getRelativePath();
        if (!isReady && !path.equals("/health"))
        {
            // listening while the I/O threads warm up (about a second)
            sendError(exchange, ErrorCode.BACK_PRESSURED, null);
            return;
        }

        if (path.equals("/ws") || path.startsWith("/ws/"))
        {
            metrics.httpRequest("ws");
            webSocketHandler.handleRequest(exchange);
        }
        else if (path.startsWith("/events/"))
        {
            metrics.httpRequest("events");
            sseHandler.handleRequest(exchange);
        }
        else if (path.startsWith("/poll/"))
        {
            metrics.httpRequest("poll");
            longPollHandler.handleRequest(exchange);
        }
        else if (path.startsWith("/rooms/") && path.endsWith("/messages"))
        {
            metrics.httpRequest("publish");
            publishHandler.handleRequest(exchange);
        }
        else if (path.equals("/token"))
        {
            metrics.httpRequest("token");
            onToken(exchange);
        }
        else if (path.equals("/health"))
        {
            final String status = !isReady ? "starting" : isClosed ? "shutting_down" : "ok";
            sendText(exchange, isReady && !isClosed ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                "application/json", "{\"status\":\"" + status + "\"}");
        }
        else if (path.equals("/metrics"))
        {
            // Rendering reads the JVM's management beans and builds several kilobytes of text: about a millisecond
            // (1-4 ms at p90 on the benchmark VM) that every connection of this I/O thread would wait out at each
            // scrape. The rendering thread also sends the response.
            final Executor executor = metricsExecutor;
            exchange.dispatch(null == executor ? exchange.getConnection().getWorker() : executor, this::sendMetrics);
        }
        else if (exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD))
        {
            resources.handleRequest(exchange);
        }
        else
        {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.endExchange();
        }
    }

    private void onToken(final HttpServerExchange exchange)
    {
        if (!config.isDev())
        {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.endExchange();
            return;
        }
        final String user = exchange.getQueryParameters().containsKey("user") ?
            exchange.getQueryParameters().get("user").getFirst() : null;
        if (null == user || !Identifiers.isValidUser(user))
        {
            sendError(exchange, ErrorCode.INVALID_ID, null);
            return;
        }
        final String token = authenticator.issueDevToken(user);
        exchange.getResponseHeaders().put(ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        sendText(exchange, StatusCodes.OK, "application/json", "{\"user\":\"" + user + "\",\"token\":\"" + token + "\"}");
        LOGGER.fine(() -> "issued a dev token for " + user);
    }

    /**
     * The connections open from one address: their count for the per-IP limit, and the address string they share.
     * <p>
     * Guarded by {@code connectionsByAddress}: read and written only inside its {@code compute} for the address.
     */
    private static final class AddressConnections
    {
        final String address;
        int count;

        AddressConnections(final String address)
        {
            this.address = address;
        }
    }
}
