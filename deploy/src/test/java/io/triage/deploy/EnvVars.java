package io.triage.deploy;

import io.triage.settings.ConfigValues;
import io.triage.settings.DocumentedSettings;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks that the environment variables a deployment file sets are ones the app reads. */
final class EnvVars {
    /** Every configuration name of Kafka Streams and Kafka's clients: where {@code kafka.*} keys end up. */
    private static final Set<String> KAFKA_CONFIGS = kafkaConfigNames();
    /** Streams' prefixes for settings of one of its clients only, e.g. {@code producer.linger.ms}. */
    private static final List<String> KAFKA_CLIENT_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private EnvVars() {}

    /**
     * Fails, listing them all, on variables with the app's prefix that name no setting of it, and on pass-through
     * variables ({@code TRIAGE_KAFKA_*}) that name no Kafka configuration. Other variables (e.g. JDK_JAVA_OPTIONS)
     * are not the app's and pass.
     */
    static void assertAllSettable(DocumentedSettings app, Map<String, String> env, String where) {
        List<String> wrong = new ArrayList<>();
        for (String name : env.keySet()) {
            app.keyOf(name).ifPresent(key -> {
                if (!app.accepts(key)) {
                    wrong.add(name + " (" + key + ": no such " + app.component() + " setting)");
                    return;
                }
                app.passThroughOf(key).filter(p -> p.prefix().equals(ConfigValues.KAFKA_PREFIX)).ifPresent(p -> {
                    String kafkaName = key.substring(p.prefix().length());
                    if (!isKafkaConfig(kafkaName)) {
                        wrong.add(name + " (" + kafkaName + ": no such Kafka configuration)");
                    }
                });
            });
        }
        assertEquals(List.of(), wrong, where + " sets variables the " + app.component() + " does not read");
    }

    static boolean isKafkaConfig(String name) {
        if (KAFKA_CONFIGS.contains(name)) {
            return true;
        }
        // topic.* configures Streams' internal topics with the broker's topic settings, which no client lists
        return name.startsWith(StreamsConfig.TOPIC_PREFIX) || KAFKA_CLIENT_PREFIXES.stream()
                .anyMatch(p -> name.startsWith(p) && KAFKA_CONFIGS.contains(name.substring(p.length())));
    }

    private static Set<String> kafkaConfigNames() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
