package io.triage.model.explain;

import io.triage.model.ClassifierModel;
import io.triage.model.text.TextInput;
import io.triage.model.train.EvaluationPass;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The labeled examples nearest to an input in the pooled feature space (the vectors the classification head
 * sees), by cosine similarity. The examples are read once, a batch at a time, and only the best {@code k} are kept:
 * memory stays bounded however many there are. On one intra-op thread ({@link OneIntraOpThread}): 500 examples
 * took 19 s with it, 65 to 74 s with two threads on the shared 2-core machine.
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
        return find(query, examples, k, null);
    }

    /**
     * As {@link #find(TextInput, Iterator, int)}, taking the features of texts already in {@code known} from it and
     * putting those it computes there: a caller that searches the same examples again under this model computes
     * each text's features once. The caller bounds the map; {@code null}: nothing is kept.
     */
    public List<Neighbour> find(TextInput query, Iterator<LabeledText> examples, int k, Map<TextInput, float[]> known) {
        if (k < 1) {
            throw new IllegalArgumentException("the number of nearest examples must be at least 1, not " + k);
        }
        Comparator<Ranked> worstFirst = Comparator.comparingDouble(Ranked::similarity)
                .thenComparing(Comparator.comparingLong(Ranked::order).reversed());
        PriorityQueue<Ranked> best = new PriorityQueue<>(worstFirst);
        try (OneIntraOpThread oneThread = new OneIntraOpThread(); EvaluationPass pass = new EvaluationPass(model)) {
            float[] target = features(pass, List.of(query))[0];
            long read = 0;
            List<LabeledText> batch = new ArrayList<>(BATCH);
            while (examples.hasNext()) {
                batch.add(examples.next());
                if (batch.size() == BATCH || !examples.hasNext()) {
                    float[][] features = features(pass, batch.stream().map(LabeledText::input).toList(), known);
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

    /** The inputs' features, those in {@code known} taken from it, the others computed in one batch and kept. */
    private float[][] features(EvaluationPass pass, List<TextInput> inputs, Map<TextInput, float[]> known) {
        if (known == null) {
            return features(pass, inputs);
        }
        List<TextInput> missing = inputs.stream().filter(i -> !known.containsKey(i)).distinct().toList();
        if (!missing.isEmpty()) {
            float[][] computed = features(pass, missing);
            for (int i = 0; i < missing.size(); i++) {
                known.put(missing.get(i), computed[i]);
            }
        }
        return inputs.stream().map(known::get).toArray(float[][]::new);
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
