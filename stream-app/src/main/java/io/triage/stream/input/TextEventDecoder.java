package io.triage.stream.input;

import io.triage.schemas.TextEvent;
import org.apache.kafka.common.header.Headers;

/** Turns an input record's value into a {@link TextEvent}, or says why it can't. */
public interface TextEventDecoder extends AutoCloseable {
    /**
     * @param source where the record came from: ids and event times default from it for formats that lack them
     * @throws InvalidInputException the record is bad; it belongs on the dead-letter topic
     */
    TextEvent decode(byte[] value, Headers headers, SourcePosition source) throws InvalidInputException;

    @Override
    default void close() {}
}
