package io.triage.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.gpucheck.GpuCheck;
import io.triage.model.text.Encoded;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU check's entry point run against the CPU, as deploy/gpu/device-check.sh rehearses it, with a
 * transformers-style reference folder whose hidden states and logits come from the independent
 * {@link ReferenceEncoder} instead of Python.
 */
class GpuCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TYPES = List.of("bert", "roberta", "distilbert");
    private static final List<TextInput> INPUTS = List.of(
            TextInput.of("short one"),
            TextInput.of("a noticeably longer sentence with quite a few more tokens in it"),
            TextInput.pair("is this a paraphrase?", "is this sentence a paraphrase of that one?"));

    @TempDir
    Path tmp;

    @Test
    void everySectionRunsOnTheCpuAndTheReferenceCheckpointsMatch() throws Exception {
        Path out = tmp.resolve("out");
        int code = GpuCheck.run(args(out, writeReference(tmp.resolve("reference"), 0f),
                "parity,throughput,first_call,memory,training"));

        JsonNode r = JSON.readTree(out.resolve("gpu-check.json").toFile());
        assertEquals(0, code, r.toPrettyString());
        assertEquals("cpu()", r.at("/environment/device").asText());
        assertTrue(r.at("/smoke/ok").asBoolean());
        assertTrue(r.at("/parity/tiny/ok").asBoolean(), "device fp32 vs cpu fp32");
        for (String type : TYPES) {
            JsonNode p = r.at("/parity/transformers/" + type);
            assertTrue(p.path("ok").asBoolean(), type + ": " + p);
            assertEquals(0, p.path("token_mismatches").asInt(), type);
        }
        assertEquals(4, r.at("/throughput/rows").size(), "2 batch sizes x 2 precisions");
        assertTrue(r.at("/throughput/rows/0/sentences_per_s").asDouble() > 0);
        assertEquals(2, r.at("/first_call/rows").size());
        assertEquals(2, r.at("/memory/cycles_done").asInt());
        assertTrue(r.at("/training/tiny/examples_per_s").asDouble() > 0);
        assertTrue(Files.readString(out.resolve("gpu-check.tsv")).contains("throughput\ttiny fp16 b2 s8 sentences/s\t"));
    }

    @Test
    void hiddenStatesThatDisagreeWithTheReferenceFailTheRun() throws Exception {
        Path out = tmp.resolve("out");
        int code = GpuCheck.run(args(out, writeReference(tmp.resolve("reference"), 1e-3f), "parity"));

        JsonNode r = JSON.readTree(out.resolve("gpu-check.json").toFile());
        assertEquals(GpuCheck.WRONG_RESULTS, code);
        assertFalse(r.at("/parity/transformers/bert/ok").asBoolean());
        assertTrue(r.at("/parity/transformers/bert/cpu fp32 max_abs_hidden_diff").asDouble() >= 1e-3 - 1e-6);
        assertTrue(r.at("/parity/transformers/roberta/ok").asBoolean(), "only BERT's reference was shifted");
    }

    private String[] args(Path out, Path reference, String sections) throws Exception {
        Path tokenizer = tmp.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.write(tokenizer, in.readAllBytes());
        }
        return new String[] {"--device", "cpu", "--out", out.toString(), "--work", tmp.resolve("work").toString(),
            "--tokenizer", tokenizer.toString(), "--reference", reference.toString(), "--sections", sections,
            "--shapes", "tiny", "--batches", "1,2", "--seq-len", "8", "--first-call-seq-lens", "4,12",
            "--row-seconds", "0.05", "--cycles", "2", "--train-batch", "2", "--train-seconds", "0.2",
            "--deadline-seconds", "120"};
    }

    /**
     * Checkpoint folders and a reference.json as deploy/gpu/python_check.py writes them; {@code bertShift} is added
     * to every hidden value of the BERT reference.
     */
    private static Path writeReference(Path dir, float bertShift) throws Exception {
        ObjectNode root = JSON.createObjectNode().put("transformers", "ReferenceEncoder").put("torch", "none");
        for (String type : TYPES) {
            TinyCheckpoint ckpt = new TinyCheckpoint(type, 7);
            if (type.equals("roberta")) {
                ckpt.withHead(3);
            } else if (type.equals("bert")) {
                ckpt.withBertHead(3); // BertForSequenceClassification's pooler and classifier
            }
            Path folder = ckpt.write(dir.resolve("models").resolve(type), type + ".");
            ReferenceEncoder reference = new ReferenceEncoder(ckpt.tensors, type, TinyCheckpoint.HIDDEN,
                    TinyCheckpoint.HEADS, TinyCheckpoint.LAYERS, TinyCheckpoint.INTERMEDIATE, ckpt.padId);
            float shift = type.equals("bert") ? bertShift : 0f;
            ObjectNode entry = root.with("models").putObject(type).put("dir", "models/" + type).put("model_type", type)
                    .put("hidden_size", TinyCheckpoint.HIDDEN).put("head_comparable", type.equals("roberta"));
            try (TextTokenizer tokenizer = new TextTokenizer(Files.readAllBytes(folder.resolve("tokenizer.json")), 32,
                    ckpt.padId)) {
                List<Encoded> encoded = tokenizer.encodeEach(INPUTS);
                int seq = encoded.stream().mapToInt(Encoded::length).max().orElseThrow();
                ArrayNode ids = entry.putArray("input_ids");
                ArrayNode types = entry.putArray("token_type_ids");
                ArrayNode mask = entry.putArray("attention_mask");
                ArrayNode hidden = entry.putArray("hidden_cpu");
                ArrayNode logits = entry.putArray("logits_cpu");
                ArrayNode inputs = entry.putArray("inputs");
                for (int i = 0; i < INPUTS.size(); i++) {
                    inputs.addObject().put("text", INPUTS.get(i).text()).put("pair", INPUTS.get(i).textPair());
                    Encoded e = encoded.get(i);
                    long[] segments = type.equals("bert") ? e.typeIds() : new long[e.length()];
                    float[][] states = reference.forward(e.ids(), segments);
                    ArrayNode idRow = ids.addArray();
                    ArrayNode typeRow = types.addArray();
                    ArrayNode maskRow = mask.addArray();
                    ArrayNode hiddenRows = hidden.addArray();
                    for (int t = 0; t < seq; t++) {
                        boolean real = t < e.length();
                        idRow.add(real ? e.ids()[t] : ckpt.padId);
                        typeRow.add(real ? segments[t] : 0);
                        maskRow.add(real ? 1 : 0);
                        ArrayNode vector = hiddenRows.addArray();
                        for (int k = 0; k < TinyCheckpoint.HIDDEN; k++) {
                            vector.add(real ? states[t][k] + shift : 0f);
                        }
                    }
                    ArrayNode logitRow = logits.addArray();
                    for (float l : type.equals("roberta") ? reference.headLogits(states[0], 3) : new float[3]) {
                        logitRow.add(l);
                    }
                }
            }
        }
        JSON.writeValue(dir.resolve("reference.json").toFile(), root);
        return dir;
    }
}
