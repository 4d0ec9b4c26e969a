package io.roomwire.undertow;

import org.agrona.SystemUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Settings of the HTTP edge. Every setting has a default, a system property (the {@code *_PROP_NAME} constants), and
 * can be given on the command line as {@code --name value} for the short names below or {@code --roomwire.key=value}
 * for any key, or in a properties file named by {@code --config}. Engine settings ({@code roomwire.engine.*},
 * {@code roomwire.room.*}, {@code roomwire.session.*}, {@code roomwire.presence.*}) are read by the engine's own
 * context from the same system properties. {@link #conclude()} validates once.
 * <p>
 * Not thread safe: configure on one thread before {@link RoomwireServer#start(ServerConfig)}.
 */
public final class ServerConfig
{
    /** Interface to bind. */
    public static final String HOST_PROP_NAME = "roomwire.http.host";
    /** Default: loopback only; set {@code 0.0.0.0} to serve other hosts. */
    public static final String HOST_DEFAULT = "127.0.0.1";

    /** Port to listen on; 0 picks a free one. */
    public static final String PORT_PROP_NAME = "roomwire.http.port";
    /** Default port. */
    public static final int PORT_DEFAULT = 8080;

    /** XNIO I/O threads, each with its own engine gateway. */
    public static final String IO_THREADS_PROP_NAME = "roomwire.http.io.threads";

    /** Dev mode: generated secret, {@code /token} endpoint, guests without tokens. */
    public static final String DEV_PROP_NAME = "roomwire.dev";

    /** HMAC secret for tokens: {@code base64:...}, {@code hex:...} or text of at least 32 bytes. */
    public static final String SECRET_PROP_NAME = "roomwire.auth.secret";

    /** Lifetime of tokens issued by the dev {@code /token} endpoint. */
    public static final String DEV_TOKEN_TTL_PROP_NAME = "roomwire.auth.dev.token.ttl";
    /** Default dev token lifetime: 24 h. */
    public static final long DEV_TOKEN_TTL_DEFAULT_NS = TimeUnit.HOURS.toNanos(24);

    /** Comma-separated origins allowed besides the server's own; {@code *} allows any. */
    public static final String ALLOWED_ORIGINS_PROP_NAME = "roomwire.http.allowed.origins";

    /** Largest WebSocket message (all frames of it) and HTTP request body, in bytes. */
    public static final String MAX_MESSAGE_LENGTH_PROP_NAME = "roomwire.http.max.message.length";
    /** Default largest message: 64 KiB. */
    public static final int MAX_MESSAGE_LENGTH_DEFAULT = 64 * 1024;

    /** Most open WebSocket, SSE and long-poll connections from one IP address. */
    public static final String MAX_CONNECTIONS_PER_IP_PROP_NAME = "roomwire.http.max.connections.per.ip";
    /** Default most connections per IP: 256. */
    public static final int MAX_CONNECTIONS_PER_IP_DEFAULT = 256;

    /** A WebSocket that sends nothing (no frame, no pong) for this long is closed ({@code idle_timeout}). */
    public static final String IDLE_TIMEOUT_PROP_NAME = "roomwire.http.idle.timeout";
    /** Default idle timeout: 60 s. */
    public static final long IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /** Interval of WebSocket pings from the server. */
    public static final String PING_INTERVAL_PROP_NAME = "roomwire.ws.ping.interval";
    /** Default ping interval: 25 s. */
    public static final long PING_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(25);

    /** Inbound WebSocket messages and pings per second a connection may sustain (HTTP publishes are held to the
     * engine's per-session publish rate instead). */
    public static final String FRAME_RATE_PROP_NAME = "roomwire.http.frame.rate";
    /** Default frame rate: 100 per second. */
    public static final int FRAME_RATE_DEFAULT = 100;

    /** Inbound frames a connection may send in a burst. */
    public static final String FRAME_BURST_PROP_NAME = "roomwire.http.frame.burst";
    /** Default frame burst: 200. */
    public static final int FRAME_BURST_DEFAULT = 200;

    /** Most bytes waiting to be written to one connection; past it, delivery to it waits in the room's log. */
    public static final String OUTBOUND_LENGTH_PROP_NAME = "roomwire.http.outbound.length";
    /** Default: 256 KiB. */
    public static final int OUTBOUND_LENGTH_DEFAULT = 256 * 1024;

    /**
     * Kernel send buffer of each connection (SO_SNDBUF); 0 leaves the operating system's (which on Linux grows to
     * {@code tcp_wmem} max, 4 MiB). A client that stops reading is seen to lag only once this and the outbound buffer
     * are full, so it bounds how far behind a connection may fall unnoticed.
     */
    public static final String SOCKET_SEND_BUFFER_PROP_NAME = "roomwire.http.socket.send.buffer";
    /** Default kernel send buffer: 128 KiB. */
    public static final int SOCKET_SEND_BUFFER_DEFAULT = 128 * 1024;

    /**
     * Run the engine's duty cycle on the I/O thread instead of its own thread (one I/O thread only): for a node
     * pinned to one core, where a separate engine thread competes with the I/O thread for the core and every
     * hand-off between them is a cross-thread wake-up. Commands from other threads (an embedder's gateways) then wait
     * for the I/O thread's next duty cycle, at most {@code roomwire.engine.timer.tick} apart.
     * <p>
     * Unset, it is chosen at start: on the I/O thread when the process may run on one processor only
     * ({@link Runtime#availableProcessors()}, which follows {@code taskset} and container CPU limits) and has one I/O
     * thread, on its own thread otherwise.
     */
    public static final String ENGINE_ON_IO_THREAD_PROP_NAME = "roomwire.http.engine.on.io.thread";

    /** Most bytes of free outbound buffers each I/O thread keeps for reuse (what stays unused is freed over seconds). */
    public static final String BUFFER_POOL_LENGTH_PROP_NAME = "roomwire.http.buffer.pool.length";
    /** Default: 64 MiB per I/O thread (16,384 connections' worth of 4 KiB buffers written in one round). */
    public static final int BUFFER_POOL_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /**
     * Selects each I/O thread's loop goes through before the node is ready, bouncing a byte over a loopback connection
     * of its own, so that the JIT compiles XNIO's select loop at start rather than in the first busy seconds (see
     * {@code SelectLoopWarmup}); 0 skips it.
     */
    public static final String WARMUP_BOUNCES_PROP_NAME = "roomwire.http.warmup.bounces";
    /** Default: 100,000 bounces, well under a second of one core at start. */
    public static final int WARMUP_BOUNCES_DEFAULT = 100_000;

    /** Interval of SSE keep-alive comments. */
    public static final String SSE_KEEPALIVE_PROP_NAME = "roomwire.sse.keepalive.interval";
    /** Default SSE keep-alive: 15 s. */
    public static final long SSE_KEEPALIVE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(15);

    /** Reconnect delay an SSE stream advises ({@code retry:}). */
    public static final String SSE_RETRY_PROP_NAME = "roomwire.sse.retry";
    /** Default SSE retry: 2 s. */
    public static final long SSE_RETRY_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

    /** Longest a long poll is held when nothing is waiting. */
    public static final String POLL_HOLD_PROP_NAME = "roomwire.poll.hold";
    /** Default long-poll hold: 25 s. */
    public static final long POLL_HOLD_DEFAULT_NS = TimeUnit.SECONDS.toNanos(25);

    /** A long-poll session with no poll for this long is closed. */
    public static final String POLL_SESSION_TIMEOUT_PROP_NAME = "roomwire.poll.session.timeout";
    /** Default long-poll session timeout: 60 s. */
    public static final long POLL_SESSION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /** How long an HTTP publish waits for the engine's answer. */
    public static final String PUBLISH_TIMEOUT_PROP_NAME = "roomwire.http.publish.timeout";
    /** Default HTTP publish timeout: 10 s. */
    public static final long PUBLISH_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** How long a graceful shutdown waits for connections to flush and close. */
    public static final String SHUTDOWN_TIMEOUT_PROP_NAME = "roomwire.http.shutdown.timeout";
    /** Default shutdown timeout: 5 s. */
    public static final long SHUTDOWN_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    private static final Map<String, String> FLAG_TO_KEY = new LinkedHashMap<>();

    static
    {
        FLAG_TO_KEY.put("--host", HOST_PROP_NAME);
        FLAG_TO_KEY.put("--port", PORT_PROP_NAME);
        FLAG_TO_KEY.put("--io-threads", IO_THREADS_PROP_NAME);
        FLAG_TO_KEY.put("--secret", SECRET_PROP_NAME);
        FLAG_TO_KEY.put("--allowed-origins", ALLOWED_ORIGINS_PROP_NAME);
        FLAG_TO_KEY.put("--max-message-length", MAX_MESSAGE_LENGTH_PROP_NAME);
        FLAG_TO_KEY.put("--max-connections-per-ip", MAX_CONNECTIONS_PER_IP_PROP_NAME);
        FLAG_TO_KEY.put("--idle-timeout", IDLE_TIMEOUT_PROP_NAME);
    }

    private String host = System.getProperty(HOST_PROP_NAME, HOST_DEFAULT);
    private int port = Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
    private int ioThreads = Integer.getInteger(IO_THREADS_PROP_NAME, Runtime.getRuntime().availableProcessors());
    private boolean isDev = Boolean.getBoolean(DEV_PROP_NAME);
    private String secret = System.getProperty(SECRET_PROP_NAME);
    private long devTokenTtlNs = SystemUtil.getDurationInNanos(DEV_TOKEN_TTL_PROP_NAME, DEV_TOKEN_TTL_DEFAULT_NS);
    private String allowedOrigins = System.getProperty(ALLOWED_ORIGINS_PROP_NAME, "");
    private int maxMessageLength = SystemUtil.getSizeAsInt(MAX_MESSAGE_LENGTH_PROP_NAME, MAX_MESSAGE_LENGTH_DEFAULT);
    private int maxConnectionsPerIp = Integer.getInteger(MAX_CONNECTIONS_PER_IP_PROP_NAME, MAX_CONNECTIONS_PER_IP_DEFAULT);
    private long idleTimeoutNs = SystemUtil.getDurationInNanos(IDLE_TIMEOUT_PROP_NAME, IDLE_TIMEOUT_DEFAULT_NS);
    private long pingIntervalNs = SystemUtil.getDurationInNanos(PING_INTERVAL_PROP_NAME, PING_INTERVAL_DEFAULT_NS);
    private int frameRate = Integer.getInteger(FRAME_RATE_PROP_NAME, FRAME_RATE_DEFAULT);
    private int frameBurst = Integer.getInteger(FRAME_BURST_PROP_NAME, FRAME_BURST_DEFAULT);
    private int outboundLength = SystemUtil.getSizeAsInt(OUTBOUND_LENGTH_PROP_NAME, OUTBOUND_LENGTH_DEFAULT);
    private int socketSendBuffer = SystemUtil.getSizeAsInt(SOCKET_SEND_BUFFER_PROP_NAME, SOCKET_SEND_BUFFER_DEFAULT);
    private Boolean isEngineOnIoThread = null == System.getProperty(ENGINE_ON_IO_THREAD_PROP_NAME) ? null :
        Boolean.getBoolean(ENGINE_ON_IO_THREAD_PROP_NAME);
    private int bufferPoolLength = SystemUtil.getSizeAsInt(BUFFER_POOL_LENGTH_PROP_NAME, BUFFER_POOL_LENGTH_DEFAULT);
    private int warmupBounces = Integer.getInteger(WARMUP_BOUNCES_PROP_NAME, WARMUP_BOUNCES_DEFAULT);
    private long sseKeepAliveNs = SystemUtil.getDurationInNanos(SSE_KEEPALIVE_PROP_NAME, SSE_KEEPALIVE_DEFAULT_NS);
    private long sseRetryNs = SystemUtil.getDurationInNanos(SSE_RETRY_PROP_NAME, SSE_RETRY_DEFAULT_NS);
    private long pollHoldNs = SystemUtil.getDurationInNanos(POLL_HOLD_PROP_NAME, POLL_HOLD_DEFAULT_NS);
    private long pollSessionTimeoutNs =
        SystemUtil.getDurationInNanos(POLL_SESSION_TIMEOUT_PROP_NAME, POLL_SESSION_TIMEOUT_DEFAULT_NS);
    private long publishTimeoutNs = SystemUtil.getDurationInNanos(PUBLISH_TIMEOUT_PROP_NAME, PUBLISH_TIMEOUT_DEFAULT_NS);
    private long shutdownTimeoutNs =
        SystemUtil.getDurationInNanos(SHUTDOWN_TIMEOUT_PROP_NAME, SHUTDOWN_TIMEOUT_DEFAULT_NS);

    /**
     * Apply command-line arguments: a {@code --config file} is loaded first (its {@code roomwire.*} keys become system
     * properties unless already set), then flags. Call before creating a {@link ServerConfig} so that the engine's
     * context sees the same settings.
     *
     * @param args command line.
     * @return arguments that were not understood (empty when all were).
     * @throws IOException when the config file cannot be read.
     */
    public static List<String> applyArguments(final String[] args) throws IOException
    {
        final List<String> unknown = new ArrayList<>();
        final List<String> list = Arrays.asList(args);
        final int configIndex = list.indexOf("--config");
        if (configIndex >= 0 && configIndex + 1 < args.length)
        {
            final Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[configIndex + 1])))
            {
                properties.load(in);
            }
            for (final String key : properties.stringPropertyNames())
            {
                if (key.startsWith("roomwire.") && null == System.getProperty(key))
                {
                    System.setProperty(key, properties.getProperty(key).trim());
                }
            }
        }

        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--config"))
            {
                i++;
            }
            else if (arg.equals("--dev"))
            {
                System.setProperty(DEV_PROP_NAME, "true");
            }
            else if (arg.startsWith("--roomwire.") && arg.contains("="))
            {
                final int equals = arg.indexOf('=');
                System.setProperty(arg.substring(2, equals), arg.substring(equals + 1));
            }
            else if (FLAG_TO_KEY.containsKey(arg) && i + 1 < args.length)
            {
                System.setProperty(FLAG_TO_KEY.get(arg), args[++i]);
            }
            else
            {
                unknown.add(arg);
            }
        }

        return unknown;
    }

    /**
     * @return a usage text listing the flags.
     */
    public static String usage()
    {
        return "usage: java -jar roomwire-server.jar [--dev] [--port 8080] [--host 127.0.0.1] [--secret base64:...]\n" +
            "       [--io-threads n] [--allowed-origins https://a,https://b] [--max-message-length 64k]\n" +
            "       [--max-connections-per-ip 256] [--idle-timeout 60s] [--config file.properties]\n" +
            "       [--roomwire.<key>=<value> ...]   (every key is listed in docs/operations.md)";
    }

    /**
     * Validate the settings.
     *
     * @return this for a fluent API.
     * @throws IllegalArgumentException naming the first setting out of range.
     */
    public ServerConfig conclude()
    {
        require(port >= 0 && port <= 65_535, PORT_PROP_NAME + " must be in 0..65535");
        require(ioThreads >= 1, IO_THREADS_PROP_NAME + " must be >= 1");
        require(isDev || (null != secret && !secret.isEmpty()),
            SECRET_PROP_NAME + " is required outside dev mode (--secret, or --dev for a generated one)");
        require(maxMessageLength >= 128, MAX_MESSAGE_LENGTH_PROP_NAME + " must be >= 128");
        require(maxConnectionsPerIp >= 1, MAX_CONNECTIONS_PER_IP_PROP_NAME + " must be >= 1");
        require(idleTimeoutNs > 0 && pingIntervalNs > 0 && pingIntervalNs < idleTimeoutNs,
            PING_INTERVAL_PROP_NAME + " must be > 0 and less than " + IDLE_TIMEOUT_PROP_NAME);
        require(frameRate >= 1 && frameBurst >= 1, FRAME_RATE_PROP_NAME + " and " + FRAME_BURST_PROP_NAME + " must be >= 1");
        require(outboundLength >= maxMessageLength, OUTBOUND_LENGTH_PROP_NAME + " must be >= " +
            MAX_MESSAGE_LENGTH_PROP_NAME);
        require(socketSendBuffer >= 0, SOCKET_SEND_BUFFER_PROP_NAME + " must be >= 0");
        require(!Boolean.TRUE.equals(isEngineOnIoThread) || ioThreads == 1, ENGINE_ON_IO_THREAD_PROP_NAME + " needs " +
            IO_THREADS_PROP_NAME + "=1");
        require(bufferPoolLength >= 0, BUFFER_POOL_LENGTH_PROP_NAME + " must be >= 0");
        require(warmupBounces >= 0, WARMUP_BOUNCES_PROP_NAME + " must be >= 0");
        require(sseKeepAliveNs > 0 && pollHoldNs > 0 && pollSessionTimeoutNs > pollHoldNs,
            POLL_SESSION_TIMEOUT_PROP_NAME + " must exceed " + POLL_HOLD_PROP_NAME);
        require(publishTimeoutNs > 0 && shutdownTimeoutNs >= 0, PUBLISH_TIMEOUT_PROP_NAME + " must be > 0");
        return this;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * @return allowed origins, split; contains {@code *} when any origin is allowed.
     */
    public List<String> allowedOriginList()
    {
        final List<String> origins = new ArrayList<>();
        for (final String origin : allowedOrigins.split(","))
        {
            if (!origin.isBlank())
            {
                origins.add(origin.trim());
            }
        }
        return origins;
    }

    /**
     * @return a one-line summary of the limits in force, for the startup log.
     */
    public String describeLimits()
    {
        return "max message " + maxMessageLength + " B, " + maxConnectionsPerIp + " connections per IP, idle timeout " +
            TimeUnit.NANOSECONDS.toSeconds(idleTimeoutNs) + " s, ping every " +
            TimeUnit.NANOSECONDS.toSeconds(pingIntervalNs) + " s, " + frameRate + " frames/s (burst " + frameBurst +
            ") per connection, outbound " + outboundLength + " B per connection, socket send buffer " +
            (socketSendBuffer == 0 ? "OS default" : socketSendBuffer + " B") + ", long poll hold " +
            TimeUnit.NANOSECONDS.toSeconds(pollHoldNs) + " s, origins " +
            (allowedOrigins.isBlank() ? "same-origin" : allowedOrigins);
    }

    /** @return interface to bind. */
    public String host()
    {
        return host;
    }

    /** @param host interface to bind. @return this. */
    public ServerConfig host(final String host)
    {
        this.host = host;
        return this;
    }

    /** @return port. */
    public int port()
    {
        return port;
    }

    /** @param port to listen on, 0 for any free one. @return this. */
    public ServerConfig port(final int port)
    {
        this.port = port;
        return this;
    }

    /** @return I/O threads. */
    public int ioThreads()
    {
        return ioThreads;
    }

    /** @param ioThreads XNIO I/O threads. @return this. */
    public ServerConfig ioThreads(final int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    /** @return whether dev mode is on. */
    public boolean isDev()
    {
        return isDev;
    }

    /** @param isDev dev mode. @return this. */
    public ServerConfig dev(final boolean isDev)
    {
        this.isDev = isDev;
        return this;
    }

    /** @return the token secret as configured, or null. */
    public String secret()
    {
        return secret;
    }

    /** @param secret token secret ({@code base64:}, {@code hex:} or text). @return this. */
    public ServerConfig secret(final String secret)
    {
        this.secret = secret;
        return this;
    }

    /** @return lifetime of dev tokens in nanoseconds. */
    public long devTokenTtlNs()
    {
        return devTokenTtlNs;
    }

    /** @return allowed origins as configured. */
    public String allowedOrigins()
    {
        return allowedOrigins;
    }

    /** @param origins comma-separated allowed origins, or {@code *}. @return this. */
    public ServerConfig allowedOrigins(final String origins)
    {
        this.allowedOrigins = origins;
        return this;
    }

    /** @return largest message in bytes. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /** @param length largest message in bytes. @return this. */
    public ServerConfig maxMessageLength(final int length)
    {
        this.maxMessageLength = length;
        return this;
    }

    /** @return most connections per IP. */
    public int maxConnectionsPerIp()
    {
        return maxConnectionsPerIp;
    }

    /** @param max most connections per IP. @return this. */
    public ServerConfig maxConnectionsPerIp(final int max)
    {
        this.maxConnectionsPerIp = max;
        return this;
    }

    /** @return idle timeout in nanoseconds. */
    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /** @param timeoutNs idle timeout in nanoseconds. @return this. */
    public ServerConfig idleTimeoutNs(final long timeoutNs)
    {
        this.idleTimeoutNs = timeoutNs;
        return this;
    }

    /** @return WebSocket ping interval in nanoseconds. */
    public long pingIntervalNs()
    {
        return pingIntervalNs;
    }

    /** @param intervalNs WebSocket ping interval in nanoseconds. @return this. */
    public ServerConfig pingIntervalNs(final long intervalNs)
    {
        this.pingIntervalNs = intervalNs;
        return this;
    }

    /** @return inbound frames per second per connection. */
    public int frameRate()
    {
        return frameRate;
    }

    /** @param rate inbound frames per second per connection. @return this. */
    public ServerConfig frameRate(final int rate)
    {
        this.frameRate = rate;
        return this;
    }

    /** @return inbound frame burst per connection. */
    public int frameBurst()
    {
        return frameBurst;
    }

    /** @param burst inbound frame burst per connection. @return this. */
    public ServerConfig frameBurst(final int burst)
    {
        this.frameBurst = burst;
        return this;
    }

    /** @return most bytes waiting to be written per connection. */
    public int outboundLength()
    {
        return outboundLength;
    }

    /** @param length most bytes waiting to be written per connection. @return this. */
    public ServerConfig outboundLength(final int length)
    {
        this.outboundLength = length;
        return this;
    }

    /** @return kernel send buffer per connection in bytes, 0 for the operating system's. */
    public int socketSendBuffer()
    {
        return socketSendBuffer;
    }

    /**
     * @return whether the engine's duty cycle runs on the (single) I/O thread: as set, or when not set, whether this
     * process has one processor and one I/O thread ({@link #ENGINE_ON_IO_THREAD_PROP_NAME}).
     */
    public boolean isEngineOnIoThread()
    {
        return null != isEngineOnIoThread ? isEngineOnIoThread :
            isEngineOnIoThreadByDefault(ioThreads, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The engine's place when not set: with one processor a separate engine thread could only take turns with the I/O
     * thread on it, and each hand-off between them would be a wake-up and a context switch.
     *
     * @param ioThreads  I/O threads.
     * @param processors processors the process may run on.
     * @return whether the engine runs on the I/O thread.
     */
    static boolean isEngineOnIoThreadByDefault(final int ioThreads, final int processors)
    {
        return 1 == ioThreads && 1 == processors;
    }

    /** @param isOnIoThread run the engine's duty cycle on the single I/O thread. @return this. */
    public ServerConfig engineOnIoThread(final boolean isOnIoThread)
    {
        this.isEngineOnIoThread = isOnIoThread;
        return this;
    }

    /** @param bytes kernel send buffer per connection, 0 for the operating system's. @return this. */
    public ServerConfig socketSendBuffer(final int bytes)
    {
        this.socketSendBuffer = bytes;
        return this;
    }

    /** @return most bytes of free outbound buffers each I/O thread keeps. */
    public int bufferPoolLength()
    {
        return bufferPoolLength;
    }

    /** @param bytes most bytes of free outbound buffers each I/O thread keeps. @return this. */
    public ServerConfig bufferPoolLength(final int bytes)
    {
        this.bufferPoolLength = bytes;
        return this;
    }

    /**
     * @return selects each I/O thread's loop goes through at start ({@code roomwire.http.warmup.bounces}).
     */
    public int warmupBounces()
    {
        return warmupBounces;
    }

    /**
     * @param bounces see {@link #WARMUP_BOUNCES_PROP_NAME}.
     * @return this for a fluent API.
     */
    public ServerConfig warmupBounces(final int bounces)
    {
        this.warmupBounces = bounces;
        return this;
    }

    /** @return SSE keep-alive interval in nanoseconds. */
    public long sseKeepAliveNs()
    {
        return sseKeepAliveNs;
    }

    /** @param intervalNs SSE keep-alive interval in nanoseconds. @return this. */
    public ServerConfig sseKeepAliveNs(final long intervalNs)
    {
        this.sseKeepAliveNs = intervalNs;
        return this;
    }

    /** @return SSE retry advice in nanoseconds. */
    public long sseRetryNs()
    {
        return sseRetryNs;
    }

    /** @return long-poll hold in nanoseconds. */
    public long pollHoldNs()
    {
        return pollHoldNs;
    }

    /** @param holdNs long-poll hold in nanoseconds. @return this. */
    public ServerConfig pollHoldNs(final long holdNs)
    {
        this.pollHoldNs = holdNs;
        return this;
    }

    /** @return long-poll session timeout in nanoseconds. */
    public long pollSessionTimeoutNs()
    {
        return pollSessionTimeoutNs;
    }

    /** @param timeoutNs long-poll session timeout in nanoseconds. @return this. */
    public ServerConfig pollSessionTimeoutNs(final long timeoutNs)
    {
        this.pollSessionTimeoutNs = timeoutNs;
        return this;
    }

    /** @return HTTP publish timeout in nanoseconds. */
    public long publishTimeoutNs()
    {
        return publishTimeoutNs;
    }

    /** @return shutdown timeout in nanoseconds. */
    public long shutdownTimeoutNs()
    {
        return shutdownTimeoutNs;
    }

    /** @param timeoutNs shutdown timeout in nanoseconds. @return this. */
    public ServerConfig shutdownTimeoutNs(final long timeoutNs)
    {
        this.shutdownTimeoutNs = timeoutNs;
        return this;
    }
}
