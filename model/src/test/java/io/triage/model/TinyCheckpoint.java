package io.triage.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny random Hugging Face checkpoint folder (config.json, tokenizer.json, model.safetensors) for
 * one model type, with its own minimal safetensors writer so that reading is tested against the file format,
 * not against DJL's writer.
 */
final class TinyCheckpoint {
    static final int HIDDEN = 32;
    static final int HEADS = 4;
    static final int LAYERS = 2;
    static final int INTERMEDIATE = 64;
    static final int MAX_POSITIONS = 64;
    static final int VOCAB = 30522; // the bundled tokenizer's vocabulary
    /** DeBERTa's position_buckets and max_relative_positions: small, so that short texts reach the log buckets. */
    static final int DEBERTA_BUCKETS = 8;
    static final int DEBERTA_MAX_RELATIVE = 16;

    final String type;
    final int padId;
    private String architecture;
    final Map<String, float[]> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, long[]> int64Tensors = new LinkedHashMap<>();
    private final Random random;
    private final Map<String, String> extraConfig = new LinkedHashMap<>();
    private boolean shareAttKey = true;

    TinyCheckpoint(String type, long seed) {
        this.type = type;
        this.padId = robertaFamily(type) ? 1 : 0;
        this.random = new Random(seed);
        boolean distil = type.equals("distilbert");
        boolean deberta = deberta();
        tensor("embeddings.word_embeddings.weight", 0.5f, VOCAB, HIDDEN);
        if (!deberta) { // DeBERTa-v3: position_biased_input false, type_vocab_size 0
            tensor("embeddings.position_embeddings.weight", 0.5f, MAX_POSITIONS, HIDDEN);
        }
        if (!distil && !deberta) {
            tensor("embeddings.token_type_embeddings.weight", 0.5f, robertaFamily(type) ? 1 : 2, HIDDEN);
        }
        norm("embeddings.LayerNorm");
        String proj = deberta ? "_proj" : "";
        for (int l = 0; l < LAYERS; l++) {
            String p = (distil ? "transformer.layer." : "encoder.layer.") + l + ".";
            for (String n : distil ? new String[] {"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"}
                    : new String[] {"attention.self.query" + proj, "attention.self.key" + proj, "attention.self.value" + proj,
                        "attention.output.dense"}) {
                linear(p + n, HIDDEN, HIDDEN);
            }
            norm(p + (distil ? "sa_layer_norm" : "attention.output.LayerNorm"));
            linear(p + (distil ? "ffn.lin1" : "intermediate.dense"), INTERMEDIATE, HIDDEN);
            linear(p + (distil ? "ffn.lin2" : "output.dense"), HIDDEN, INTERMEDIATE);
            norm(p + (distil ? "output_layer_norm" : "output.LayerNorm"));
        }
        if (deberta) {
            tensor("encoder.rel_embeddings.weight", 0.5f, 2 * DEBERTA_BUCKETS, HIDDEN);
            norm("encoder.LayerNorm");
        }
    }

    boolean deberta() {
        return type.equals("deberta-v2");
    }

    /** DeBERTa with separate position projections ({@code share_att_key: false}, as DeBERTa-v2 had). */
    TinyCheckpoint withSeparatePositionProjections() {
        shareAttKey = false;
        for (int l = 0; l < LAYERS; l++) {
            linear("encoder.layer." + l + ".attention.self.pos_key_proj", HIDDEN, HIDDEN);
            linear("encoder.layer." + l + ".attention.self.pos_query_proj", HIDDEN, HIDDEN);
        }
        return this;
    }

    /** Tensors written without the encoder prefix: the head's (DeBERTa's pooler is the classifier's, BERT's the encoder's). */
    boolean outsideEncoder(String name) {
        return name.startsWith("classifier") || name.startsWith("pre_classifier") || deberta() && name.startsWith("pooler.");
    }

    /** Adds a RoBERTa-style classification head (classifier.dense, classifier.out_proj). */
    TinyCheckpoint withHead(int labels) {
        linear("classifier.dense", HIDDEN, HIDDEN);
        linear("classifier.out_proj", labels, HIDDEN);
        return this;
    }

    static boolean robertaFamily(String type) {
        return type.equals("roberta") || type.equals("xlm-roberta") || type.equals("camembert");
    }

    /** Adds BertForSequenceClassification's head: the pooler (bert.pooler.dense) and classifier. */
    TinyCheckpoint withBertHead(int labels) {
        linear("pooler.dense", HIDDEN, HIDDEN);
        linear("classifier", labels, HIDDEN);
        return this;
    }

    /** Adds DistilBertForSequenceClassification's head: pre_classifier and classifier. */
    TinyCheckpoint withDistilBertHead(int labels) {
        linear("pre_classifier", HIDDEN, HIDDEN);
        linear("classifier", labels, HIDDEN);
        return this;
    }

    /** Adds the head transformers puts on this model type's sequence classifier. */
    TinyCheckpoint withTransformersHead(int labels) {
        return switch (type) {
            case "bert", "deberta-v2" -> withBertHead(labels); // DeBERTa's ContextPooler: pooler.dense, then classifier
            case "distilbert" -> withDistilBertHead(labels);
            default -> withHead(labels); // RoBERTa, XLM-RoBERTa, CamemBERT and ELECTRA: classifier.dense, out_proj
        };
    }

    /** Declares the checkpoint a classifier in config.json, as save_pretrained does ({@code architectures}). */
    TinyCheckpoint declaring(String architecture) {
        this.architecture = architecture;
        return this;
    }

    /** Adds a config.json field, e.g. {@code problem_type}. */
    TinyCheckpoint withConfig(String field, String value) {
        extraConfig.put(field, value);
        return this;
    }

    /** Adds an extra tensor the classifier does not use, e.g. BERT's pooler. */
    TinyCheckpoint withExtra(String name, int... shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        tensor(name, 0.1f, s);
        return this;
    }

    /** Adds a one-dimensional I64 tensor, e.g. the position_ids buffer older BERT checkpoints carry. */
    TinyCheckpoint withInt64Extra(String name, long... values) {
        int64Tensors.put(name, values);
        return this;
    }

    /** Drops a tensor, as a checkpoint of another architecture would lack it. */
    TinyCheckpoint without(String name) {
        tensors.remove(name);
        shapes.remove(name);
        return this;
    }

    /** Replaces a tensor by zeros of another shape, e.g. one that does not match the config. */
    TinyCheckpoint reshaped(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        put(name, new float[(int) n], shape);
        return this;
    }

    /** Writes the folder; {@code prefix} is prepended to encoder tensor names, e.g. "roberta.". */
    Path write(Path dir, String prefix) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("model_type", type);
        config.put("vocab_size", VOCAB);
        config.put("max_position_embeddings", MAX_POSITIONS);
        config.put("pad_token_id", padId);
        if (type.equals("distilbert")) {
            config.put("dim", HIDDEN).put("n_layers", LAYERS).put("n_heads", HEADS).put("hidden_dim", INTERMEDIATE)
                    .put("activation", "gelu");
        } else {
            config.put("hidden_size", HIDDEN).put("num_hidden_layers", LAYERS).put("num_attention_heads", HEADS)
                    .put("intermediate_size", INTERMEDIATE).put("type_vocab_size", robertaFamily(type) ? 1 : deberta() ? 0 : 2)
                    .put("layer_norm_eps", 1e-12).put("hidden_act", "gelu");
        }
        if (deberta()) { // as microsoft/deberta-v3-base's config.json, scaled down
            config.put("relative_attention", true).put("position_biased_input", false)
                    .put("position_buckets", DEBERTA_BUCKETS).put("max_relative_positions", DEBERTA_MAX_RELATIVE)
                    .put("share_att_key", shareAttKey).put("pos_att_type", "p2c|c2p").put("norm_rel_ebd", "layer_norm");
        }
        if (type.equals("electra")) {
            config.put("embedding_size", HIDDEN);
        }
        if (architecture != null) {
            config.putArray("architectures").add(architecture);
        }
        extraConfig.forEach(config::put);
        ObjectNode id2label = config.putObject("id2label");
        id2label.put("0", "neg").put("1", "pos").put("2", "neutral");
        json.writeValue(dir.resolve("config.json").toFile(), config);
        try (InputStream in = TinyCheckpoint.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
        }
        writeSafetensors(dir.resolve("model.safetensors"), prefix);
        return dir;
    }

    private void writeSafetensors(Path file, String prefix) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            String name = outsideEncoder(e.getKey()) ? e.getKey() : prefix + e.getKey(); // BERT's pooler is the encoder's
            ObjectNode t = header.putObject(name);
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : shapes.get(e.getKey())) {
                shape.add(d);
            }
            long end = offset + 4L * e.getValue().length;
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        for (Map.Entry<String, long[]> e : int64Tensors.entrySet()) {
            ObjectNode t = header.putObject(prefix + e.getKey());
            t.put("dtype", "I64");
            t.putArray("shape").add(e.getValue().length);
            long end = offset + 8L * e.getValue().length;
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] head = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            out.write(head);
            for (float[] data : tensors.values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(data);
                out.write(buf.array());
            }
            for (long[] data : int64Tensors.values()) {
                ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(data);
                out.write(buf.array());
            }
        }
    }

    private void linear(String name, int out, int in) {
        tensor(name + ".weight", (float) (1 / Math.sqrt(in)), out, in);
        tensor(name + ".bias", 0.1f, out);
    }

    private void norm(String name) {
        float[] gamma = new float[HIDDEN];
        for (int i = 0; i < HIDDEN; i++) {
            gamma[i] = 1 + 0.1f * (float) random.nextGaussian();
        }
        put(name + ".weight", gamma, HIDDEN);
        tensor(name + ".bias", 0.1f, HIDDEN);
    }

    private void tensor(String name, float scale, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = scale * (float) random.nextGaussian();
        }
        put(name, data, shape);
    }

    private void put(String name, float[] data, long... shape) {
        tensors.put(name, data);
        shapes.put(name, shape);
    }
}
