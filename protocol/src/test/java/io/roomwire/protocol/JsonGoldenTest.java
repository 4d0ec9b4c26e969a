package io.roomwire.protocol;

import io.roomwire.protocol.codec.ErrorCode;
import io.roomwire.protocol.codec.LeaveReason;
import io.roomwire.protocol.codec.MessageKind;
import io.roomwire.protocol.codec.PayloadFormat;
import io.roomwire.protocol.codec.PresenceStatus;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.roomwire.protocol.TestMessages.EPOCH;
import static io.roomwire.protocol.TestMessages.bytes;
import static io.roomwire.protocol.TestMessages.string;
import static io.roomwire.protocol.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden vectors: the JSON texts in {@code src/test/resources/golden}, among them every example of docs/protocol.md,
 * against the SBE messages they stand for, byte for byte in both directions.
 */
class JsonGoldenTest
{
    private static final byte[] GENERAL = utf8("general");

    private final JsonEncoder encoder = new JsonEncoder();
    private final JsonDecoder decoder = new JsonDecoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();

    static Stream<Arguments> clientVectors()
    {
        return Stream.of(
            Arguments.of("client_connect.json", TestMessages.connect(0, "...")),
            Arguments.of("client_join.json", TestMessages.join("general", "j1")),
            Arguments.of("client_resume.json", TestMessages.join("general", "j1", EPOCH, 41)),
            Arguments.of("client_leave.json", TestMessages.leave("general", "l1")),
            Arguments.of("client_publish_text.json",
                TestMessages.publish(MessageKind.TEXT, "general", "msg_123", "", "{\"content\":\"Hello\"}")),
            Arguments.of("client_typing.json", TestMessages.typingCommand("general", true)),
            Arguments.of("client_ping.json", TestMessages.ping(1711000000123L)));
    }

    static Stream<Arguments> serverVectors()
    {
        return Stream.of(
            Arguments.of("server_connected.json",
                TestMessages.connected(4294967297L, "user_42", 10000, 30000, 16384, 64, 50, 100)),
            Arguments.of("server_joined.json",
                TestMessages.joined("general", "j1", EPOCH, 41, 42, 2, false, "user_42", "user_7")),
            Arguments.of("server_presence_snapshot.json", TestMessages.presenceSnapshot("general", "user_9")),
            Arguments.of("server_deliver_text.json",
                TestMessages.deliver(
                    MessageKind.TEXT, "general", 42, 1711000000123L, "user_42", "", "{\"content\":\"Hello\"}")),
            Arguments.of("server_presence_left.json",
                TestMessages.presence(
                    "general", EPOCH, 43, 1711000030123L, PresenceStatus.LEFT, LeaveReason.EXPIRED, "user_7")),
            Arguments.of("server_ack.json", TestMessages.ack("general", "msg_123", EPOCH, 42)),
            Arguments.of("server_typing.json", TestMessages.typing("general", "user_7", true)),
            Arguments.of("server_error.json",
                TestMessages.error(ErrorCode.RATE_LIMITED, "general", "msg_123", "publish rate over the limit")),
            Arguments.of("server_resync.json", TestMessages.resync("general", EPOCH, 900, 390, EPOCH, 12)),
            Arguments.of("server_pong.json", TestMessages.pong(1711000000123L, 1711000000125L)),
            Arguments.of("server_left.json", TestMessages.left("general", "l1", LeaveReason.LEFT, 57)),
            Arguments.of("server_session_closed.json", TestMessages.sessionClosed(ErrorCode.LAGGING, "...")),
            Arguments.of("server_deliver_empty.json",
                TestMessages.deliver(MessageKind.MESSAGE, "general", 8, 1711000000124L, "guest-1", "", "{}")),
            Arguments.of("server_deliver_binary_key.json",
                TestMessages.deliver(MessageKind.SYSTEM, PayloadFormat.BINARY, "general", EPOCH, 9, 1711000000125L,
                    "user_42", "cursor:user_42", new byte[]{ 0, 1, 2, (byte)0xFF })),
            Arguments.of("server_presence_joined.json",
                TestMessages.presence(
                    "general", EPOCH, 44, 1711000031000L, PresenceStatus.JOINED, LeaveReason.NONE, "user_9")),
            Arguments.of("server_error_connection.json",
                TestMessages.error(ErrorCode.NOT_JSON, "", "", "text is not parseable as JSON")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({ "clientVectors", "serverVectors" })
    void encodesToGoldenJson(final String file, final byte[] sbe)
    {
        final byte[] golden = golden(file);

        final int length = encoder.encode(TestMessages.buffer(sbe), 0, sbe.length, out, 0);

        assertEquals(string(golden), string(out, 0, length));
        assertArrayEquals(golden, bytes(out, 0, length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientVectors")
    void decodesGoldenClientJson(final String file, final byte[] sbe)
    {
        final byte[] golden = golden(file);

        final int length = decoder.decodeClientMessage(golden, 0, golden.length, out, 0, null);

        assertTrue(length > 0, () -> decoder.error().toString());
        assertArrayEquals(sbe, bytes(out, 0, length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverVectors")
    void decodesGoldenServerJson(final String file, final byte[] sbe)
    {
        final byte[] golden = golden(file);

        final int length = decoder.decodeServerMessage(golden, 0, golden.length, out, 0);

        assertTrue(length > 0, () -> decoder.error().toString());
        assertArrayEquals(sbe, bytes(out, 0, length));
    }

    @Test
    void seedFormObjectIsBroadcastWithTheAuthorAdded()
    {
        final byte[] input = golden("seed_input.json");

        final int publishLength = decoder.decodeClientMessage(input, 0, input.length, out, 0, GENERAL);

        final byte[] expectedPublish = TestMessages.publish(MessageKind.MESSAGE, "general", "", "", string(input));
        assertArrayEquals(expectedPublish, bytes(out, 0, publishLength));

        final byte[] deliver = TestMessages.deliver(
            MessageKind.MESSAGE, PayloadFormat.JSON, "general", EPOCH, 7, 1711000000123L, "guest-1", "", input);
        final int length = encoder.encode(TestMessages.buffer(deliver), 0, deliver.length, out, 0);

        assertEquals(string(golden("seed_broadcast.json")), string(out, 0, length));
    }

    @Test
    void everyConcreteExampleOfTheProtocolDocumentIsAGoldenVector() throws IOException
    {
        final String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
        final List<String> goldens = new ArrayList<>();
        Stream.concat(clientVectors(), serverVectors())
            .forEach((arguments) -> goldens.add(string(golden((String)arguments.get()[0]))));

        final Matcher matcher = Pattern.compile("`(\\{\"type\".*?})`").matcher(doc);
        int examples = 0;
        while (matcher.find())
        {
            final String example = matcher.group(1);
            if (!example.contains(":..."))
            {
                examples++;
                assertTrue(goldens.contains(example), () -> "no golden vector for " + example);
            }
        }
        assertEquals(19, examples);
    }

    static byte[] golden(final String file)
    {
        try (InputStream in = JsonGoldenTest.class.getResourceAsStream("/golden/" + file))
        {
            assertNotNull(in, file);
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
