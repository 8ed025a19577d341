package io.triage.embedded;


/**
 * One real broker and one real registry for everything in this JVM (integration tests, tools): started on first use, stopped by
 * their own shutdown hooks. Tests keep apart by using their own topics and application ids.
 */
public final class SharedInfrastructure {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    private SharedInfrastructure() {}

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
        }
        return kafka;
    }

    public static synchronized EmbeddedRegistry registry() {
        if (registry == null) {
            registry = EmbeddedRegistry.start();
        }
        return registry;
    }
}
