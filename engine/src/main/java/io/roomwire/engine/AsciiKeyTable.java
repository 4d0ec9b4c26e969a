package io.roomwire.engine;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Interns entries by an ASCII key (room name, user id) looked up straight from a buffer, without allocating: a
 * 64-bit seeded hash of the bytes selects a chain of entries, which are compared byte for byte.
 * <p>
 * Not thread safe: owned by the conductor thread.
 *
 * @param <E> entry type.
 */
final class AsciiKeyTable<E extends AsciiKeyTable.Entry<E>>
{
    /**
     * An interned key.
     *
     * @param <E> entry type.
     */
    abstract static class Entry<E>
    {
        final byte[] key;
        final long hash;
        E nextInChain;

        Entry(final byte[] key, final long hash)
        {
            this.key = key;
            this.hash = hash;
        }

        boolean keyEquals(final DirectBuffer buffer, final int offset, final int length)
        {
            if (key.length != length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (key[i] != buffer.getByte(offset + i))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private final Long2ObjectHashMap<E> chainByHash = new Long2ObjectHashMap<>();
    private final long seed;
    private int size;

    AsciiKeyTable(final long seed)
    {
        this.seed = seed;
    }

    /**
     * @return number of entries.
     */
    int size()
    {
        return size;
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key.
     * @param length of the key.
     * @return hash of the key under this table's seed.
     */
    long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = seed ^ 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++)
        {
            h ^= buffer.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;

        return h;
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key.
     * @param length of the key.
     * @param hash   of the key from {@link #hash(DirectBuffer, int, int)}.
     * @return the entry, or null.
     */
    E get(final DirectBuffer buffer, final int offset, final int length, final long hash)
    {
        E entry = chainByHash.get(hash);
        while (null != entry && !entry.keyEquals(buffer, offset, length))
        {
            entry = entry.nextInChain;
        }

        return entry;
    }

    /**
     * @param entry to add; its key must not be present.
     */
    void add(final E entry)
    {
        entry.nextInChain = chainByHash.put(entry.hash, entry);
        size++;
    }

    /**
     * @param entry to remove.
     */
    void remove(final E entry)
    {
        final E head = chainByHash.get(entry.hash);
        if (head == entry)
        {
            if (null == entry.nextInChain)
            {
                chainByHash.remove(entry.hash);
            }
            else
            {
                chainByHash.put(entry.hash, entry.nextInChain);
            }
            size--;
        }
        else
        {
            E previous = head;
            while (null != previous && previous.nextInChain != entry)
            {
                previous = previous.nextInChain;
            }
            if (null != previous)
            {
                previous.nextInChain = entry.nextInChain;
                size--;
            }
        }
        entry.nextInChain = null;
    }
}
