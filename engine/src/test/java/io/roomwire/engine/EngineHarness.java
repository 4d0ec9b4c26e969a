package io.roomwire.engine;

import io.roomwire.protocol.codec.MessageHeaderEncoder;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PingEncoder;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives an engine by hand: the conductor runs only when {@link #drive()} or {@link #conduct()} is called, with
 * clocks the test moves.
 */
final class EngineHarness implements AutoCloseable
{
    static final long START_MS = 1_711_000_000_000L;

    final CachedNanoClock nanoClock = new CachedNanoClock();
    final CachedEpochClock epochClock = new CachedEpochClock();
    final Engine engine;
    final List<Gateway> gateways = new ArrayList<>();
    final List<Recorder> recorders = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);

    EngineHarness()
    {
        this((ctx) -> {});
    }

    EngineHarness(final Consumer<Engine.Context> configure)
    {
        nanoClock.update(TimeUnit.SECONDS.toNanos(1000));
        epochClock.update(START_MS);
        final Engine.Context ctx = new Engine.Context()
            .useAgentInvoker(true)
            .nanoClock(nanoClock)
            .epochClock(epochClock)
            .errorHandler(errors::add);
        configure.accept(ctx);
        engine = Engine.launch(ctx);
    }

    Gateway gateway()
    {
        final Gateway gateway = engine.newGateway();
        gateways.add(gateway);
        recorders.add(new Recorder());
        return gateway;
    }

    Recorder recorder(final Gateway gateway)
    {
        return recorders.get(gateways.indexOf(gateway));
    }

    /**
     * @return work done by one duty cycle of the conductor.
     */
    int conduct()
    {
        return engine.invoker().invoke();
    }

    /**
     * Run the conductor and poll every gateway until nothing more happens.
     */
    void drive()
    {
        for (int i = 0; i < 10_000; i++)
        {
            int work = conduct();
            for (int g = 0; g < gateways.size(); g++)
            {
                if (!gateways.get(g).isClosed())
                {
                    work += gateways.get(g).poll(recorders.get(g), 100);
                }
            }
            if (work == 0)
            {
                return;
            }
        }
        throw new AssertionError("engine did not settle");
    }

    /**
     * Run only the conductor until it has nothing to do; gateways are not polled.
     */
    void conductAll()
    {
        for (int i = 0; i < 10_000 && conduct() > 0; i++)
        {
            continue;
        }
    }

    void advanceMs(final long ms)
    {
        nanoClock.advance(TimeUnit.MILLISECONDS.toNanos(ms));
        epochClock.advance(ms);
    }

    long open(final Gateway gateway, final String user)
    {
        final long sessionId = gateway.openSession(user, new String[]{"*"}, new String[]{"*"});
        if (sessionId <= 0)
        {
            throw new AssertionError("openSession: " + sessionId);
        }
        return sessionId;
    }

    long publish(final Gateway gateway, final long sessionId, final String room, final String id, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        payload.putBytes(0, bytes);
        return gateway.publish(sessionId, room, MessageKind.TEXT, PayloadFormat.JSON, id, null, payload, 0, bytes.length);
    }

    long publishKeyed(final Gateway gateway, final long sessionId, final String room, final String key, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        payload.putBytes(0, bytes);
        return gateway.publish(sessionId, room, MessageKind.TEXT, PayloadFormat.JSON, null, key, payload, 0, bytes.length);
    }

    long serverPublish(final Gateway gateway, final String room, final String key, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        payload.putBytes(0, bytes);
        return gateway.serverPublish(room, MessageKind.SYSTEM, PayloadFormat.JSON, "server", key, payload, 0,
            bytes.length);
    }

    /**
     * Write a {@code Ping} for any session id straight into the conductor's ring, past the gateway's own check, as a
     * command already in the ring when its session closed would arrive.
     *
     * @return true when written.
     */
    boolean writePingToConductor(final long sessionId, final long timestamp)
    {
        final ManyToOneRingBuffer ring = inboundRing();
        final UnsafeBuffer command = new UnsafeBuffer(new byte[Gateway.COMMAND_PREFIX_LENGTH +
            MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH]);
        command.putLong(0, sessionId);
        new PingEncoder().wrapAndApplyHeader(command, Gateway.COMMAND_PREFIX_LENGTH, new MessageHeaderEncoder())
            .timestamp(timestamp);
        return ring.write(PingEncoder.TEMPLATE_ID, command, 0, command.capacity());
    }

    private ManyToOneRingBuffer inboundRing()
    {
        try
        {
            final Field field = Engine.class.getDeclaredField("conductor");
            field.setAccessible(true);
            return ((EngineConductor)field.get(engine)).inboundRing();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(ex);
        }
    }

    public void close()
    {
        for (final Gateway gateway : gateways)
        {
            gateway.close();
        }
        engine.close();
        if (!errors.isEmpty())
        {
            throw new AssertionError("engine errors: " + errors);
        }
    }
}
