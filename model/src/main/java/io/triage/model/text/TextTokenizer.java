package io.triage.model.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face fast tokenizer (tokenizer.json) that truncates to the model's max length and leaves
 * padding to {@link EncodedBatch}, so a batch is padded only to its own longest member.
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
                    "truncation", "longest_first",
                    "padding", "false",
                    "maxLength", String.valueOf(maxLength),
                    "modelMaxLength", String.valueOf(maxLength)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** Encodes one input: {@code [CLS] text [SEP]} or {@code [CLS] text [SEP] pair [SEP]}, truncated. */
    public Encoded encode(TextInput input) {
        Encoding e = input.isPair() ? tokenizer.encode(input.text(), input.textPair()) : tokenizer.encode(input.text());
        return new Encoded(e.getIds(), e.getTypeIds());
    }

    public List<Encoded> encodeEach(List<TextInput> inputs) {
        return inputs.stream().map(this::encode).toList();
    }

    /** Encodes and pads the inputs to the longest of them. */
    public EncodedBatch encodeBatch(List<TextInput> inputs) {
        return EncodedBatch.pad(encodeEach(inputs), padId);
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
