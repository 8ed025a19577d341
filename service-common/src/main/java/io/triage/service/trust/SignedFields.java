package io.triage.service.trust;

import io.triage.schemas.ModelUpdate;
import io.triage.schemas.UpdateStage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes an update's signature covers: every field of a {@link ModelUpdate} but the signature itself, in a fixed
 * order, each length-prefixed, after a domain tag (so a signature over anything else can never pass as one over an
 * update). A serving update ({@code stage} SERVE or unset) covers the same bytes as before the stage existed.
 * Not Avro's own encoding: it must not change when a reader's schema gains fields or the registry id changes.
 */
final class SignedFields {
    static final String DOMAIN = "triage/model-update/v1";

    private SignedFields() {}

    static byte[] of(ModelUpdate u) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, DOMAIN);
            string(out, u.getKeyId());
            string(out, u.getModelName());
            string(out, u.getVersion());
            string(out, u.getArtifactUri());
            string(out, u.getSha256());
            List<String> labels = u.getLabels();
            out.writeInt(labels == null ? -1 : labels.size());
            if (labels != null) {
                for (String label : labels) {
                    string(out, label);
                }
            }
            Map<String, Double> metrics = u.getMetrics() == null ? Map.of() : new TreeMap<>(u.getMetrics());
            out.writeInt(metrics.size());
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                string(out, m.getKey());
                out.writeLong(m.getValue() == null ? 0 : Double.doubleToLongBits(m.getValue()));
            }
            string(out, u.getParentVersion());
            string(out, u.getTrainingMode() == null ? null : u.getTrainingMode().name());
            instant(out, u.getCreatedAt());
            instant(out, u.getSignedAt());
            // Added after v1: a serving update's bytes stay what they were (updates signed before the field
            // existed still verify), any other stage adds a tagged tail, so no stage can pass for another.
            if (u.getStage() != null && u.getStage() != UpdateStage.SERVE) {
                string(out, "stage");
                string(out, u.getStage().name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** -1 for null, else the UTF-8 length and bytes: "a", "bc" never reads as "ab", "c". */
    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        out.writeLong(t == null ? 0 : t.toEpochMilli());
    }
}
