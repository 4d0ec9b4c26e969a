package io.roomwire.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineBasicsTest
{
    private final EngineHarness harness = new EngineHarness();

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldConnectJoinPublishAndAcknowledge()
    {
        final Gateway gateway = harness.gateway();
        final Recorder recorder = harness.recorder(gateway);
        final long alice = harness.open(gateway, "alice");
        final long bob = harness.open(gateway, "bob");
        gateway.join(alice, "general", "j1");
        gateway.join(bob, "general", "j2");
        harness.drive();

        assertEquals("alice", recorder.last(alice, "connected").user);
        final Msg joinedAlice = recorder.last(alice, "joined");
        assertEquals("j1", joinedAlice.id);
        assertEquals(1, joinedAlice.headSeq, "alice's own presence record is seq 1");
        assertEquals(2, joinedAlice.fromSeq);
        assertEquals(List.of("alice"), joinedAlice.members);
        final Msg joinedBob = recorder.last(bob, "joined");
        assertEquals(2, joinedBob.membersTotal);

        final List<Msg> aliceSeesBob = recorder.records(alice, "general");
        assertEquals(1, aliceSeesBob.size());
        assertEquals("presence", aliceSeesBob.get(0).type);
        assertEquals("bob", aliceSeesBob.get(0).user);
        assertEquals("JOINED", aliceSeesBob.get(0).status);
        assertEquals(2, aliceSeesBob.get(0).seq);

        recorder.clear();
        harness.publish(gateway, alice, "general", "msg_123", "{\"content\":\"Hello\"}");
        harness.drive();

        final Msg ack = recorder.last(alice, "ack");
        assertNotNull(ack);
        assertEquals("msg_123", ack.id);
        assertEquals(3, ack.seq);
        assertEquals(joinedAlice.epoch, ack.epoch);

        for (final long session : new long[]{ alice, bob })
        {
            final List<Msg> records = recorder.records(session, "general");
            assertEquals(1, records.size());
            assertEquals("deliver", records.get(0).type);
            assertEquals("{\"content\":\"Hello\"}", records.get(0).payload);
            assertEquals("alice", records.get(0).author);
            assertEquals(3, records.get(0).seq);
            assertEquals(EngineHarness.START_MS, records.get(0).timestamp);
        }
        assertTrue(recorder.jsonForms().contains(
            "{\"type\":\"text\",\"room\":\"general\",\"epoch\":" + joinedAlice.epoch + ",\"seq\":3," +
            "\"data\":{\"content\":\"Hello\",\"author\":\"alice\"},\"timestamp\":" + EngineHarness.START_MS + "}"),
            () -> recorder.jsonForms().toString());
    }
}
