package io.roomwire.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.async.NonBlockingJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;

import java.io.IOException;

/**
 * jackson-core's non-blocking UTF-8 parser, kept by a {@link JsonDecoder} for message after message instead of a
 * parser created per message. Each message is fed whole with {@link #feedInput(byte[], int, int)} and read as the
 * next root-level value of one endless stream, so nothing is allocated per message once field names are known: the
 * parser's buffers, parsing contexts and symbol table are kept, and a known field name is found in the symbol table
 * rather than built as a new {@code String}.
 * <p>
 * Two additions, neither of which allocates:
 * <ul>
 *     <li>{@link #nextToken()} throws where jackson would answer {@link JsonToken#NOT_AVAILABLE}: the whole message
 *     was fed, so more input being needed means the message ended inside its value.</li>
 *     <li>{@link #position()} and {@link #nameCount()} read the parser's own counters, where jackson's public
 *     {@code currentLocation()} would create a {@code JsonLocation} and its symbol table has no public accessor.</li>
 * </ul>
 * After any failure the parser may be in the middle of a value, or hold input it has not read: the owner must then
 * close it and create another, which is what {@link JsonDecoder} does.
 * <p>
 * Not thread safe: owned by one {@link JsonDecoder} and used only by the thread that uses that decoder.
 */
final class ReusableJsonParser extends NonBlockingJsonParser
{
    private ReusableJsonParser(final IOContext context, final int parserFeatures, final ByteQuadsCanonicalizer names)
    {
        super(context, parserFeatures, names);
    }

    /**
     * The next token of the message fed last.
     *
     * @return the next token, never {@link JsonToken#NOT_AVAILABLE}.
     * @throws IOException when the text is not JSON, or when it ended before the token did.
     */
    @Override
    public JsonToken nextToken() throws IOException
    {
        final JsonToken token = super.nextToken();
        if (token == JsonToken.NOT_AVAILABLE)
        {
            throw new JsonEOFException(this, token, "message ended inside its JSON value");
        }

        return token;
    }

    /**
     * @return index, in the array fed last, of the first byte the parser has not read; just past the last token
     * returned.
     */
    int position()
    {
        return _inputPtr;
    }

    /**
     * @return how many distinct field names the parser's symbol table holds, those it started from included.
     */
    int nameCount()
    {
        return _symbols.size();
    }

    /**
     * Creates {@link ReusableJsonParser}s the way {@link JsonFactory#createNonBlockingByteArrayParser()} creates a
     * non-blocking parser, from the same settings, except that the parsers start from a name table their owner
     * creates rather than from the factory's: the names one owner's parsers learn are never merged into a table
     * other owners start from, and an owner can start again from an empty table to bound what its parsers hold.
     * <p>
     * Thread safe, as a {@link JsonFactory} is; a name table is used by the thread of the owner that created it.
     */
    static final class Factory extends JsonFactory
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param builder holding the settings of the parsers to create.
         */
        Factory(final JsonFactoryBuilder builder)
        {
            super(builder);
        }

        private Factory(final Factory source)
        {
            super(source, null);
        }

        /**
         * @return an empty name table for {@link #createReusableParser(ByteQuadsCanonicalizer)}.
         */
        ByteQuadsCanonicalizer createNameTable()
        {
            return ByteQuadsCanonicalizer.createRoot();
        }

        /**
         * @param nameTable the parser starts from the names in it, and adds the names it learns to it when closed.
         * @return a new parser, fed nothing yet.
         */
        ReusableJsonParser createReusableParser(final ByteQuadsCanonicalizer nameTable)
        {
            return new ReusableJsonParser(
                _createNonBlockingContext(null), _parserFeatures, nameTable.makeChildOrPlaceholder(_factoryFeatures));
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public JsonFactory copy()
        {
            return new Factory(this);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public String getFormatName()
        {
            return FORMAT_NAME_JSON;
        }
    }
}
