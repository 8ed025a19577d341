package io.triage.stream.ops;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Creates the app's topics that do not exist yet, with the broker's default replication. Per-label topics must
 * exist before results are routed to them, or the producer would block waiting for their metadata.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    public static void ensure(Properties adminConfig, Collection<String> topics, int partitions)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> missing = new HashSet<>(topics);
            missing.removeAll(admin.listTopics().names().get());
            if (missing.isEmpty()) {
                return;
            }
            List<NewTopic> create = missing.stream()
                    .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())).toList();
            try {
                admin.createTopics(create).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating the same topic at the same moment is fine
                }
            }
            LOG.info("created topics {}", missing);
        }
    }
}
