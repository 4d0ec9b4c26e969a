package io.roomwire.engine;

/**
 * Record types of a gateway's control ring, written by the conductor and read by the gateway.
 * <p>
 * Every record starts with a {@link #PREFIX_LENGTH}-byte prefix, then (for all but {@link #SUBSCRIPTION_CLOSED}) one SBE
 * message, header included, that the gateway hands to its {@link SessionHandler#onControl} as it is:
 * <pre>
 *   0  int64 session id: the session the event is for (for {@link #BROADCAST}, the session to skip, or 0)
 *   8  int64 subscription id, or 0
 *  16  int64 auxiliary: the start position for {@link #JOINED}, otherwise 0
 * </pre>
 * Stateless constants.
 */
final class ControlEvents
{
    /**
     * An SBE message for one session.
     */
    static final int CONTROL = 1;

    /**
     * The session joins a subscription at a start position; the message is {@code Joined}. The gateway applies the
     * join (and counts it) even when it no longer knows the session.
     */
    static final int JOINED = 2;

    /**
     * The session left a subscription; the message is {@code Left}, whose {@code lastSeq} the gateway fills in.
     */
    static final int LEFT = 3;

    /**
     * An SBE message for every session of a subscription but the one in the prefix (typing indicators).
     */
    static final int BROADCAST = 4;

    /**
     * The conductor closed the session; the message is {@code SessionClosed}.
     */
    static final int SESSION_CLOSED = 5;

    /**
     * The conductor closed a subscription: no session of the gateway is in the room any more. No message.
     */
    static final int SUBSCRIPTION_CLOSED = 6;

    static final int SESSION_ID_OFFSET = 0;
    static final int SUBSCRIPTION_ID_OFFSET = 8;
    static final int AUX_OFFSET = 16;
    static final int PREFIX_LENGTH = 24;

    private ControlEvents()
    {
    }
}
