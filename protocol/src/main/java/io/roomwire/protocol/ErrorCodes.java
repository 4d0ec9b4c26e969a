package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;

import java.nio.charset.StandardCharsets;

/**
 * The one table of errors: for every {@link ErrorCode} of the schema, the name it has in the JSON form, the WebSocket
 * close code used when the error ends a connection, and the HTTP status used when it ends a request.
 * docs/protocol.md prints the same table; {@code ErrorCodesTest} checks the two agree.
 * <p>
 * Close codes follow RFC 6455 where a standard code fits, and are {@code 4000 + code} otherwise.
 * <p>
 * Immutable; safe from any thread.
 */
public final class ErrorCodes
{
    /**
     * Normal closure.
     */
    public static final int CLOSE_NORMAL = 1000;

    /**
     * The server is going away (shutdown) or the client navigated away.
     */
    public static final int CLOSE_GOING_AWAY = 1001;

    /**
     * Protocol error.
     */
    public static final int CLOSE_PROTOCOL_ERROR = 1002;

    /**
     * Data of a type the endpoint cannot accept.
     */
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;

    /**
     * Payload inconsistent with the message type, such as invalid UTF-8 in a text frame.
     */
    public static final int CLOSE_INVALID_PAYLOAD = 1007;

    /**
     * Policy violation: authentication or authorisation failure.
     */
    public static final int CLOSE_POLICY_VIOLATION = 1008;

    /**
     * Message too big.
     */
    public static final int CLOSE_MESSAGE_TOO_BIG = 1009;

    /**
     * Unexpected server condition.
     */
    public static final int CLOSE_INTERNAL_ERROR = 1011;

    /**
     * Try again later: overload.
     */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private static final int CODE_LIMIT = 64;
    private static final String[] JSON_NAMES = new String[CODE_LIMIT];
    private static final byte[][] JSON_NAME_BYTES = new byte[CODE_LIMIT][];
    private static final int[] CLOSE_CODES = new int[CODE_LIMIT];
    private static final int[] HTTP_STATUSES = new int[CODE_LIMIT];
    private static final String[] DESCRIPTIONS = new String[CODE_LIMIT];

    static
    {
        define(ErrorCode.MALFORMED, CLOSE_PROTOCOL_ERROR, 400, "binary message could not be decoded");
        define(ErrorCode.NOT_JSON, CLOSE_UNSUPPORTED_DATA, 400, "text is not JSON");
        define(ErrorCode.NOT_AN_OBJECT, CLOSE_UNSUPPORTED_DATA, 400, "JSON value is not an object");
        define(ErrorCode.UNKNOWN_TYPE, CLOSE_UNSUPPORTED_DATA, 400, "type is unknown, missing, or not one a client may send");
        define(ErrorCode.MISSING_FIELD, CLOSE_UNSUPPORTED_DATA, 400, "a required field is missing");
        define(ErrorCode.WRONG_FIELD_TYPE, CLOSE_UNSUPPORTED_DATA, 400, "a field has the wrong JSON type, or appears twice");
        define(ErrorCode.MESSAGE_TOO_LARGE, CLOSE_MESSAGE_TOO_BIG, 413, "message is larger than the frame limit");
        define(ErrorCode.TOO_DEEP, CLOSE_UNSUPPORTED_DATA, 400, "JSON nests deeper than the limit");
        define(ErrorCode.INVALID_UTF8, CLOSE_INVALID_PAYLOAD, 400, "text is not valid UTF-8");
        define(ErrorCode.INVALID_ROOM, CLOSE_UNSUPPORTED_DATA, 400, "room name has invalid syntax");
        define(ErrorCode.INVALID_ID, CLOSE_UNSUPPORTED_DATA, 400, "message id, key or user id has invalid syntax");
        define(ErrorCode.RESERVED_FIELD, CLOSE_UNSUPPORTED_DATA, 400, "data sets a field the server owns (author)");
        define(ErrorCode.UNSUPPORTED_VERSION, CLOSE_PROTOCOL_ERROR, 400, "protocol version or schema not supported");
        define(ErrorCode.NOT_AUTHENTICATED, CLOSE_POLICY_VIOLATION, 401, "token missing, malformed or forged");
        define(ErrorCode.TOKEN_EXPIRED, CLOSE_POLICY_VIOLATION, 401, "token expired");
        define(ErrorCode.NOT_PERMITTED, CLOSE_POLICY_VIOLATION, 403, "token does not grant this room");
        define(ErrorCode.ORIGIN_NOT_ALLOWED, CLOSE_POLICY_VIOLATION, 403, "Origin header not in the allow-list");
        define(ErrorCode.RATE_LIMITED, 4030, 429, "publish or typing rate over the limit");
        define(ErrorCode.PAYLOAD_TOO_LARGE, CLOSE_MESSAGE_TOO_BIG, 413, "payload larger than the limit");
        define(ErrorCode.TOO_MANY_ROOMS, 4032, 409, "session is in as many rooms as allowed");
        define(ErrorCode.ROOM_FULL, 4033, 409, "room has as many members as allowed");
        define(ErrorCode.NOT_A_MEMBER, 4034, 409, "session is not in that room");
        define(ErrorCode.ALREADY_JOINED, 4035, 409, "session is already in that room");
        define(ErrorCode.TOO_MANY_CONNECTIONS, CLOSE_TRY_AGAIN_LATER, 429, "too many connections from this address");
        define(ErrorCode.RESUME_AHEAD, 4037, 400, "resume point is ahead of the room's head");
        define(ErrorCode.LAGGING, 4040, 503, "receiver fell behind its outbound budget; resume from the last seq");
        define(ErrorCode.HEARTBEAT_TIMEOUT, 4041, 408, "no heartbeat within the presence timeout");
        define(ErrorCode.IDLE_TIMEOUT, 4042, 408, "connection idle for longer than the limit");
        define(ErrorCode.SHUTTING_DOWN, CLOSE_GOING_AWAY, 503, "node is shutting down");
        define(ErrorCode.BACK_PRESSURED, CLOSE_TRY_AGAIN_LATER, 503, "engine inbound queue full; retry");
        define(ErrorCode.UNKNOWN_SESSION, 4045, 410, "session does not exist or has ended");
        define(ErrorCode.INTERNAL_ERROR, CLOSE_INTERNAL_ERROR, 500, "unexpected server condition");
    }

    private ErrorCodes()
    {
    }

    /**
     * @param code error.
     * @return the snake_case name of the error in the JSON form, e.g. {@code rate_limited}.
     */
    public static String jsonName(final ErrorCode code)
    {
        return JSON_NAMES[index(code)];
    }

    /**
     * @param code error.
     * @return the ASCII bytes of {@link #jsonName(ErrorCode)}; the caller must not modify them.
     */
    public static byte[] jsonNameBytes(final ErrorCode code)
    {
        return JSON_NAME_BYTES[index(code)];
    }

    /**
     * @param code error.
     * @return the WebSocket close code used when this error ends a connection.
     */
    public static int closeCode(final ErrorCode code)
    {
        return CLOSE_CODES[index(code)];
    }

    /**
     * @param code error.
     * @return the HTTP status used when this error ends a request.
     */
    public static int httpStatus(final ErrorCode code)
    {
        return HTTP_STATUSES[index(code)];
    }

    /**
     * @param code error.
     * @return a one-line description of the error.
     */
    public static String description(final ErrorCode code)
    {
        return DESCRIPTIONS[index(code)];
    }

    /**
     * @param jsonName snake_case name as it appears in the JSON form.
     * @return the error code, or {@link ErrorCode#NULL_VAL} when the name is unknown.
     */
    public static ErrorCode fromJsonName(final CharSequence jsonName)
    {
        for (final ErrorCode code : ErrorCode.values())
        {
            if (code != ErrorCode.NULL_VAL && JSON_NAMES[code.value()].contentEquals(jsonName))
            {
                return code;
            }
        }

        return ErrorCode.NULL_VAL;
    }

    private static int index(final ErrorCode code)
    {
        final int value = code.value();
        if (code == ErrorCode.NULL_VAL || value >= CODE_LIMIT || null == JSON_NAMES[value])
        {
            return ErrorCode.INTERNAL_ERROR.value();
        }

        return value;
    }

    private static void define(final ErrorCode code, final int closeCode, final int httpStatus, final String description)
    {
        final String name = code.name().toLowerCase(java.util.Locale.ROOT);
        JSON_NAMES[code.value()] = name;
        JSON_NAME_BYTES[code.value()] = name.getBytes(StandardCharsets.US_ASCII);
        CLOSE_CODES[code.value()] = closeCode;
        HTTP_STATUSES[code.value()] = httpStatus;
        DESCRIPTIONS[code.value()] = description;
    }
}
