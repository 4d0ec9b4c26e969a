package io.roomwire.undertow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings that only make sense together are refused at start with a message naming them.
 */
class ServerConfigTest
{
    @Test
    void shouldRunTheEngineOnTheIoThreadOnlyWithOneIoThread()
    {
        assertTrue(new ServerConfig().dev(true).ioThreads(1).engineOnIoThread(true).conclude().isEngineOnIoThread());

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().dev(true).ioThreads(2).engineOnIoThread(true).conclude());
        assertTrue(refused.getMessage().contains(ServerConfig.ENGINE_ON_IO_THREAD_PROP_NAME), refused::getMessage);
        assertTrue(refused.getMessage().contains(ServerConfig.IO_THREADS_PROP_NAME), refused::getMessage);
    }
}
