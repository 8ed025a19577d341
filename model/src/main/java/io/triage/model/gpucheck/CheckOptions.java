package io.triage.model.gpucheck;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The check's command line: {@code --name value} pairs, every one optional except {@code --out}, {@code --work}
 * and {@code --tokenizer}. Defaults are the device run's; the CPU rehearsal passes small sizes.
 *
 * @param device the {@code model.device} value to test: {@code gpu:N}, {@code auto} or {@code cpu}
 * @param out where gpu-check.json and gpu-check.tsv go
 * @param work scratch space: the model artifacts Triage writes for itself
 * @param tokenizer the tokenizer.json of the Triage-written models (a BERT WordPiece vocabulary)
 * @param reference the folder the Python side wrote (models/NAME and reference.json), or null
 * @param probe only the engine and a few operations on the device, nothing else
 * @param sections which of {@link #ALL_SECTIONS} to run
 */
record CheckOptions(String device, Path out, Path work, Path tokenizer, Path reference, boolean probe,
        double deadlineSeconds, List<String> shapes, List<String> precisions, int[] batches, int seqLen,
        int[] firstCallSeqLens, double rowSeconds, int cycles, int trainBatch, double trainSeconds,
        List<String> sections) {

    /** Every option name, so that a typo fails instead of silently running with a default. */
    private static final List<String> NAMES = List.of("device", "out", "work", "tokenizer", "reference",
            "deadline-seconds", "shapes", "precisions", "batches", "seq-len", "first-call-seq-lens", "row-seconds",
            "cycles", "train-batch", "train-seconds", "sections");
    /** The sections after smoke, in the order they run. */
    static final String ALL_SECTIONS = "parity,throughput,first_call,memory,training";

    static CheckOptions parse(String[] args) {
        Map<String, String> v = new HashMap<>();
        boolean probe = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--probe")) {
                probe = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                v.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "': use --name value");
            }
        }
        for (String name : v.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + NAMES);
            }
        }
        return new CheckOptions(
                v.getOrDefault("device", "gpu:0"),
                Path.of(required(v, "out")),
                Path.of(required(v, "work")),
                Path.of(required(v, "tokenizer")),
                v.containsKey("reference") ? Path.of(v.get("reference")) : null,
                probe,
                Double.parseDouble(v.getOrDefault("deadline-seconds", "300")),
                List.of(v.getOrDefault("shapes", "minilm,bert-base").split(",")),
                List.of(v.getOrDefault("precisions", "fp32,fp16").split(",")),
                ints(v.getOrDefault("batches", "1,8,64,256,1024")),
                Integer.parseInt(v.getOrDefault("seq-len", "128")),
                ints(v.getOrDefault("first-call-seq-lens", "16,32,64,256")),
                Double.parseDouble(v.getOrDefault("row-seconds", "1.5")),
                Integer.parseInt(v.getOrDefault("cycles", "20")),
                Integer.parseInt(v.getOrDefault("train-batch", "32")),
                Double.parseDouble(v.getOrDefault("train-seconds", "4")),
                List.of(v.getOrDefault("sections", ALL_SECTIONS).split(",")));
    }

    private static String required(Map<String, String> v, String name) {
        String value = v.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
