package io.roomwire.engine;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionSlotsTest
{
    @Test
    void shouldEncodeGatewaySlotAndGenerationInAPositiveId()
    {
        final int[] gateways = { 0, 1, 63, 65_534 };
        final int[] slots = { 0, 1, 1_000_000, SessionIds.MAX_SLOTS - 1 };
        final int[] generations = { 0, 1, 12_345, SessionIds.MAX_GENERATION };
        final Set<Long> ids = new HashSet<>();
        for (final int gateway : gateways)
        {
            for (final int slot : slots)
            {
                for (final int generation : generations)
                {
                    final long id = SessionIds.sessionId(gateway, slot, generation);
                    assertTrue(id > 0, () -> "positive: " + id);
                    assertEquals(gateway, SessionIds.gatewayId(id));
                    assertEquals(slot, SessionIds.slot(id));
                    assertEquals(generation, SessionIds.generation(id));
                    ids.add(id);
                }
            }
        }
        assertEquals(gateways.length * slots.length * generations.length, ids.size());
    }

    @Test
    void shouldNameNoGatewayForZeroOrNegativeValues()
    {
        assertEquals(-1, SessionIds.gatewayId(0));
        assertEquals(-1, SessionIds.gatewayId(12345L));
        assertTrue(SessionIds.gatewayId(-4) >= 65_535);
        assertTrue(SessionIds.gatewayId(Long.MIN_VALUE) >= 65_535);
    }

    @Test
    void shouldReuseTheMostRecentlyFreedSlotWithTheNextGeneration()
    {
        final SessionSlots slots = new SessionSlots();
        final int a = slots.allocate();
        final int b = slots.allocate();
        final int c = slots.allocate();
        assertEquals(0, a);
        assertEquals(1, b);
        assertEquals(2, c);
        assertEquals(0, slots.generation(b));

        slots.free(b);
        slots.free(a);
        assertEquals(a, slots.allocate());
        assertEquals(1, slots.generation(a));
        assertEquals(b, slots.allocate());
        assertEquals(1, slots.generation(b));
        assertEquals(3, slots.allocate(), "a new index once none is free");

        slots.free(b);
        assertEquals(b, slots.allocate());
        assertEquals(2, slots.generation(b));
    }

    @Test
    void shouldGrowBeyondItsInitialTables()
    {
        final SessionSlots slots = new SessionSlots();
        for (int i = 0; i < 100_000; i++)
        {
            assertEquals(i, slots.allocate());
        }
        for (int i = 0; i < 100_000; i += 2)
        {
            slots.free(i);
        }
        for (int i = 0; i < 50_000; i++)
        {
            final int slot = slots.allocate();
            assertEquals(0, slot % 2, "a freed slot first");
            assertEquals(1, slots.generation(slot));
        }
        assertEquals(100_000, slots.slotCount());
        assertEquals(100_000, slots.allocate());
    }

    @Test
    void shouldRetireASlotWhoseGenerationsAreUsedUpInsteadOfWrapping()
    {
        final SessionSlots slots = new SessionSlots(4, 3);
        final int slot = slots.allocate();
        for (int generation = 1; generation <= 3; generation++)
        {
            slots.free(slot);
            assertEquals(slot, slots.allocate());
            assertEquals(generation, slots.generation(slot));
        }

        slots.free(slot);
        assertEquals(1, slots.retiredCount());
        assertEquals(0, slots.freeCount());
        assertEquals(1, slots.allocate(), "the retired slot is not reused while indexes remain");
        assertEquals(2, slots.allocate());
        assertEquals(3, slots.allocate());
    }

    @Test
    void shouldReviveRetiredSlotsOnlyWhenEveryIndexIsTaken()
    {
        final SessionSlots slots = new SessionSlots(2, 1);
        final int a = slots.allocate();
        final int b = slots.allocate();
        slots.free(a);
        assertEquals(a, slots.allocate());
        assertEquals(1, slots.generation(a));
        slots.free(a);
        assertEquals(1, slots.retiredCount());

        final int revived = slots.allocate();
        assertEquals(a, revived, "every index used: the retired slot comes back");
        assertEquals(0, slots.generation(a), "with its generations starting again");
        assertEquals(0, slots.retiredCount());
        assertEquals(SessionSlots.NO_SLOT, slots.allocate(), "both slots hold open sessions");

        slots.free(b);
        assertEquals(b, slots.allocate());
        assertEquals(1, slots.generation(b));
    }

    @Test
    void shouldFreeEveryLiveSlotLowestFirstWhenAGatewayTakesOver()
    {
        final SessionSlots slots = new SessionSlots(8, 1);
        for (int i = 0; i < 5; i++)
        {
            slots.allocate();
        }
        slots.free(3);
        assertEquals(3, slots.allocate());
        slots.free(3);
        assertEquals(1, slots.retiredCount());

        slots.reset();
        assertEquals(4, slots.freeCount(), "every slot but the retired one");
        assertEquals(0, slots.allocate());
        assertEquals(1, slots.generation(0));
        assertEquals(1, slots.allocate());
        assertEquals(2, slots.allocate());
        assertEquals(4, slots.allocate(), "the retired slot is skipped");
        assertEquals(5, slots.allocate());
    }
}
