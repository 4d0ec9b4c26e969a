package io.roomwire.engine;

/**
 * An interned user id, shared by all of the user's sessions.
 * <p>
 * Not thread safe: owned by the conductor thread.
 */
final class User extends AsciiKeyTable.Entry<User>
{
    final int id;
    int sessionCount;

    User(final byte[] name, final long hash, final int id)
    {
        super(name, hash);
        this.id = id;
    }
}
