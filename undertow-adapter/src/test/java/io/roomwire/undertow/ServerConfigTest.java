package io.roomwire.undertow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void shouldPutTheEngineOnTheIoThreadByDefaultOnlyOnOneProcessorWithOneIoThread()
    {
        assertTrue(ServerConfig.isEngineOnIoThreadByDefault(1, 1));
        assertFalse(ServerConfig.isEngineOnIoThreadByDefault(1, 2));
        assertFalse(ServerConfig.isEngineOnIoThreadByDefault(2, 1));

        final int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(1 == processors, new ServerConfig().dev(true).ioThreads(1).conclude().isEngineOnIoThread());
        assertFalse(new ServerConfig().dev(true).ioThreads(2).conclude().isEngineOnIoThread(),
            "never by default with several I/O threads");
    }

    @Test
    void shouldKeepAnExplicitChoiceOfTheEnginesThread()
    {
        assertFalse(new ServerConfig().dev(true).ioThreads(1).engineOnIoThread(false).conclude().isEngineOnIoThread());
        assertTrue(new ServerConfig().dev(true).ioThreads(1).engineOnIoThread(true).conclude().isEngineOnIoThread());
    }
}
