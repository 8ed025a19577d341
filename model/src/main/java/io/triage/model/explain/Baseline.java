package io.triage.model.explain;

import java.util.Locale;

/**
 * The input integrated gradients starts from: every content token's word embedding replaced, the special tokens
 * ({@code [CLS]}, {@code [SEP]}, RoBERTa's {@code <s>}, {@code </s>}) kept, positions and token types unchanged.
 */
public enum Baseline {
    /** the padding token's embedding: a text of the same length that says nothing */
    PAD,
    /** the zero vector */
    ZERO;

    public static Baseline parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown baseline '" + name + "': pad or zero");
        }
    }
}
