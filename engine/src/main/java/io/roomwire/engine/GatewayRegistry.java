package io.roomwire.engine;

import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The open gateways by id, shared by the conductor (which looks them up to answer) and the threads that create them.
 * <p>
 * Thread safety: {@link #get(int)} from any thread without locks; creation and release synchronise on this registry.
 */
final class GatewayRegistry
{
    private final Engine.Context ctx;
    private final AtomicReferenceArray<Gateway> gateways;
    private final AtomicLong sessionSequence = new AtomicLong();
    private int size;

    GatewayRegistry(final Engine.Context ctx)
    {
        this.ctx = ctx;
        this.gateways = new AtomicReferenceArray<>(ctx.maxGateways());
    }

    /**
     * @param gatewayId id.
     * @return the gateway, or null when none has that id.
     */
    Gateway get(final int gatewayId)
    {
        return gatewayId >= 0 && gatewayId < gateways.length() ? gateways.get(gatewayId) : null;
    }

    synchronized Gateway newGateway(final ManyToOneRingBuffer inboundRing, final EngineCounters counters)
    {
        for (int i = 0; i < gateways.length(); i++)
        {
            if (null == gateways.get(i))
            {
                final Gateway gateway = new Gateway(i, ctx, inboundRing, counters, sessionSequence);
                gateways.set(i, gateway);
                size++;
                counters.counter(EngineCounters.SystemCounter.GATEWAYS).setRelease(size);
                return gateway;
            }
        }

        throw new IllegalStateException("all " + gateways.length() + " gateways are in use (" +
            Engine.Context.MAX_GATEWAYS_PROP_NAME + ")");
    }

    synchronized void release(final int gatewayId)
    {
        if (null != gateways.getAndSet(gatewayId, null))
        {
            size--;
        }
    }

    synchronized int size()
    {
        return size;
    }
}
