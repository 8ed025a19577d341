package io.triage.model.text;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * An untruncated encoding, special tokens included, that knows which tokens belong to which segment, so that
 * any slice of the segments can be assembled with the special tokens and token type ids the tokenizer.json's
 * post-processor put around them ({@code [CLS] a [SEP] b [SEP]}, RoBERTa's {@code <s> a </s></s> b </s>}, ...).
 */
final class SegmentedEncoding {
    private final long[] ids;
    private final long[] typeIds;
    /** 0 or 1 for a token of the first or second segment, anything else for a special token the template added */
    private final long[] sequenceIds;
    private final int firstLength;
    private final int secondLength;

    SegmentedEncoding(Encoding encoding) {
        this.ids = encoding.getIds();
        this.typeIds = encoding.getTypeIds();
        this.sequenceIds = encoding.getSequenceIds();
        int first = 0;
        int second = 0;
        for (long s : sequenceIds) {
            if (s == 0) {
                first++;
            } else if (s == 1) {
                second++;
            }
        }
        this.firstLength = first;
        this.secondLength = second;
    }

    int firstLength() {
        return firstLength;
    }

    int secondLength() {
        return secondLength;
    }

    /** Tokens the template adds around the segments. */
    int specialTokens() {
        return ids.length - firstLength - secondLength;
    }

    /**
     * The special tokens with {@code firstCount} tokens of the first segment from {@code firstFrom} and
     * {@code secondCount} of the second from {@code secondFrom}.
     */
    Encoded slice(int firstFrom, int firstCount, int secondFrom, int secondCount) {
        int n = specialTokens() + firstCount + secondCount;
        long[] outIds = new long[n];
        long[] outTypes = new long[n];
        int out = 0;
        int firstSeen = 0;
        int secondSeen = 0;
        for (int i = 0; i < ids.length; i++) {
            boolean keep;
            if (sequenceIds[i] == 0) {
                keep = firstSeen >= firstFrom && firstSeen < firstFrom + firstCount;
                firstSeen++;
            } else if (sequenceIds[i] == 1) {
                keep = secondSeen >= secondFrom && secondSeen < secondFrom + secondCount;
                secondSeen++;
            } else {
                keep = true;
            }
            if (keep) {
                outIds[out] = ids[i];
                outTypes[out] = typeIds[i];
                out++;
            }
        }
        return new Encoded(outIds, outTypes);
    }
}
