package io.triage.model.text;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hand-made tokenizer.json files: a word-level vocabulary {@code w0..w99} (ids 4..103, one token per word)
 * with BERT's template ({@code [CLS] a [SEP] b [SEP]}, type ids 0/1) or RoBERTa's ({@code <s> a </s></s> b </s>}).
 */
final class HandMadeTokenizers {
    static final int FIRST_WORD_ID = 4;

    private HandMadeTokenizers() {
    }

    static byte[] bert() {
        return json(new String[] {"[PAD]", "[UNK]", "[CLS]", "[SEP]"}, "[UNK]",
                "{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]}");
    }

    static byte[] roberta() {
        return json(new String[] {"<s>", "<pad>", "</s>", "<unk>"}, "<unk>",
                "{\"type\":\"RobertaProcessing\",\"sep\":[\"</s>\",2],\"cls\":[\"<s>\",0],"
                        + "\"trim_offsets\":true,\"add_prefix_space\":false}");
    }

    /** {@code count} words from {@code wFrom}: "w3 w4 w5". */
    static String words(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static byte[] json(String[] specials, String unk, String postProcessor) {
        StringJoiner added = new StringJoiner(",");
        StringJoiner vocab = new StringJoiner(",");
        for (int i = 0; i < specials.length; i++) {
            added.add("{\"id\":" + i + ",\"content\":\"" + specials[i] + "\",\"single_word\":false,\"lstrip\":false,"
                    + "\"rstrip\":false,\"normalized\":false,\"special\":true}");
            vocab.add("\"" + specials[i] + "\":" + i);
        }
        for (int w = 0; w < 100; w++) {
            vocab.add("\"w" + w + "\":" + (FIRST_WORD_ID + w));
        }
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added
                + "],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":"
                + postProcessor + ",\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab
                + "},\"unk_token\":\"" + unk + "\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
