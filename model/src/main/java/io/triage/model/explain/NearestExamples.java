package io.triage.model.explain;

import io.triage.model.ClassifierModel;
import io.triage.model.text.TextInput;
import io.triage.model.train.EvaluationPass;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The labeled examples nearest to an input in the pooled feature space (the vectors the classification head
 * sees), by cosine similarity. The examples are read once, a batch at a time, and only the best {@code k} are kept:
 * memory stays bounded however many there are.
 */
public final class NearestExamples {
    public static final int DEFAULT_COUNT = 5;
    private static final int BATCH = 32;

    private final ClassifierModel model;

    public NearestExamples(ClassifierModel model) {
        this.model = model;
    }

    /** The {@code k} examples most similar to {@code query}, most similar first (ties: the one read first). */
    public List<Neighbour> find(TextInput query, Iterator<LabeledText> examples, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("the number of nearest examples must be at least 1, not " + k);
        }
        Comparator<Ranked> worstFirst = Comparator.comparingDouble(Ranked::similarity)
                .thenComparing(Comparator.comparingLong(Ranked::order).reversed());
        PriorityQueue<Ranked> best = new PriorityQueue<>(worstFirst);
        try (EvaluationPass pass = new EvaluationPass(model)) {
            float[] target = features(pass, List.of(query))[0];
            long read = 0;
            List<LabeledText> batch = new ArrayList<>(BATCH);
            while (examples.hasNext()) {
                batch.add(examples.next());
                if (batch.size() == BATCH || !examples.hasNext()) {
                    float[][] features = features(pass, batch.stream().map(LabeledText::input).toList());
                    for (int i = 0; i < batch.size(); i++) {
                        best.add(new Ranked(batch.get(i), cosine(target, features[i]), read++));
                        if (best.size() > k) {
                            best.poll();
                        }
                    }
                    batch.clear();
                }
            }
        }
        List<Ranked> ranked = new ArrayList<>(best);
        ranked.sort(worstFirst.reversed());
        return ranked.stream().map(r -> new Neighbour(r.example(), r.similarity())).toList();
    }

    private float[][] features(EvaluationPass pass, List<TextInput> inputs) {
        return pass.features(model.tokenizer().encodeBatch(inputs));
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }

    private record Ranked(LabeledText example, double similarity, long order) {}
}
