package io.roomwire.undertow;

import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.channels.BoundChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes an I/O thread's XNIO select loop go round before the node is ready, so that the JIT compiles it while the
 * node has nothing else to do.
 * <p>
 * XNIO's {@code WorkerThread.run} is entered once and loops for the life of the node, so HotSpot can only compile it
 * on stack (OSR), when the loop's back-edges pass its thresholds: about 60,000 for C1, then 40,000 more in C1's
 * profiled code for C2. The loop goes round once per select, and a node that is idle or lightly loaded takes minutes
 * to get there; in the benchmark's fan-out ladder it got there in the 1 M deliveries/s step, where C2 compiled it
 * twice (150 ms of the one core each) and three seconds had a p99 two or three times the others'.
 * <p>
 * The warm-up: loopback TCP connections, both ends of each this thread's, bounce a byte each, with XNIO's own socket
 * classes, the receivers real traffic has at the loop's call sites. How many bounce rises from one to
 * {@value #PAIRS} and falls back to one, {@value #CYCLES} times, so selects find from none to {@value #PAIRS} ready
 * sockets. Each read hands its echo on: mostly to a task; one in {@value #ECHO_WAYS} to a timer a millisecond away
 * (at most one or two queued, in turns; the warm-up runs before the node's own timers start, so the timer queue
 * keeps going from two to one to none); one in {@value #ECHO_WAYS} to the calling thread, which queues it from
 * outside, so that XNIO wakes the selector and the select may find nothing ready. A third of the way through,
 * {@value #CUT_PAIRS} more connections that bounced from the start are closed at once with their bytes on the wire,
 * so that the loop meets keys cancelled under it. Read listeners, echo tasks and timer tasks come in three classes
 * each, as traffic's many classes reach those call sites.
 * <p>
 * Each of these is a branch, or a call site's classes, that C2 leaves out of the loop when its profile never saw it,
 * and the first time traffic took one the loop went back to the interpreter, to be compiled again in the first busy
 * seconds after all. Warmed with one connection and tasks only, the node's first select with nothing ready (an idle
 * tick), its first two timers due together, and its first select of more than 16 sockets each did that; warmed with
 * many timers queued, the first removal that emptied the timer queue did (an idle node's tick is often its only
 * timer); warmed with one class of listener or task, the node's first request or tick did. C1 profiles the loop for
 * only a fifth of a second or so before C2 compiles it, so each branch must come up often, not once per phase. At
 * the end the echoes stop and the connections close once nothing is on the wire, with no key in the select that
 * closes them. See docs/profiles/fanout-ladder-stalls-2026-11-29.md for each version and what it left out.
 * <p>
 * Thread: {@link #run(XnioIoThread, int, long)} is called from any thread but an I/O thread, and blocks; the bouncing
 * runs on the given I/O thread. The calling thread fills the connection arrays while it connects, before it queues
 * the first task (XNIO's task queue is locked, so the I/O thread sees them); after that every field but the hand-off
 * queue belongs to the I/O thread, and the caller reads the count of bounces only after the close task it waits for.
 */
final class SelectLoopWarmup
{
    /** Most connections bouncing at once. */
    private static final int PAIRS = 32;
    /**
     * Times the number bouncing rises and falls: C1 profiles the loop only from a fifth or so of the way in, and C2
     * compiles it near the middle, so both should see every low and high more than once.
     */
    private static final int CYCLES = 4;
    /** Connections that bounce from the start and are closed at once a third of the way through. */
    private static final int CUT_PAIRS = 8;
    /** Of every {@value} echoes, one goes through the calling thread and one through a timer. */
    private static final int ECHO_WAYS = 16;
    private static final long TIMED_ECHO_MS = 1;
    /**
     * Bounces over which at most one echo waits on a timer, then at most two, and so on (the others go through a
     * task): the timer queue, which holds no other timer during the warm-up, keeps going from two timers to one to
     * none, as a node's does, at every point of the warm-up, not just when few connections bounce. With any number
     * of timers, or only two, C2 compiled the loop without the removal that empties the queue (many pairs kept it
     * full, and C2 compiled before a low in their number), and an idle node, its tick the one timer, trapped on it
     * seconds after start.
     */
    private static final int TIMER_CAP_BOUNCES = 64;
    private static final byte BOUNCE = 42;
    private static final Runnable STOP = () -> {};

    private final XnioIoThread thread;
    private final int bounces;
    private final StreamConnection[] servers = new StreamConnection[PAIRS + CUT_PAIRS];
    private final StreamConnection[] clients = new StreamConnection[PAIRS + CUT_PAIRS];
    /** Whether a pair has its byte on the wire (written, not yet read): at most one per pair. */
    private final boolean[] isInFlight = new boolean[PAIRS + CUT_PAIRS];
    /** Whether a pair waits, its byte read and not echoed, for the number bouncing to come up to it again. */
    private final boolean[] isParked = new boolean[PAIRS];
    private final BlockingQueue<Runnable> handoff = new ArrayBlockingQueue<>(PAIRS + CUT_PAIRS + 1);
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);
    private int inFlight;
    private int pendingTimers;
    private int bounced;
    private boolean isCut;
    private boolean isFinishing;
    private boolean isClosed;

    private SelectLoopWarmup(final XnioIoThread thread, final int bounces)
    {
        this.thread = thread;
        this.bounces = bounces;
        Arrays.fill(isParked, 1, PAIRS, true);
    }

    /**
     * Bounce bytes over loopback connections of the thread's own, {@code bounces} times or until the timeout.
     *
     * @param thread    to warm.
     * @param bounces   reads of a ready socket to go through; none when 0.
     * @param timeoutNs longest to wait, for the connections and for the bounces each.
     * @return bounces done: {@code bounces}, or fewer when the timeout passed or a loopback connection failed.
     * @throws InterruptedException when interrupted while waiting.
     */
    static int run(final XnioIoThread thread, final int bounces, final long timeoutNs) throws InterruptedException
    {
        if (bounces <= 0)
        {
            return 0;
        }
        final SelectLoopWarmup warmup = new SelectLoopWarmup(thread, bounces);
        try
        {
            if (!warmup.connect(timeoutNs))
            {
                return 0;
            }
            thread.execute(warmup::start);
            final long deadlineNs = System.nanoTime() + timeoutNs;
            Runnable echo;
            while (null != (echo = warmup.handoff.poll(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS)) &&
                echo != STOP)
            {
                thread.execute(echo);
            }
        }
        catch (final IOException ex)
        {
            // no loopback: the node runs unwarmed
        }
        finally
        {
            final CountDownLatch closed = new CountDownLatch(1);
            thread.execute(() ->
            {
                warmup.close();
                closed.countDown();
            });
            closed.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        return warmup.bounced;
    }

    /**
     * @param bounced so far.
     * @param bounces in all.
     * @return how many pairs bounce at this point: 1 up to {@link #PAIRS} and back, {@link #CYCLES} times.
     */
    static int pairsBouncing(final int bounced, final int bounces)
    {
        final double cycle = ((double)CYCLES * bounced / bounces) % 1.0;
        final double height = 1.0 - Math.abs(2.0 * cycle - 1.0);
        return 1 + (int)Math.round(height * (PAIRS - 1));
    }

    private boolean connect(final long timeoutNs) throws IOException, InterruptedException
    {
        final OptionMap options = OptionMap.create(Options.TCP_NODELAY, true);
        final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(timeoutNs);
        for (int i = 0; i < servers.length; i++)
        {
            final AtomicReference<SocketAddress> bound = new AtomicReference<>();
            final ChannelListener<BoundChannel> onBound = (channel) -> bound.set(channel.getLocalAddress());
            final IoFuture<StreamConnection> accepted = thread.acceptStreamConnection(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, onBound, options);
            if (null == bound.get())
            {
                accepted.cancel();
                return false;
            }
            final IoFuture<StreamConnection> opened = thread.openStreamConnection(bound.get(), null, options);
            if (opened.await(timeoutMs, TimeUnit.MILLISECONDS) != IoFuture.Status.DONE ||
                accepted.await(timeoutMs, TimeUnit.MILLISECONDS) != IoFuture.Status.DONE)
            {
                opened.cancel();
                accepted.cancel();
                return false;
            }
            servers[i] = accepted.get();
            clients[i] = opened.get();
            final int pair = i;
            listen(pair, servers[pair], echoTask(pair, servers[pair]));
            listen(pair, clients[pair], echoTask(pair, clients[pair]));
        }
        return true;
    }

    /**
     * @return a task echoing on the connection, of one of three classes: the loop calls every task it runs at one
     * call site, which traffic reaches with many classes (the I/O loop's drain, timers, handlers' tasks), and a site
     * that saw two classes in the warm-up was compiled for those two, to trap at the node's first tick.
     */
    private Runnable echoTask(final int pair, final StreamConnection connection)
    {
        switch (pair % 3)
        {
            case 0:
                return () -> echo(pair, connection);
            case 1:
                return () -> echo(pair, connection);
            default:
                return () -> echo(pair, connection);
        }
    }

    /**
     * @return a task for a timer, running the echo, of one of three classes: the loop casts the commands of due
     * timers at a site of their own, which a warm-up whose timers all ran one class left compiled for that class, to
     * trap at the node's first tick.
     */
    private Runnable timedEchoTask(final int pair, final Runnable echo)
    {
        switch (pair % 3)
        {
            case 0:
                return () -> onTimedEcho(echo);
            case 1:
                return () -> onTimedEcho(echo);
            default:
                return () -> onTimedEcho(echo);
        }
    }

    private void onTimedEcho(final Runnable echo)
    {
        pendingTimers--;
        echo.run();
    }

    private void listen(final int pair, final StreamConnection connection, final Runnable echo)
    {
        final ConduitStreamSourceChannel source = connection.getSourceChannel();
        final Runnable timedEcho = timedEchoTask(pair, echo);
        // three listener classes: traffic's read listeners are many (HTTP, WebSocket, SSE), and a call site that saw
        // one class in the warm-up was compiled for that class alone, to trap at the node's first request
        switch (pair % 3)
        {
            case 0:
                source.getReadSetter().set((channel) -> onReadable(pair, channel, echo, timedEcho));
                break;
            case 1:
                source.getReadSetter().set((channel) -> onReadable(pair, channel, echo, timedEcho));
                break;
            default:
                source.getReadSetter().set((channel) -> onReadable(pair, channel, echo, timedEcho));
        }
        source.resumeReads();
    }

    private void start()
    {
        echo(0, clients[0]);
        for (int i = PAIRS; i < PAIRS + CUT_PAIRS; i++)
        {
            echo(i, clients[i]);
        }
    }

    private void onReadable(
        final int pair, final ConduitStreamSourceChannel channel, final Runnable echo, final Runnable timedEcho)
    {
        try
        {
            buffer.clear();
            final int read = channel.read(buffer);
            if (read < 0)
            {
                close();
            }
            else if (read > 0)
            {
                isInFlight[pair] = false;
                inFlight--;
                if (isFinishing)
                {
                    if (0 == inFlight)
                    {
                        close();
                    }
                }
                else if (++bounced >= bounces)
                {
                    finishing();
                }
                else
                {
                    onBounce(pair, echo, timedEcho);
                }
            }
        }
        catch (final IOException ex)
        {
            close();
        }
    }

    private void onBounce(final int pair, final Runnable echo, final Runnable timedEcho)
    {
        if (!isCut && bounced >= bounces / 3)
        {
            cut();
        }
        final int bouncing = pairsBouncing(bounced, bounces);
        for (int i = 1; i < bouncing; i++)
        {
            if (isParked[i])
            {
                isParked[i] = false;
                echo(i, clients[i]);
            }
        }
        if (pair < PAIRS && pair >= bouncing)
        {
            isParked[pair] = true;
            return;
        }
        final int way = bounced % ECHO_WAYS;
        if (0 == way)
        {
            handoff.offer(echo);
        }
        else if (ECHO_WAYS / 2 == way && pendingTimers < 1 + (bounced / TIMER_CAP_BOUNCES) % 2)
        {
            pendingTimers++;
            thread.executeAfter(timedEcho, TIMED_ECHO_MS, TimeUnit.MILLISECONDS);
        }
        else
        {
            thread.execute(echo);
        }
    }

    /**
     * Close the cut pairs at once, while their bytes are on the wire: a select that found one of them ready with the
     * one being handled finds its key cancelled when the loop comes to it, the branch connections that close while
     * they have something to read take.
     */
    private void cut()
    {
        isCut = true;
        for (int i = PAIRS; i < PAIRS + CUT_PAIRS; i++)
        {
            IoUtils.safeClose(clients[i], servers[i]);
            if (isInFlight[i])
            {
                isInFlight[i] = false;
                inFlight--;
            }
        }
    }

    private void echo(final int pair, final StreamConnection connection)
    {
        if (isFinishing || !connection.isOpen())
        {
            return;
        }
        try
        {
            buffer.clear();
            buffer.put(BOUNCE).flip();
            if (connection.getSinkChannel().write(buffer) == 1)
            {
                isInFlight[pair] = true;
                inFlight++;
            }
            else
            {
                close();
            }
        }
        catch (final IOException ex)
        {
            close();
        }
    }

    /**
     * Stop echoing, and close once the bytes on the wire are read: closed with nothing to read, the connections'
     * keys are not in the select that closes them.
     */
    private void finishing()
    {
        isFinishing = true;
        if (0 == inFlight)
        {
            close();
        }
    }

    private void close()
    {
        if (!isClosed)
        {
            isFinishing = true;
            isClosed = true;
            IoUtils.safeClose(clients);
            IoUtils.safeClose(servers);
            handoff.offer(STOP);
        }
    }
}
