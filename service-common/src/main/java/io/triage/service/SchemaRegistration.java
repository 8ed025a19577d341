package io.triage.service;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import io.apicurio.registry.serde.data.KafkaSerdeRecord;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.ReviewItem;
import io.triage.schemas.ShadowReport;
import io.triage.schemas.TextEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Registers Triage's value schemas for its topics, ahead of time, so that the apps can run with
 * {@code registry.auto.register=false} and read-only registry credentials. It resolves each schema exactly as the
 * apps' serializers do (same artifact naming, same content), with auto-registration on: registering twice is a no-op.
 */
public final class SchemaRegistration {
    /** The record types by name, as {@code topic=Type} arguments name them. */
    public static final Map<String, Class<? extends SpecificRecord>> TYPES = Map.of(
            "TextEvent", TextEvent.class, "ClassifiedEvent", ClassifiedEvent.class, "DeadLetter", DeadLetter.class,
            "LabeledExample", LabeledExample.class, "ModelUpdate", ModelUpdate.class, "ReviewItem", ReviewItem.class,
            "ShadowReport", ShadowReport.class);

    private SchemaRegistration() {}

    /** The default topics of both apps and what they carry. */
    public static Map<String, Class<? extends SpecificRecord>> defaultTopics() {
        Map<String, Class<? extends SpecificRecord>> t = new LinkedHashMap<>();
        t.put("triage.text-events", TextEvent.class);
        t.put("triage.classified", ClassifiedEvent.class);
        t.put("triage.dead-letter", DeadLetter.class);
        t.put("triage.labeled-feedback", LabeledExample.class);
        t.put("triage.model-updates", ModelUpdate.class);
        t.put("triage.review", ReviewItem.class);
        t.put("triage.shadow-reports", ShadowReport.class);
        return t;
    }

    /**
     * @param registryConfig serde settings ({@link RegistrySettings}); auto-registration is turned on here
     * @return each topic with the registry's id of its value schema
     */
    public static Map<String, Long> register(Map<String, Object> registryConfig,
                                             Map<String, Class<? extends SpecificRecord>> topics) throws ReflectiveOperationException {
        Map<String, Object> c = new HashMap<>(registryConfig);
        c.put("apicurio.registry.auto-register", true);
        Map<String, Long> ids = new LinkedHashMap<>();
        try (AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(c, false);
            for (Map.Entry<String, Class<? extends SpecificRecord>> t : topics.entrySet()) {
                SpecificRecord empty = t.getValue().getDeclaredConstructor().newInstance(); // only its schema is used
                var result = serializer.getSchemaResolver().resolveSchema(
                        new KafkaSerdeRecord<>(new KafkaSerdeMetadata(t.getKey(), false, new RecordHeaders()), empty));
                ids.put(t.getKey(), result.getContentId());
            }
        }
        return ids;
    }

    /**
     * {@code SchemaRegistration [topic=Type ...]}: the registry from {@code TRIAGE_REGISTRY_URL}, its client settings
     * from {@code TRIAGE_APICURIO_*} variables (as the apps read them); without arguments, the default topics. For
     * images that have no CLI (a compose one-shot service, a Kubernetes Job).
     */
    public static void main(String[] args) throws Exception {
        AvroLimits.install();
        Map<String, String> env = System.getenv();
        String url = env.getOrDefault("TRIAGE_REGISTRY_URL", "http://localhost:8081/apis/registry/v2");
        Map<String, Object> passThrough = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("TRIAGE_APICURIO_")) {
                passThrough.put(name.substring("TRIAGE_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        Map<String, Object> config = RegistrySettings.confluentWireFormat(url);
        passThrough.forEach(config::putIfAbsent);
        Map<String, Class<? extends SpecificRecord>> topics = args.length == 0 ? defaultTopics() : parse(List.of(args));
        register(config, topics).forEach((topic, id) -> System.out.println(topic + "-value  content id " + id));
    }

    /** {@code topic=Type} pairs, Type one of {@link #TYPES}. */
    public static Map<String, Class<? extends SpecificRecord>> parse(List<String> pairs) {
        Map<String, Class<? extends SpecificRecord>> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            Class<? extends SpecificRecord> type = eq > 0 ? TYPES.get(pair.substring(eq + 1)) : null;
            if (type == null) {
                throw new IllegalArgumentException("'" + pair + "' is not topic=Type with Type one of " + TYPES.keySet());
            }
            out.put(pair.substring(0, eq), type);
        }
        return out;
    }
}
