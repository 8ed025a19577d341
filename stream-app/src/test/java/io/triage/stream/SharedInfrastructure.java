package io.triage.stream;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;

/**
 * One real broker and one real registry for all integration tests of this JVM: started on first use, stopped by
 * their own shutdown hooks. Tests keep apart by using their own topics and application ids.
 */
final class SharedInfrastructure {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    private SharedInfrastructure() {}

    static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
        }
        return kafka;
    }

    static synchronized EmbeddedRegistry registry() {
        if (registry == null) {
            registry = EmbeddedRegistry.start();
        }
        return registry;
    }
}
