package io.triage.training.train;

import io.triage.model.text.TextInput;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A small, learnable multi-label data set that needs no files: reviews mentioning any of three aspects (none too),
 * delivery most often, so the most frequent label set is {delivery}.
 */
public final class ReviewData {
    public static final List<String> LABELS = List.of("delivery", "price", "quality");
    private static final double[] RATES = {0.7, 0.4, 0.3};
    private static final String[][] PHRASES = {
        {"the parcel arrived two weeks late", "the courier lost my package", "shipping took forever"},
        {"it cost far too much", "the price is outrageous", "way too expensive for what it is"},
        {"the fabric tore after one wash", "the stitching came apart", "it broke on the first day"}};

    private ReviewData() {}

    public static Dataset sample(int n, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> parts = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (int l = 0; l < LABELS.size(); l++) {
                if (random.nextDouble() < RATES[l]) {
                    parts.add(PHRASES[l][random.nextInt(PHRASES[l].length)]);
                    labels.add(l);
                }
            }
            parts.add(random.nextBoolean() ? "i bought a shirt" : "this is my review");
            Collections.shuffle(parts, random);
            examples.add(Example.multi(TextInput.of(String.join(" and ", parts)), labels, i + 1));
        }
        return new Dataset("reviews-" + seed, LABELS, examples, true);
    }
}
