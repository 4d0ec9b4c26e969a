package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ErrorCodes} and the error table of docs/protocol.md agree, row for row.
 */
class ErrorCodesTest
{
    @Test
    void everyCodeOfTheSchemaIsInTheDocumentTableWithTheSameNameCloseCodeAndStatus() throws IOException
    {
        final String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
        final Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\| `([a-z_0-9]+)` \\| (\\d+) \\| (\\d+) \\| (.+) \\|$")
            .matcher(doc);

        int rows = 0;
        while (row.find())
        {
            rows++;
            final ErrorCode code = ErrorCode.get(Integer.parseInt(row.group(1)));
            assertEquals(row.group(2), ErrorCodes.jsonName(code), row.group());
            assertEquals(Integer.parseInt(row.group(3)), ErrorCodes.closeCode(code), row.group());
            assertEquals(Integer.parseInt(row.group(4)), ErrorCodes.httpStatus(code), row.group());
            assertEquals(row.group(5), ErrorCodes.description(code), row.group());
            assertEquals(code, ErrorCodes.fromJsonName(row.group(2)));
        }

        assertEquals(ErrorCode.values().length - 1, rows);
    }

    @Test
    void unknownNamesAndCodesFallBack()
    {
        assertEquals(ErrorCode.NULL_VAL, ErrorCodes.fromJsonName("no_such_error"));
        assertEquals("internal_error", ErrorCodes.jsonName(ErrorCode.NULL_VAL));
    }
}
