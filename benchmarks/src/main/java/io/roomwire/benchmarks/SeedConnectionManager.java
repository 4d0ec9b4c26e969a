package io.roomwire.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The seed document's {@code ConnectionManager}, ported to Java as the baseline it is: a map of room to a set of
 * receivers, and a broadcast that serialises the message to JSON once per receiver ({@code ws.send_json(message)} in
 * the seed) and hands each its own bytes.
 * <p>
 * Not thread safe, like the seed's (which relies on one asyncio loop).
 */
public final class SeedConnectionManager
{
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Set<Consumer<byte[]>>> connections = new HashMap<>();

    /**
     * @param room     to join.
     * @param receiver of broadcasts.
     */
    public void connect(final String room, final Consumer<byte[]> receiver)
    {
        connections.computeIfAbsent(room, (r) -> new LinkedHashSet<>()).add(receiver);
    }

    /**
     * @param room     to leave.
     * @param receiver leaving.
     */
    public void disconnect(final String room, final Consumer<byte[]> receiver)
    {
        final Set<Consumer<byte[]>> receivers = connections.get(room);
        if (null != receivers)
        {
            receivers.remove(receiver);
        }
    }

    /**
     * The seed's broadcast: {@code for ws in list(connections[room]): await ws.send_json(message)}.
     *
     * @param room    to broadcast to.
     * @param message as the seed builds it: {@code {"type": ..., "room": ..., "data": ...}}.
     * @return receivers reached.
     */
    public int broadcast(final String room, final Map<String, Object> message)
    {
        final Set<Consumer<byte[]>> receivers = connections.get(room);
        if (null == receivers)
        {
            return 0;
        }

        int count = 0;
        for (final Consumer<byte[]> receiver : new java.util.ArrayList<>(receivers))
        {
            try
            {
                receiver.accept(mapper.writeValueAsBytes(message));
                count++;
            }
            catch (final JsonProcessingException ex)
            {
                receivers.remove(receiver);
            }
        }

        return count;
    }
}
