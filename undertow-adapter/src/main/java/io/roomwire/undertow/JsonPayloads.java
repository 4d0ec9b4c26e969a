package io.roomwire.undertow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.roomwire.protocol.codec.ErrorCode;
import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * Validates a payload that a binary client declares to be JSON, so that browsers reading the record's JSON form never
 * get broken JSON: it must be one JSON object, at most {@link #MAX_DEPTH} deep, without a top-level {@code author}.
 * <p>
 * Stateless; safe from any thread (the factory is thread safe).
 */
final class JsonPayloads
{
    static final int MAX_DEPTH = 32;

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
        .build();

    private JsonPayloads()
    {
    }

    /**
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return null when valid, else the error.
     */
    static ErrorCode validateObject(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try (JsonParser parser = FACTORY.createParser(bytes))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                return ErrorCode.NOT_AN_OBJECT;
            }
            int depth = 1;
            JsonToken token;
            while (depth > 0 && null != (token = parser.nextToken()))
            {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
                {
                    if (++depth > MAX_DEPTH)
                    {
                        return ErrorCode.TOO_DEEP;
                    }
                }
                else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY)
                {
                    depth--;
                }
                else if (token == JsonToken.FIELD_NAME && depth == 1 && "author".equals(parser.currentName()))
                {
                    return ErrorCode.RESERVED_FIELD;
                }
            }
            return null == parser.nextToken() ? null : ErrorCode.NOT_JSON;
        }
        catch (final IOException ex)
        {
            return ErrorCode.NOT_JSON;
        }
    }
}
