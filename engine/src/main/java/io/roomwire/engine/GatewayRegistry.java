package io.roomwire.engine;

import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The open gateways by id, shared by the conductor (which looks them up to answer) and the threads that create them,
 * and the {@link SessionSlots} of each gateway id, which outlive a gateway so that the next one with its id never
 * issues a session id the previous one issued.
 * <p>
 * Thread safety: {@link #get(int)} from any thread without locks; creation and release synchronise on this registry.
 * The conductor releases an id only after it has read the gateway's {@code CloseGateway}, which the gateway sends
 * after its last use of its slots, so handing the slots to the next gateway under this lock publishes them safely.
 */
final class GatewayRegistry
{
    private final Engine.Context ctx;
    private final AtomicReferenceArray<Gateway> gateways;
    private final SessionSlots[] slotsByGatewayId;
    private int size;

    GatewayRegistry(final Engine.Context ctx)
    {
        this.ctx = ctx;
        this.gateways = new AtomicReferenceArray<>(ctx.maxGateways());
        this.slotsByGatewayId = new SessionSlots[ctx.maxGateways()];
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
                if (null == slotsByGatewayId[i])
                {
                    slotsByGatewayId[i] = new SessionSlots();
                }
                slotsByGatewayId[i].reset();
                final Gateway gateway = new Gateway(i, ctx, inboundRing, counters, slotsByGatewayId[i]);
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
