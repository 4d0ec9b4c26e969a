package io.roomwire.engine;

import org.agrona.DirectBuffer;

/**
 * Reads the other forms of a room record handed to {@link SessionHandler#onRecord}: the engine writes a record's
 * JSON form once, right after its binary form, so every receiver of either form gets the same bytes.
 * <p>
 * Stateless; safe from any thread, for a record while it is being handed to a handler.
 */
public final class RoomRecords
{
    private RoomRecords()
    {
    }

    /**
     * @param buffer holding the record, as handed to {@link SessionHandler#onRecord}.
     * @param offset of the binary form, as handed.
     * @param length of the binary form, as handed.
     * @return offset of the JSON form.
     */
    public static int jsonOffset(final DirectBuffer buffer, final int offset, final int length)
    {
        return offset + length;
    }

    /**
     * @param buffer holding the record, as handed to {@link SessionHandler#onRecord}.
     * @param offset of the binary form, as handed.
     * @param length of the binary form, as handed.
     * @return length of the JSON form; 0 when the engine runs without JSON forms.
     */
    public static int jsonLength(final DirectBuffer buffer, final int offset, final int length)
    {
        final int frameLength = buffer.getInt(offset - RoomLog.FRAME_HEADER_LENGTH);
        return frameLength - RoomLog.FRAME_HEADER_LENGTH - length;
    }
}
