package io.triage.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * DeBERTa-v2/v3's attention options, as transformers' {@code DebertaV2Config} names them: relative positions
 * (log-bucketed beyond {@code position_buckets / 2}), the content→position ({@code c2p}) and position→content
 * ({@code p2c}) terms, shared or separate position projections, LayerNorm on the relative embeddings, and whether
 * absolute positions are added to the input ({@code position_biased_input}).
 *
 * @param maxRelativePositions resolved: {@code max_position_embeddings} when the file says -1
 */
public record DisentangledAttention(boolean positionBiasedInput, boolean relative, int positionBuckets,
        int maxRelativePositions, boolean shareAttKey, boolean c2p, boolean p2c, boolean normRelEmbeddings,
        float poolerDropout) {

    /** Relative distances are clamped to {@code ±span}: the bucket count, or the maximum relative position. */
    public int span() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    /** Rows of {@code encoder.rel_embeddings.weight}. */
    public int embeddingRows() {
        return 2 * span();
    }

    /** transformers scales every attention term by {@code sqrt(head size × this)}: one per term used. */
    public int scaleFactor() {
        return 1 + (relative && c2p ? 1 : 0) + (relative && p2c ? 1 : 0);
    }

    /**
     * Reads DeBERTa-v2's fields; refuses the parts Triage does not implement (the convolution layer of
     * deberta-v2-xlarge, factorized embeddings, a pooler of another width or activation) with the field named.
     */
    static DisentangledAttention fromHfConfig(JsonNode c, int hidden, int maxPositions) {
        refuseUnless(ConfigFields.integer(c, "conv_kernel_size", 0, 0, 1024) == 0, "conv_kernel_size",
                "DeBERTa's convolution layer is not supported");
        refuseUnless(ConfigFields.integer(c, "embedding_size", hidden, 1, ModelLimits.MAX_HIDDEN_SIZE) == hidden,
                "embedding_size", "differs from hidden_size (" + hidden + "): embed_proj is not supported");
        refuseUnless(ConfigFields.integer(c, "pooler_hidden_size", hidden, 1, ModelLimits.MAX_HIDDEN_SIZE) == hidden,
                "pooler_hidden_size", "differs from hidden_size (" + hidden + ")");
        refuseUnless("gelu".equals(ConfigFields.text(c, "pooler_hidden_act", "gelu")), "pooler_hidden_act",
                "is not gelu, the only pooler activation implemented");
        boolean relative = flag(c, "relative_attention", false);
        int buckets = ConfigFields.integer(c, "position_buckets", -1, -1, ModelLimits.MAX_POSITIONS);
        int maxRelative = ConfigFields.integer(c, "max_relative_positions", -1, -1, ModelLimits.MAX_POSITIONS);
        List<String> types = posAttTypes(c);
        String norm = ConfigFields.text(c, "norm_rel_ebd", "none").toLowerCase(Locale.ROOT);
        boolean normRel = Arrays.stream(norm.split("\\|")).map(String::trim).anyMatch("layer_norm"::equals);
        return new DisentangledAttention(flag(c, "position_biased_input", true), relative, Math.max(buckets, 0),
                maxRelative < 1 ? maxPositions : maxRelative, flag(c, "share_att_key", false), types.contains("c2p"),
                types.contains("p2c"), normRel, ConfigFields.number(c, "pooler_dropout", 0, 0, 1));
    }

    void writeHfConfig(ObjectNode out, int hidden) {
        out.put("position_biased_input", positionBiasedInput);
        out.put("relative_attention", relative);
        out.put("position_buckets", positionBuckets > 0 ? positionBuckets : -1);
        out.put("max_relative_positions", maxRelativePositions);
        out.put("share_att_key", shareAttKey);
        ArrayNode types = out.putArray("pos_att_type");
        if (p2c) {
            types.add("p2c");
        }
        if (c2p) {
            types.add("c2p");
        }
        out.put("norm_rel_ebd", normRelEmbeddings ? "layer_norm" : "none");
        out.put("pooler_hidden_size", hidden);
        out.put("pooler_hidden_act", "gelu");
        out.put("pooler_dropout", poolerDropout);
    }

    /** {@code pos_att_type}: a list, or a string such as {@code "p2c|c2p"} (DebertaV2Config splits it). */
    private static List<String> posAttTypes(JsonNode c) {
        JsonNode v = c.get("pos_att_type");
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> types;
        if (v.isTextual()) {
            types = Arrays.stream(v.asText().toLowerCase(Locale.ROOT).split("\\|")).map(String::trim).toList();
        } else if (v.isArray()) {
            types = new java.util.ArrayList<>();
            for (JsonNode t : v) {
                refuseUnless(t.isTextual(), "pos_att_type", "holds a non-string: " + ConfigFields.abbreviated(v));
                types.add(t.asText().trim().toLowerCase(Locale.ROOT));
            }
        } else {
            throw new IllegalArgumentException("config.json field 'pos_att_type' is neither a list nor a string: "
                    + ConfigFields.abbreviated(v));
        }
        for (String t : types) {
            refuseUnless(t.equals("c2p") || t.equals("p2c") || t.isEmpty(), "pos_att_type",
                    "names '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'; only c2p and p2c are implemented");
        }
        return types;
    }

    private static boolean flag(JsonNode c, String field, boolean fallback) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        refuseUnless(v.isBoolean(), field, "is not a boolean: " + ConfigFields.abbreviated(v));
        return v.asBoolean();
    }

    private static void refuseUnless(boolean ok, String field, String why) {
        if (!ok) {
            throw new IllegalArgumentException("config.json field '" + field + "' " + why);
        }
    }
}
