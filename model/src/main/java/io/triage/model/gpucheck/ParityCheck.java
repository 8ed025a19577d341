package io.triage.model.gpucheck;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Does the device compute what the CPU computes? For Triage-written models: scores and logits on the device in
 * fp32 and fp16 against the CPU in fp32. For the checkpoints Hugging Face transformers wrote on the device
 * machine: Triage's tokens, last hidden states (every model type) and logits (RoBERTa, the one type whose head
 * is Triage's) on the CPU and on the device, against transformers' own on the CPU.
 */
final class ParityCheck {
    static final String SECTION = "parity";
    /** What "the same model" means in fp32: summation order only. */
    static final double FP32_TOLERANCE = 1e-4;

    /** Single texts and sentence pairs of mixed lengths, so that padding and segments are exercised. */
    static final List<TextInput> TEXTS = List.of(
            TextInput.of("i feel great today"),
            TextInput.of("the parcel arrived broken and nobody answers the phone, i want my money back"),
            TextInput.of("ok"),
            TextInput.of("a considerably longer message that goes on about several unrelated things, such as the weather,"
                    + " the train that was late again this morning and a meeting that could have been an e-mail"),
            TextInput.pair("how do i reset my password?", "what are the steps to change a forgotten password?"),
            TextInput.pair("the cat sat on the mat", "a dog ran in the park"),
            TextInput.of("urgent: server down in region eu-west, customers cannot log in"),
            TextInput.of("thanks, that solved it"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private ParityCheck() {}

    /**
     * Triage-written random models of {@code shape}: device fp32/fp16 vs CPU fp32. True when fp32 agrees within
     * {@link #FP32_TOLERANCE} (fp16 is only reported: it differs by design).
     */
    static boolean triageModel(ModelShape shape, Path artifact, Device device, List<String> precisions,
            EncodedBatch random, CheckReport report) throws IOException {
        ObjectNode node = report.section(SECTION).putObject(shape.id());
        boolean ok = true;
        try (TextClassifier cpu = Classifiers.load(artifact, Device.cpu(), Precision.FP32)) {
            EncodedBatch texts = cpu.model().tokenizer().encodeBatch(TEXTS);
            float[][] cpuProbs = cpu.probabilities(texts);
            float[][] cpuLogits = cpu.logits(texts);
            float[][] cpuRandom = cpu.logits(random);
            node.put("max_abs_logit_cpu", maxAbs(cpuLogits));
            for (String p : precisions) {
                Precision precision = Precision.valueOf(p.toUpperCase(Locale.ROOT));
                try (TextClassifier dev = Classifiers.load(artifact, device, precision)) {
                    double probs = Differences.max(cpuProbs, dev.probabilities(texts));
                    double logits = Math.max(Differences.max(cpuLogits, dev.logits(texts)),
                            Differences.max(cpuRandom, dev.logits(random)));
                    node.putObject(p).put("max_abs_score_diff_vs_cpu_fp32", probs)
                            .put("max_abs_logit_diff_vs_cpu_fp32", logits);
                    report.figure(SECTION, shape.id() + " " + p + " max |score - cpu fp32|", probs, "");
                    report.figure(SECTION, shape.id() + " " + p + " max |logit - cpu fp32|", logits, "");
                    if (precision == Precision.FP32) {
                        ok &= logits <= FP32_TOLERANCE;
                    }
                }
            }
        }
        node.put("ok", ok);
        report.flush();
        return ok;
    }

    /**
     * The checkpoints transformers wrote ({@code reference.json} beside them): Triage on the CPU and on the device
     * against transformers on the CPU. True when every fp32 comparison is within {@link #FP32_TOLERANCE} and the
     * tokens agree.
     */
    static boolean transformersCheckpoints(Path reference, Path fallbackTokenizer, Path work, Device device,
            CheckReport report) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(reference.resolve("reference.json")));
        ObjectNode section = report.section(SECTION).putObject("transformers");
        section.put("transformers", root.path("transformers").asText());
        section.put("torch", root.path("torch").asText());
        boolean allOk = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("models").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> model = it.next();
            ObjectNode node = section.putObject(model.getKey());
            try {
                Path dir = loadableCopy(reference.resolve(model.getValue().path("dir").asText()), fallbackTokenizer,
                        work, node, report);
                allOk &= checkpoint(model.getKey(), model.getValue(), dir, device, node, report);
            } catch (IOException | RuntimeException e) {
                node.put("error", String.valueOf(e)).put("ok", false);
                report.fact(SECTION, model.getKey() + " error", String.valueOf(e));
                allOk = false;
            }
            report.flush();
        }
        section.put("ok", allOk);
        report.fact(SECTION, "transformers parity ok", String.valueOf(allOk));
        report.flush();
        return allOk;
    }

    /**
     * The checkpoint folder, or when DJL's tokenizers library cannot read the tokenizer.json that Python's wrote
     * (the two come from different releases), a copy with {@code fallbackTokenizer} in its place: the model is
     * still compared on transformers' own token ids, only the tokenization check is lost.
     */
    private static Path loadableCopy(Path dir, Path fallbackTokenizer, Path work, ObjectNode node, CheckReport report)
            throws IOException {
        try {
            new TextTokenizer(Files.readAllBytes(dir.resolve("tokenizer.json")), 16, 0).close();
            return dir;
        } catch (IllegalArgumentException e) {
            node.put("tokenizer_error", String.valueOf(e.getMessage()));
            report.fact(SECTION, dir.getFileName() + " tokenizer.json unreadable by DJL", String.valueOf(e.getMessage()));
            Path copy = work.resolve("reference-copies").resolve(dir.getFileName());
            Files.createDirectories(copy);
            for (String file : List.of("config.json", "model.safetensors")) {
                Files.copy(dir.resolve(file), copy.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(fallbackTokenizer, copy.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            return copy;
        }
    }

    private static boolean checkpoint(String name, JsonNode ref, Path dir, Device device, ObjectNode node,
            CheckReport report) throws IOException {
        boolean tokenizerUsable = !node.has("tokenizer_error");
        List<TextInput> inputs = new ArrayList<>();
        for (JsonNode in : ref.path("inputs")) {
            inputs.add(in.path("pair").isTextual() ? TextInput.pair(in.path("text").asText(), in.path("pair").asText())
                    : TextInput.of(in.path("text").asText()));
        }
        EncodedBatch batch = batchOf(ref);
        boolean headComparable = ref.path("head_comparable").asBoolean(false);
        float[][] refLogits = matrix(ref.path("logits_cpu"));
        int hidden = ref.path("hidden_size").asInt();
        boolean ok = true;

        try (TextClassifier cpu = Classifiers.load(dir, Device.cpu(), Precision.FP32)) {
            if (tokenizerUsable) {
                int mismatches = 0;
                for (int i = 0; i < inputs.size(); i++) {
                    long[] ours = cpu.model().tokenizer().encode(inputs.get(i)).ids();
                    long[] theirs = Arrays.copyOf(rowOf(batch.ids(), i, batch.seqLen()), batch.lengths()[i]);
                    mismatches += Arrays.equals(ours, theirs) ? 0 : 1;
                }
                node.put("token_mismatches", mismatches);
                report.figure(SECTION, name + " inputs tokenized differently from transformers", mismatches, "inputs");
                ok &= mismatches == 0;
            }
            ok &= compare(name, "cpu fp32", cpu, batch, ref, refLogits, headComparable, hidden, node, report);
        }
        try (TextClassifier dev = Classifiers.load(dir, device, Precision.FP32)) {
            ok &= compare(name, "device fp32", dev, batch, ref, refLogits, headComparable, hidden, node, report);
        }
        try (TextClassifier dev = Classifiers.load(dir, device, Precision.FP16)) {
            double logits = Differences.max(refLogits, dev.logits(batch));
            node.put("device fp16 max_abs_logit_diff", logits);
            report.figure(SECTION, name + " device fp16 max |logit - transformers cpu fp32|", logits, "");
        }
        node.put("ok", ok);
        return ok;
    }

    private static boolean compare(String name, String where, TextClassifier classifier, EncodedBatch batch,
            JsonNode ref, float[][] refLogits, boolean headComparable, int hidden, ObjectNode node, CheckReport report) {
        double hiddenDiff = maskedHiddenDifference(encoderHidden(classifier.model(), batch), ref.path("hidden_cpu"),
                batch, hidden);
        node.put(where + " max_abs_hidden_diff", hiddenDiff);
        report.figure(SECTION, name + " " + where + " max |last hidden - transformers cpu fp32|", hiddenDiff, "");
        boolean ok = hiddenDiff <= FP32_TOLERANCE;
        if (headComparable) {
            double logits = Differences.max(refLogits, classifier.logits(batch));
            node.put(where + " max_abs_logit_diff", logits);
            report.figure(SECTION, name + " " + where + " max |logit - transformers cpu fp32|", logits, "");
            ok &= logits <= FP32_TOLERANCE;
        }
        return ok;
    }

    /** The encoder's last hidden state [B*S*H] in fp32, as the model's own parameters give it. */
    private static float[] encoderHidden(ClassifierModel model, EncodedBatch batch) {
        try (NDManager scope = model.djlModel().getNDManager().newSubManager()) {
            return model.block().encoder().forward(new ParameterStore(scope, false), batch.toNDList(scope), false)
                    .head().toFloatArray();
        }
    }

    private static double maskedHiddenDifference(float[] ours, JsonNode theirs, EncodedBatch batch, int hidden) {
        double max = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int t = 0; t < batch.lengths()[i]; t++) {
                JsonNode row = theirs.get(i).get(t);
                for (int k = 0; k < hidden; k++) {
                    max = Math.max(max, Math.abs(row.get(k).floatValue() - ours[(i * batch.seqLen() + t) * hidden + k]));
                }
            }
        }
        return max;
    }

    /** transformers' padded inputs: ids, token types and mask as [B][S] lists. */
    private static EncodedBatch batchOf(JsonNode ref) {
        JsonNode ids = ref.path("input_ids");
        JsonNode types = ref.path("token_type_ids");
        JsonNode mask = ref.path("attention_mask");
        int b = ids.size();
        int s = ids.get(0).size();
        long[] flatIds = new long[b * s];
        long[] flatTypes = new long[b * s];
        long[] flatMask = new long[b * s];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < s; t++) {
                flatIds[i * s + t] = ids.get(i).get(t).asLong();
                flatTypes[i * s + t] = types.isArray() && types.size() > 0 ? types.get(i).get(t).asLong() : 0;
                flatMask[i * s + t] = mask.get(i).get(t).asLong();
                lengths[i] += (int) flatMask[i * s + t];
            }
        }
        return new EncodedBatch(b, s, flatIds, flatTypes, flatMask, lengths);
    }

    private static long[] rowOf(long[] flat, int row, int width) {
        return Arrays.copyOfRange(flat, row * width, (row + 1) * width);
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).floatValue();
            }
        }
        return out;
    }

    private static double maxAbs(float[][] a) {
        double max = 0;
        for (float[] row : a) {
            for (float v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }
}
