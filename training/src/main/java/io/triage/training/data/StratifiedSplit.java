package io.triage.training.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Holds out a fraction of every class, chosen at random with a seed, so both parts keep the class balance;
 * multi-label examples are grouped by their first label (those with none form a group of their own).
 */
public final class StratifiedSplit {
    private StratifiedSplit() {}

    public record Split(Dataset train, Dataset validation) {}

    /**
     * @param fraction share of each class held out (rounded per class), in (0, 1)
     */
    public static Split holdout(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c <= data.labels().size(); c++) { // the first group: examples with no label
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            byClass.get(data.examples().get(i).label() + 1).add(i);
        }
        Random random = new Random(seed);
        boolean[] held = new boolean[data.size()];
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            long take = Math.round(fraction * members.size());
            for (int k = 0; k < take; k++) {
                held[members.get(k)] = true;
            }
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            (held[i] ? validation : train).add(i);
        }
        if (validation.isEmpty() || train.isEmpty()) {
            throw new IllegalArgumentException("holding out " + fraction + " of " + data.size()
                    + " examples leaves one side empty");
        }
        return new Split(data.subset(data.source() + " (train part)", toArray(train)),
                data.subset(data.source() + " (held-out " + fraction + ")", toArray(validation)));
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
