package io.triage.model.gpucheck;

import ai.djl.Device;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.ModelType;
import io.triage.model.config.Pooling;
import io.triage.model.io.ModelArtifact;
import io.triage.model.text.EncodedBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The encoder sizes the check measures, all BERT-type with BERT's 30522-token vocabulary and random weights:
 * MiniLM-L6 (the bundled default model's shape), BERT-base, and a tiny one for the CPU rehearsal.
 */
enum ModelShape {
    TINY("tiny", 64, 2, 4, 128),
    MINILM("minilm", 384, 6, 12, 1536),
    BERT_BASE("bert-base", 768, 12, 12, 3072);

    static final int VOCAB = 30522;
    static final List<String> LABELS = List.of("a", "b", "c");

    private final String id;
    private final int hidden;
    private final int layers;
    private final int heads;
    private final int intermediate;

    ModelShape(String id, int hidden, int layers, int heads, int intermediate) {
        this.id = id;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.intermediate = intermediate;
    }

    String id() {
        return id;
    }

    static ModelShape of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown model shape '" + id + "'; known: "
                        + Arrays.stream(values()).map(ModelShape::id).toList()));
    }

    EncoderConfig encoder() {
        return new EncoderConfig(ModelType.BERT, VOCAB, hidden, layers, heads, intermediate, 512, 2, 1e-12f, 0.1f, 0.1f, 0);
    }

    ClassifierConfig config(int maxLength) {
        return new ClassifierConfig("gpu-check-" + id, "1", encoder(), LABELS, Pooling.MEAN, maxLength);
    }

    /**
     * A Triage artifact of this shape with freshly initialized weights, written by Triage itself (from a model
     * built on the CPU), so that every later load goes through the real safetensors path. Reused when present.
     */
    Path artifact(Path work, byte[] tokenizerJson, int maxLength) throws IOException {
        Path dir = work.resolve("artifacts").resolve(id + "-" + maxLength);
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            return dir;
        }
        try (ClassifierModel model = ClassifierModel.create(config(maxLength), tokenizerJson, Device.cpu())) {
            ModelArtifact.save(model, dir, null);
        }
        return dir;
    }

    /**
     * Floating-point operations of one forward pass (a multiply-add counts two): the four attention projections
     * and the feed-forward pair per token, the two attention products per token pair, and the head.
     */
    long forwardFlops(int batch, int seqLen) {
        long perLayer = 2L * seqLen * (4L * hidden * hidden + 2L * hidden * intermediate)
                + 4L * seqLen * seqLen * hidden;
        long head = 2L * (hidden * hidden + hidden * LABELS.size());
        return batch * (layers * perLayer + head);
    }

    /** A batch of {@code batch} inputs of exactly {@code seqLen} random word tokens, no padding. */
    static EncodedBatch randomBatch(int batch, int seqLen, long seed) {
        Random random = new Random(seed);
        long[] ids = new long[batch * seqLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + random.nextInt(VOCAB - 1000); // past BERT's special and unused tokens
        }
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        int[] lengths = new int[batch];
        Arrays.fill(lengths, seqLen);
        return new EncodedBatch(batch, seqLen, ids, new long[ids.length], mask, lengths);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d layers, hidden %d, %d heads, ffn %d)", id, layers, hidden, heads,
                intermediate);
    }
}
