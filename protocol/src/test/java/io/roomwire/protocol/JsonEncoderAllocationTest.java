package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PresenceStatus;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.roomwire.protocol.TestMessages.EPOCH;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guards the per-record path: once warm, {@link JsonEncoder} allocates nothing, as the JVM counts it.
 */
class JsonEncoderAllocationTest
{
    private static final int WARM_UP = 20_000;
    private static final int ITERATIONS = 10_000;

    @Test
    void encodingIsAllocationFreeOnceWarm()
    {
        final UnsafeBuffer[] messages =
        {
            new UnsafeBuffer(TestMessages.deliver(
                MessageKind.TEXT, "general", 42, 1711000000123L, "user_42", "", "{\"content\":\"Hello\"}")),
            new UnsafeBuffer(TestMessages.deliver(
                MessageKind.MESSAGE, "general", 43, 1711000000124L, "guest-1", "", " { } ")),
            new UnsafeBuffer(TestMessages.deliver(MessageKind.SYSTEM, PayloadFormat.BINARY, "general", EPOCH, 44,
                1711000000125L, "user_42", "cursor", new byte[]{ 1, 2, 3, 4, 5 })),
            new UnsafeBuffer(TestMessages.presence(
                "general", EPOCH, 45, 1711000030123L, PresenceStatus.LEFT, LeaveReason.EXPIRED, "user_7")),
            new UnsafeBuffer(TestMessages.ack("general", "msg_123", EPOCH, 42)),
            new UnsafeBuffer(TestMessages.error(
                ErrorCode.RATE_LIMITED, "general", "msg_123", "publish rate over the limit \"quoted\"")),
            new UnsafeBuffer(TestMessages.joined("general", "j1", EPOCH, 41, 42, 2, false, "user_42", "user_7")),
            new UnsafeBuffer(TestMessages.typing("general", "user_7", true)),
            new UnsafeBuffer(TestMessages.connected(4294967297L, "user_42", 10000, 30000, 16384, 64, 50, 100)),
            new UnsafeBuffer(TestMessages.publish(MessageKind.TEXT, "general", "m", "k", "{\"a\":1}")),
        };
        final JsonEncoder encoder = new JsonEncoder();
        final ExpandableArrayBuffer dst = new ExpandableArrayBuffer(4096);

        final long allocated = Allocations.fewestBytesPerRound(
            (iterations) -> run(encoder, messages, dst, iterations), WARM_UP, ITERATIONS);
        assertEquals(0, allocated, "fewest bytes allocated by " + ITERATIONS * messages.length + " encodes");
    }

    private static long run(
        final JsonEncoder encoder, final UnsafeBuffer[] messages, final ExpandableArrayBuffer dst, final int iterations)
    {
        long checksum = 0;
        for (int i = 0; i < iterations; i++)
        {
            for (final UnsafeBuffer message : messages)
            {
                checksum += encoder.encode(message, 0, message.capacity(), dst, 0);
            }
        }

        return checksum;
    }
}
