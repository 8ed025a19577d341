package io.triage.model.text;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hand-made tokenizer.json files: a vocabulary {@code w0..w99} (ids 4..103, one token per word) with BERT's template
 * ({@code [CLS] a [SEP] b [SEP]}, type ids 0/1) or RoBERTa's ({@code <s> a </s></s> b </s>}) on a word-level model,
 * or, as SentencePiece models are converted to tokenizer.json, a Unigram model of {@code ▁w0..▁w99} behind a
 * Metaspace pre-tokenizer with XLM-RoBERTa's / CamemBERT's template or DeBERTa-v3's.
 */
final class HandMadeTokenizers {
    static final int FIRST_WORD_ID = 4;

    private HandMadeTokenizers() {
    }

    private static final String WHITESPACE = "{\"type\":\"WhitespaceSplit\"}";
    private static final String METASPACE = "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
            + "\"prepend_scheme\":\"always\",\"split\":true}";

    static byte[] bert() {
        String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        return json(specials, WHITESPACE, wordLevel(specials, 1),
                "{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]}");
    }

    static byte[] roberta() {
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>"};
        return json(specials, WHITESPACE, wordLevel(specials, 3),
                "{\"type\":\"RobertaProcessing\",\"sep\":[\"</s>\",2],\"cls\":[\"<s>\",0],"
                        + "\"trim_offsets\":true,\"add_prefix_space\":false}");
    }

    /** XLM-RoBERTa and CamemBERT: SentencePiece Unigram, {@code <s> A </s></s> B </s>}, every type id 0. */
    static byte[] xlmRoberta() {
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>"};
        return json(specials, METASPACE, unigram(specials, 3),
                template("<s>:0 $A:0 </s>:0", "<s>:0 $A:0 </s>:0 </s>:0 $B:0 </s>:0", specials, 0, 2));
    }

    /** DeBERTa-v3: SentencePiece Unigram after whitespace splitting, {@code [CLS] A [SEP] B [SEP]}, type ids 0/1. */
    static byte[] debertaV3() {
        String[] specials = {"[PAD]", "[CLS]", "[SEP]", "[UNK]"};
        return json(specials, "{\"type\":\"Sequence\",\"pretokenizers\":[" + WHITESPACE + "," + METASPACE + "]}",
                unigram(specials, 3),
                template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1", specials, 1, 2));
    }

    /** {@code count} words from {@code wFrom}: "w3 w4 w5". */
    static String words(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    /** The word-level model: specials first (ids 0..3), then {@code w0..w99}. */
    private static String wordLevel(String[] specials, int unkId) {
        StringJoiner vocab = new StringJoiner(",");
        for (int i = 0; i < specials.length; i++) {
            vocab.add("\"" + specials[i] + "\":" + i);
        }
        for (int w = 0; w < 100; w++) {
            vocab.add("\"w" + w + "\":" + (FIRST_WORD_ID + w));
        }
        return "{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"" + specials[unkId] + "\"}";
    }

    /** A SentencePiece Unigram model: specials first, then the pieces {@code ▁w0..▁w99} (one per word). */
    private static String unigram(String[] specials, int unkId) {
        StringJoiner vocab = new StringJoiner(",");
        for (String special : specials) {
            vocab.add("[\"" + special + "\",0.0]");
        }
        for (int w = 0; w < 100; w++) {
            vocab.add("[\"\u2581w" + w + "\"," + (-1.0 - w / 100.0) + "]");
        }
        return "{\"type\":\"Unigram\",\"unk_id\":" + unkId + ",\"vocab\":[" + vocab + "],\"byte_fallback\":false}";
    }

    /**
     * A TemplateProcessing post-processor from transformers' template notation, e.g.
     * {@code "<s>:0 $A:0 </s>:0"}, with the two special tokens its templates use.
     */
    private static String template(String single, String pair, String[] specials, int cls, int sep) {
        return "{\"type\":\"TemplateProcessing\",\"single\":" + pieces(single) + ",\"pair\":" + pieces(pair)
                + ",\"special_tokens\":{" + specialToken(specials[cls], cls) + "," + specialToken(specials[sep], sep) + "}}";
    }

    private static String pieces(String template) {
        StringJoiner out = new StringJoiner(",", "[", "]");
        for (String piece : template.split(" ")) {
            String id = piece.substring(0, piece.lastIndexOf(':'));
            String type = piece.substring(piece.lastIndexOf(':') + 1);
            out.add(id.startsWith("$") ? "{\"Sequence\":{\"id\":\"" + id.substring(1) + "\",\"type_id\":" + type + "}}"
                    : "{\"SpecialToken\":{\"id\":\"" + id + "\",\"type_id\":" + type + "}}");
        }
        return out.toString();
    }

    private static String specialToken(String token, int id) {
        return "\"" + token + "\":{\"id\":\"" + token + "\",\"ids\":[" + id + "],\"tokens\":[\"" + token + "\"]}";
    }

    private static byte[] json(String[] specials, String preTokenizer, String model, String postProcessor) {
        StringJoiner added = new StringJoiner(",");
        for (int i = 0; i < specials.length; i++) {
            added.add("{\"id\":" + i + ",\"content\":\"" + specials[i] + "\",\"single_word\":false,\"lstrip\":false,"
                    + "\"rstrip\":false,\"normalized\":false,\"special\":true}");
        }
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added
                + "],\"normalizer\":null,\"pre_tokenizer\":" + preTokenizer + ",\"post_processor\":"
                + postProcessor + ",\"decoder\":null,\"model\":" + model + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
