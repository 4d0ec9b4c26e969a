package io.roomwire.engine;

import org.agrona.collections.ArrayUtil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One gateway's subscription to one room's log: the bridge between the conductor's flow control and a gateway's
 * delivery loop.
 * <p>
 * Thread ownership, by field group:
 * <ul>
 *     <li>immutable: {@link #id}, {@link #log}, {@link #gatewayId}, {@link #roomName}, {@link #isConflated};</li>
 *     <li>conductor only: {@link #room}, {@link #members}, {@link #memberCount}, {@link #joinsIssued},
 *     {@link #pendingFloor};</li>
 *     <li>gateway only: the {@code session*} arrays, {@link #sessionCount}, {@link #publishedPosition} and
 *     {@link #isRetrying};</li>
 *     <li>shared: {@code position} and {@code joinsApplied} written by the gateway with release semantics and read by
 *     the conductor; {@code state} written by the conductor and read by the gateway; {@code isQueued} set by the
 *     conductor when it appends a record and cleared by the gateway before it reads.</li>
 * </ul>
 */
final class Subscription
{
    static final int ACTIVE = 0;
    static final int REVOKED = 1;
    static final int CLOSED = 2;

    private static final VarHandle POSITION;
    private static final VarHandle JOINS_APPLIED;
    private static final VarHandle STATE;
    private static final VarHandle QUEUED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            POSITION = lookup.findVarHandle(Subscription.class, "position", long.class);
            JOINS_APPLIED = lookup.findVarHandle(Subscription.class, "joinsApplied", int.class);
            STATE = lookup.findVarHandle(Subscription.class, "state", int.class);
            QUEUED = lookup.findVarHandle(Subscription.class, "isQueued", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final long id;
    final RoomLog log;
    final int gatewayId;
    final byte[] roomName;
    final boolean isConflated;

    // shared
    private long position;
    private int joinsApplied;
    private int state;
    private int isQueued;

    // conductor only
    final Room room;
    Session[] members = new Session[4];
    int memberCount;
    int joinsIssued;
    long pendingFloor = Long.MAX_VALUE;

    // gateway only
    long[] sessionIds = new long[4];
    long[] sessionPositions = new long[4];
    long[] sessionLastSeqs = new long[4];
    boolean[] sessionCatchingUp = new boolean[4];
    int sessionCount;
    long publishedPosition = Long.MAX_VALUE;
    boolean isRetrying;

    Subscription(final long id, final Room room, final int gatewayId, final long initialPosition)
    {
        this.id = id;
        this.room = room;
        this.log = room.log;
        this.gatewayId = gatewayId;
        this.roomName = room.key;
        this.isConflated = room.isConflated;
        this.position = initialPosition;
    }

    // ------------------------------------------------------------------ conductor

    /**
     * @return the lowest position this subscription may still read, counting joins the gateway has not applied yet.
     */
    long floor()
    {
        final int applied = (int)JOINS_APPLIED.getAcquire(this);
        final long published = (long)POSITION.getAcquire(this);
        if (applied == joinsIssued)
        {
            pendingFloor = Long.MAX_VALUE;
            return published;
        }

        return Math.min(published, pendingFloor);
    }

    /**
     * Record a join the gateway will apply, starting at the given position.
     *
     * @param startPosition of the joining session.
     */
    void onJoinIssued(final long startPosition)
    {
        joinsIssued++;
        pendingFloor = Math.min(pendingFloor, startPosition);
    }

    /**
     * @param session joining; its index is returned for O(1) removal.
     * @return the index of the session in {@link #members}.
     */
    int addMember(final Session session)
    {
        if (memberCount == members.length)
        {
            members = ArrayUtil.ensureCapacity(members, memberCount * 2);
        }
        members[memberCount] = session;
        return memberCount++;
    }

    /**
     * Remove by swapping the last member into the hole.
     *
     * @param index of the member.
     * @return the session moved into {@code index}, or null when none moved.
     */
    Session removeMember(final int index)
    {
        final int last = --memberCount;
        final Session moved = members[last];
        members[last] = null;
        if (index != last)
        {
            members[index] = moved;
            return moved;
        }

        return null;
    }

    void state(final int state)
    {
        STATE.setRelease(this, state);
    }

    /**
     * Conductor: mark the subscription as having new records for its gateway.
     *
     * @return true when it was not marked already, so the caller must queue it.
     */
    boolean tryMarkQueued()
    {
        return 0 == (int)QUEUED.getOpaque(this) && QUEUED.compareAndSet(this, 0, 1);
    }

    // ------------------------------------------------------------------ gateway

    int state()
    {
        return (int)STATE.getAcquire(this);
    }

    /**
     * Gateway: clear the mark before reading the log, so a record appended after this read marks it again.
     */
    void clearQueued()
    {
        QUEUED.setVolatile(this, 0);
    }

    void publishPosition(final long position)
    {
        POSITION.setRelease(this, position);
    }

    void onJoinApplied()
    {
        JOINS_APPLIED.setRelease(this, (int)JOINS_APPLIED.getOpaque(this) + 1);
    }

    /**
     * @param sessionId to find.
     * @return index in the session arrays, or -1.
     */
    int indexOf(final long sessionId)
    {
        final long[] ids = sessionIds;
        for (int i = 0, n = sessionCount; i < n; i++)
        {
            if (ids[i] == sessionId)
            {
                return i;
            }
        }

        return -1;
    }

    /**
     * @param sessionId     joining.
     * @param startPosition of its first record.
     * @param lastSeq       seq before its first record.
     * @param isCatchingUp  true when it starts behind the head (a resume): it is held to the catch-up budget until it
     *                      is within the outbound budget.
     */
    void addSession(final long sessionId, final long startPosition, final long lastSeq, final boolean isCatchingUp)
    {
        if (sessionCount == sessionIds.length)
        {
            final int newLength = sessionCount * 2;
            sessionIds = java.util.Arrays.copyOf(sessionIds, newLength);
            sessionPositions = java.util.Arrays.copyOf(sessionPositions, newLength);
            sessionLastSeqs = java.util.Arrays.copyOf(sessionLastSeqs, newLength);
            sessionCatchingUp = java.util.Arrays.copyOf(sessionCatchingUp, newLength);
        }
        sessionIds[sessionCount] = sessionId;
        sessionPositions[sessionCount] = startPosition;
        sessionLastSeqs[sessionCount] = lastSeq;
        sessionCatchingUp[sessionCount] = isCatchingUp;
        sessionCount++;
    }

    void removeSessionAt(final int index)
    {
        final int last = --sessionCount;
        sessionIds[index] = sessionIds[last];
        sessionPositions[index] = sessionPositions[last];
        sessionLastSeqs[index] = sessionLastSeqs[last];
        sessionCatchingUp[index] = sessionCatchingUp[last];
    }
}
