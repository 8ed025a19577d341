package io.triage.console;

import io.triage.model.explain.LabeledText;
import io.triage.model.text.TextInput;
import io.triage.schemas.LabeledExample;
import io.triage.service.AvroRecordDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labeled examples on the feedback topic — what the trainer learns from: the reviewers' labels and every other
 * source — read from its beginning, one per id as the trainer keeps them (a later label replaces an earlier one),
 * at most {@code max} of them, the most recently labeled: the examples "Why?" searches for the nearest ones.
 */
final class LabeledFeedback implements AutoCloseable {
    private final int max;
    /** By id, least recently labeled first. */
    private final LinkedHashMap<String, LabeledText> examples = new LinkedHashMap<>();
    private final AvroRecordDecoder<LabeledExample> decoder;
    private final TopicFollower follower;

    LabeledFeedback(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String topic, int max) {
        this.max = max;
        this.decoder = new AvroRecordDecoder<>(LabeledExample.class, registryConfig);
        this.follower = new TopicFollower("triage-console-feedback", clientConfig, List.of(topic), -1,
                r -> add(decoder.decode(r.topic(), r.headers(), r.value())));
    }

    /** Keeps the example, replacing the one with its id; beyond {@code max}, the least recently labeled goes. */
    synchronized void add(LabeledExample e) {
        String label = e.getLabels() != null ? String.join(",", e.getLabels()) : e.getLabel();
        examples.remove(e.getId());
        examples.put(e.getId(), new LabeledText(new TextInput(e.getText(), e.getTextPair()), label));
        if (examples.size() > max) {
            examples.remove(examples.keySet().iterator().next());
        }
    }

    /** The examples kept now, a copy: the explanation reads it while more arrive. */
    synchronized List<LabeledText> snapshot() {
        return new ArrayList<>(examples.values());
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
        decoder.close();
    }
}
