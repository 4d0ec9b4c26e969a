package io.roomwire.engine;

/**
 * Layout of a session id. Users of the API see an opaque positive {@code long}; inside the engine it names where the
 * session lives, so both the conductor and the gateway find it with array reads:
 * <pre>
 *   bit  63      0
 *   bits 62..47  gateway id + 1 (16 bits; never 0, so no session id is 0 or negative)
 *   bits 46..26  generation of the slot (21 bits)
 *   bits 25..0   slot index in the gateway's tables (26 bits)
 * </pre>
 * The slot is reused once the session is gone; the generation tells its occupants apart, so an id of a closed session
 * never matches the session that took its slot. See {@link SessionSlots} for how slots and generations are handed out.
 * <p>
 * Stateless.
 */
final class SessionIds
{
    /**
     * Bits of the slot index.
     */
    static final int SLOT_BITS = 26;

    /**
     * Bits of the generation.
     */
    static final int GENERATION_BITS = 21;

    /**
     * Slots a gateway may hold (open or retired) before it revives retired ones.
     */
    static final int MAX_SLOTS = 1 << SLOT_BITS;

    /**
     * Highest generation of a slot; a slot whose occupant of this generation closes is retired.
     */
    static final int MAX_GENERATION = (1 << GENERATION_BITS) - 1;

    private static final int SLOT_MASK = MAX_SLOTS - 1;
    private static final int GENERATION_SHIFT = SLOT_BITS;
    private static final int GATEWAY_SHIFT = SLOT_BITS + GENERATION_BITS;

    private SessionIds()
    {
    }

    /**
     * @param gatewayId  of the gateway, 0 to 65534.
     * @param slot       index, 0 to {@link #MAX_SLOTS} - 1.
     * @param generation of the slot, 0 to {@link #MAX_GENERATION}.
     * @return the session id: positive, never 0.
     */
    static long sessionId(final int gatewayId, final int slot, final int generation)
    {
        return ((long)(gatewayId + 1) << GATEWAY_SHIFT) | ((long)generation << GENERATION_SHIFT) | slot;
    }

    /**
     * @param sessionId any value.
     * @return the gateway id it names, or -1 for 0; a negative value gives one above any valid gateway id.
     */
    static int gatewayId(final long sessionId)
    {
        return (int)(sessionId >>> GATEWAY_SHIFT) - 1;
    }

    /**
     * @param sessionId any value.
     * @return the slot index it names.
     */
    static int slot(final long sessionId)
    {
        return (int)sessionId & SLOT_MASK;
    }

    /**
     * @param sessionId any value.
     * @return the generation it names.
     */
    static int generation(final long sessionId)
    {
        return (int)(sessionId >>> GENERATION_SHIFT) & MAX_GENERATION;
    }
}
