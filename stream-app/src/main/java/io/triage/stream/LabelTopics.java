package io.triage.stream;

import java.util.List;

/** Names of the per-label output topics (which topics a result goes to: {@code batch.LabelRoutes}). */
public final class LabelTopics {
    private LabelTopics() {}

    /** {@code prefix + label}, with characters Kafka does not allow in topic names replaced by '_'. */
    public static String topicFor(String prefix, String label) {
        return prefix + label.replaceAll("[^a-zA-Z0-9._-]", "_");
    }

    public static List<String> topicsFor(String prefix, List<String> labels) {
        return labels.stream().map(l -> topicFor(prefix, l)).toList();
    }
}
