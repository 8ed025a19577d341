package io.triage.stream.input;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding that rejects malformed bytes instead of silently replacing them with U+FFFD. */
final class StrictUtf8 {
    private StrictUtf8() {}

    static String decode(byte[] bytes) throws InvalidInputException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(InvalidInputException.Reason.INVALID_UTF8, "value is not valid UTF-8", e);
        }
    }
}
