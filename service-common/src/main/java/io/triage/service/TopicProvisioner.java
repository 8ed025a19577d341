package io.triage.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Creates the topics a service needs that do not exist yet, with the broker's default replication. Per-label
 * topics must exist before results are routed to them, or the producer would block waiting for their metadata.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Properties adminConfig = new Properties();

    /** @param clientConfig any client settings; only those an admin client knows are used (no warnings) */
    public TopicProvisioner(Map<?, ?> clientConfig) {
        Set<String> known = AdminClientConfig.configNames();
        clientConfig.forEach((k, v) -> {
            if (known.contains(String.valueOf(k))) {
                adminConfig.put(k, v);
            }
        });
    }

    /** Plain topics with {@code partitions} partitions. */
    public void ensure(Collection<String> topics, int partitions) throws ExecutionException, InterruptedException {
        create(topics, partitions, Map.of());
    }

    /**
     * A compacted topic: Kafka keeps the latest record per key forever, e.g. the newest model version per model
     * name, so a service starting a year later still finds it.
     */
    public void ensureCompacted(String topic) throws ExecutionException, InterruptedException {
        create(List.of(topic), 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    private void create(Collection<String> topics, int partitions, Map<String, String> configs)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> missing = new HashSet<>(topics);
            missing.removeAll(admin.listTopics().names().get());
            if (missing.isEmpty()) {
                return;
            }
            List<NewTopic> create = missing.stream()
                    .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()).configs(new HashMap<>(configs)))
                    .toList();
            try {
                admin.createTopics(create).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating the same topic at the same moment is fine
                }
            }
            LOG.info("created topics {} {}", missing, configs.isEmpty() ? "" : configs);
        }
    }
}
