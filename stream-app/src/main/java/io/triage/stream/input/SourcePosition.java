package io.triage.stream.input;

/** Where an input record sits in Kafka, and its record timestamp. */
public record SourcePosition(String topic, int partition, long offset, long timestamp) {
    /** A stable id for inputs that carry none: the same record always gets the same id, also when replayed. */
    public String defaultId() {
        return topic + "-" + partition + "-" + offset;
    }
}
