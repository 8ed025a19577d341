package io.triage.model.text;

/** One input's token ids and token type ids, special tokens included, unpadded. */
public record Encoded(long[] ids, long[] typeIds) {
    public int length() {
        return ids.length;
    }
}
