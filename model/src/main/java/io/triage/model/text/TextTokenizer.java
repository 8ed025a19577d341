package io.triage.model.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face fast tokenizer (tokenizer.json) that truncates to the model's max length (or splits a long
 * input into windows) and leaves padding to {@link EncodedBatch}, so a batch is padded only to its own longest
 * member.
 *
 * <p>The tokenizer itself never truncates: an input is encoded whole with its special tokens, and truncation
 * ({@link PairTruncation}) or windowing picks the segments' tokens to keep, so both share one way of putting
 * the template's special tokens and token type ids back around them.
 *
 * <p>Keeps the tokenizer.json bytes so that a model artifact can be written back unchanged.
 */
public final class TextTokenizer implements AutoCloseable {
    private final byte[] tokenizerJson;
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    /**
     * @param padId the model's {@code pad_token_id}: RoBERTa derives position ids from it, so the padding
     *     written here must be the id the model treats as padding
     */
    public TextTokenizer(byte[] tokenizerJson, int maxLength, long padId) {
        this.tokenizerJson = tokenizerJson.clone();
        this.maxLength = maxLength;
        this.padId = padId;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of(
                    "truncation", "false",
                    "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid tokenizer.json: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes one input: {@code [CLS] text [SEP]} or {@code [CLS] text [SEP] pair [SEP]} (as the tokenizer.json's
     * template has it), truncated {@code longest_first} to the max length.
     */
    public Encoded encode(TextInput input) {
        SegmentedEncoding whole = encodeWhole(input);
        int[] kept = PairTruncation.longestFirst(whole.firstLength(), whole.secondLength(), room(whole));
        return fitted(whole.slice(0, kept[0], 0, kept[1]));
    }

    /** The most windows one input is split into (a 128-token model: about 3,000 tokens of text). */
    public static final int MAX_WINDOWS = 32;

    /**
     * Encodes one input as windows of at most the max length: one window if it fits. Otherwise the longer
     * segment (the first on a tie) is split into windows that overlap by {@code stride} tokens (at most half a
     * window, so that the windows always advance), and the shorter segment of a pair is repeated whole in every
     * window, cut to half the room if it is longer than that. At most {@link #MAX_WINDOWS} windows: what lies beyond
     * them is left out, as truncation would, so that one huge input cannot cost hundreds of forward passes.
     */
    public List<Encoded> windows(TextInput input, int stride) {
        SegmentedEncoding whole = encodeWhole(input);
        int first = whole.firstLength();
        int second = whole.secondLength();
        int room = room(whole);
        if (first + second <= room || room < 1) {
            return List.of(encode(input));
        }
        boolean windowFirst = first >= second;
        int longer = windowFirst ? first : second;
        int shorterKept = Math.min(windowFirst ? second : first, room / 2);
        int width = room - shorterKept;
        int step = width - Math.min(stride, width / 2);
        List<Encoded> out = new ArrayList<>();
        for (int start = 0; ; start += step) {
            int count = Math.min(width, longer - start);
            out.add(fitted(windowFirst ? whole.slice(start, count, 0, shorterKept)
                    : whole.slice(0, shorterKept, start, count)));
            if (start + width >= longer || out.size() == MAX_WINDOWS) {
                return out;
            }
        }
    }

    private SegmentedEncoding encodeWhole(TextInput input) {
        return new SegmentedEncoding(input.isPair()
                ? tokenizer.encode(input.text(), input.textPair()) : tokenizer.encode(input.text()));
    }

    /** Content tokens that fit next to the template's special tokens. */
    private int room(SegmentedEncoding whole) {
        return maxLength - whole.specialTokens();
    }

    /**
     * The last guard against a position past the model's table: only a template with more special tokens than
     * the max length (e.g. a RoBERTa pair at max length 3) gets here, and loses its trailing ones.
     */
    private Encoded fitted(Encoded e) {
        return e.length() <= maxLength ? e
                : new Encoded(Arrays.copyOf(e.ids(), maxLength), Arrays.copyOf(e.typeIds(), maxLength));
    }

    public List<Encoded> encodeEach(List<TextInput> inputs) {
        return inputs.stream().map(this::encode).toList();
    }

    /** Encodes and pads the inputs to the longest of them. */
    public EncodedBatch encodeBatch(List<TextInput> inputs) {
        return EncodedBatch.pad(encodeEach(inputs), padId);
    }

    /** Each id as its own token text, special tokens and sub-word marks ({@code ##ing}) kept. */
    public List<String> tokens(long[] ids) {
        long[][] each = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            each[i] = new long[] {ids[i]};
        }
        return List.of(tokenizer.batchDecode(each, false));
    }

    public int maxLength() {
        return maxLength;
    }

    public long padId() {
        return padId;
    }

    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
