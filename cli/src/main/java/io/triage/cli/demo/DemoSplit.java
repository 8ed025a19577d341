package io.triage.cli.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's fixed split of the corpus: the same e-mails land in the same part on every run with the same seed and
 * sizes, and every part has the corpus's share of spam (within one e-mail).
 *
 * @param bootstrap  labeled feedback that trains v1
 * @param stream     streamed as text events
 * @param feedback   labeled feedback that trains v2
 * @param evaluation held back: never trained on, scored by v1 and by v2
 */
record DemoSplit(List<LabeledMail> bootstrap, List<LabeledMail> stream, List<LabeledMail> feedback,
                 List<LabeledMail> evaluation) {

    /** How many e-mails each part gets. */
    record Sizes(int bootstrap, int stream, int feedback, int evaluation) {
        Sizes {
            if (bootstrap < 1 || stream < 1 || feedback < 1 || evaluation < 1) {
                throw new IllegalArgumentException("every part needs at least one e-mail: " + this);
            }
        }

        int total() {
            return bootstrap + stream + feedback + evaluation;
        }
    }

    static DemoSplit of(List<LabeledMail> mails, Sizes sizes, long seed) {
        if (sizes.total() > mails.size()) {
            throw new IllegalArgumentException("the parts ask for " + sizes.total() + " e-mails, the corpus has "
                    + mails.size());
        }
        Random random = new Random(seed);
        List<LabeledMail> ordered = interleavedByLabel(mails, random);
        int at = 0;
        List<List<LabeledMail>> parts = new ArrayList<>();
        for (int size : new int[] {sizes.bootstrap(), sizes.stream(), sizes.feedback(), sizes.evaluation()}) {
            List<LabeledMail> part = new ArrayList<>(ordered.subList(at, at + size));
            Collections.shuffle(part, random); // the interleaving is regular; a stream should not be
            parts.add(List.copyOf(part));
            at += size;
        }
        return new DemoSplit(parts.get(0), parts.get(1), parts.get(2), parts.get(3));
    }

    /**
     * Each label's mails shuffled, then merged so that the i-th of a label's n mails sits at (i + 0.5) / n of the
     * way: any run of consecutive mails then has every label's share, to within one mail.
     */
    private static List<LabeledMail> interleavedByLabel(List<LabeledMail> mails, Random random) {
        Map<String, List<LabeledMail>> byLabel = new LinkedHashMap<>();
        mails.stream().sorted(Comparator.comparing(LabeledMail::id)) // independent of the order files were read in
                .forEach(m -> byLabel.computeIfAbsent(m.label(), l -> new ArrayList<>()).add(m));
        record Placed(double position, String label, LabeledMail mail) {}
        List<Placed> placed = new ArrayList<>(mails.size());
        byLabel.keySet().stream().sorted().forEach(label -> {
            List<LabeledMail> group = byLabel.get(label);
            Collections.shuffle(group, random);
            for (int i = 0; i < group.size(); i++) {
                placed.add(new Placed((i + 0.5) / group.size(), label, group.get(i)));
            }
        });
        placed.sort(Comparator.comparingDouble(Placed::position).thenComparing(Placed::label));
        return placed.stream().map(Placed::mail).toList();
    }
}
