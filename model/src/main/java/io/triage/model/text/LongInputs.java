package io.triage.model.text;

import java.util.Locale;

/**
 * What happens to an input longer than the model's max length.
 *
 * <ul>
 *   <li>{@link Mode#TRUNCATE}: transformers' {@code longest_first} truncation ({@link PairTruncation}); the
 *       model sees the first max-length tokens.</li>
 *   <li>{@link Mode#WINDOW}: the input is split into windows of at most the max length that overlap by
 *       {@code stride} tokens (at most half a window), each window is classified and the logits are averaged.
 *       For a pair the longer segment is windowed and the shorter one repeated whole in every window, cut to
 *       half the room if it is longer than that ({@link TextTokenizer#windows}).</li>
 * </ul>
 *
 * @param stride tokens two neighbouring windows share; ignored when truncating
 */
public record LongInputs(Mode mode, int stride) {
    public static final LongInputs TRUNCATE = new LongInputs(Mode.TRUNCATE, 0);

    public enum Mode { TRUNCATE, WINDOW }

    public LongInputs {
        if (mode == null) {
            throw new IllegalArgumentException("long input mode is required");
        }
        if (stride < 0) {
            throw new IllegalArgumentException("long input stride must be >= 0, got " + stride);
        }
    }

    public static LongInputs window(int stride) {
        return new LongInputs(Mode.WINDOW, stride);
    }

    /** {@code truncate} or {@code window} (any case), with the stride windows use. */
    public static LongInputs parse(String mode, int stride) {
        try {
            return new LongInputs(Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT)), stride);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("long input mode must be truncate or window, got '" + mode + "'");
        }
    }

    public boolean windowed() {
        return mode == Mode.WINDOW;
    }
}
