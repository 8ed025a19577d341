package io.triage.stream.serde;

import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Avro's JSON encoding of a record (no registry): for consumers that want to read the output with jq. */
public final class AvroJsonSerializer<T extends SpecificRecord> implements Serializer<T> {
    private SpecificDatumWriter<T> writer; // made on first use: the record class is known only from a value

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(value.getSchema(), out);
            if (writer == null) {
                writer = new SpecificDatumWriter<>(value.getSchema());
            }
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new SerializationException("cannot write " + value.getSchema().getFullName() + " as JSON", e);
        }
        return out.toByteArray();
    }
}
