package io.roomwire.engine;

import java.util.Arrays;

/**
 * The session slots of one gateway id: which are free, and the generation each one last gave a session. A session id
 * ({@link SessionIds}) names its slot and generation; each new occupant of a slot gets the next generation, so the id
 * of a closed session never matches the session that took its slot.
 * <p>
 * A slot is freed once its session is gone on both sides (see {@link Gateway}) and reused most recently freed first,
 * while its memory is warm. Generations do not wrap: a slot whose occupant of generation
 * {@link SessionIds#MAX_GENERATION} closes is retired instead of freed, and new slots are taken while any slot index
 * is unused. Only when every one of the {@link SessionIds#MAX_SLOTS} indexes is open or retired do the retired slots
 * come back, with generations starting again at 0. So an id repeats only after its slot had 2^21 later occupants and
 * the gateway id had used all 2^26 slot indexes (up to 2^47 sessions), long after anything could still hold the old
 * id; a retired slot costs a few bytes of table in the gateway and in the conductor.
 * <p>
 * Not thread safe. Used only by the open {@link Gateway} with this id, on its thread. {@link GatewayRegistry} keeps it
 * between gateways and hands it to the next gateway with the id: a gateway frees its slots when it closes, before it
 * sends {@code CloseGateway}, and the id becomes available again only once the conductor has read that command and
 * released the id under the registry's lock, so the next gateway sees every write of the previous one.
 */
final class SessionSlots
{
    /**
     * Returned by {@link #allocate()} when every slot is held by an open session.
     */
    static final int NO_SLOT = -1;

    private static final int INITIAL_CAPACITY = 16;

    private final int maxSlots;
    private final int maxGeneration;
    private int[] generations = new int[INITIAL_CAPACITY];
    private int[] free = new int[INITIAL_CAPACITY];
    private int[] retired = new int[0];
    private int freeCount;
    private int retiredCount;
    private int slotCount;

    SessionSlots()
    {
        this(SessionIds.MAX_SLOTS, SessionIds.MAX_GENERATION);
    }

    /**
     * @param maxSlots      slot indexes available.
     * @param maxGeneration highest generation of a slot.
     */
    SessionSlots(final int maxSlots, final int maxGeneration)
    {
        this.maxSlots = maxSlots;
        this.maxGeneration = maxGeneration;
    }

    /**
     * Take a slot for a new session: the most recently freed one, else a new index, else the retired slots come back.
     *
     * @return the slot index, whose {@link #generation(int)} the session gets, or {@link #NO_SLOT} when every slot is
     * held by an open session.
     */
    int allocate()
    {
        if (0 == freeCount)
        {
            if (slotCount < maxSlots)
            {
                final int slot = slotCount++;
                if (slot == generations.length)
                {
                    final int newLength = (int)Math.min((long)slot * 2, maxSlots);
                    generations = Arrays.copyOf(generations, newLength);
                    free = Arrays.copyOf(free, newLength);
                }
                generations[slot] = 0;
                return slot;
            }
            if (0 == retiredCount)
            {
                return NO_SLOT;
            }
            revive();
        }

        final int slot = free[--freeCount];
        generations[slot]++;
        return slot;
    }

    /**
     * @param slot taken by {@link #allocate()}.
     * @return the generation of its current (or last) occupant.
     */
    int generation(final int slot)
    {
        return generations[slot];
    }

    /**
     * Give back a slot whose session is gone on both sides. Must be called once per {@link #allocate()}.
     *
     * @param slot to free.
     */
    void free(final int slot)
    {
        if (generations[slot] >= maxGeneration)
        {
            if (retiredCount == retired.length)
            {
                retired = Arrays.copyOf(retired, Math.max(INITIAL_CAPACITY, retiredCount * 2));
            }
            retired[retiredCount++] = slot;
        }
        else
        {
            free[freeCount++] = slot;
        }
    }

    /**
     * Free every slot that is not retired, lowest index first next: called when a gateway takes over the id, when no
     * slot has an open session (the previous gateway freed them all), so the new gateway's sessions pack into the
     * lowest slots and its tables stay small.
     */
    void reset()
    {
        freeCount = 0;
        for (int slot = slotCount - 1; slot >= 0; slot--)
        {
            if (generations[slot] < maxGeneration)
            {
                free[freeCount++] = slot;
            }
        }
    }

    /**
     * @return slot indexes handed out so far, open, free or retired: the length the gateway's tables need.
     */
    int slotCount()
    {
        return slotCount;
    }

    /**
     * @return slots free to reuse.
     */
    int freeCount()
    {
        return freeCount;
    }

    /**
     * @return slots retired, their generations exhausted.
     */
    int retiredCount()
    {
        return retiredCount;
    }

    private void revive()
    {
        for (int i = 0; i < retiredCount; i++)
        {
            final int slot = retired[i];
            generations[slot] = -1;
            free[freeCount++] = slot;
        }
        retiredCount = 0;
        retired = new int[0];
    }
}
