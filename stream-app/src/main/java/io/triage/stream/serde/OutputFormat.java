package io.triage.stream.serde;

/** How results and dead letters are written. */
public enum OutputFormat {
    /** Avro in the Confluent wire format, schemas registered in the registry. */
    AVRO,
    /** Avro's JSON encoding, no registry. */
    JSON
}
