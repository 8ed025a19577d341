package io.triage.model.infer;

/** The steps of one {@link TextClassifier} call, in the order they run, as a {@link StageTimer} charges them. */
public enum InferenceStage {
    TOKENIZE("tokenize"),
    PAD("pad batch"),
    GRAD_MODE("grad mode off (JNI)"),
    MANAGER("NDManager open+close"),
    TENSORS("tensors (ids, types, mask)"),
    FORWARD("forward (encoder+head)"),
    COPY_OUT("copy-out to Java"),
    SOFTMAX("softmax / sigmoid"),
    RESULTS("results (label maps)");

    private final String label;

    InferenceStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
