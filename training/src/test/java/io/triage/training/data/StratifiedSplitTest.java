package io.triage.training.data;

import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StratifiedSplitTest {
    /** 300 examples of label a, 100 of b, 20 of c, interleaved. */
    private static Dataset data() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 420; i++) {
            int label = i < 300 ? 0 : i < 400 ? 1 : 2;
            examples.add(new Example(TextInput.of("text " + i), label, i + 1));
        }
        return new Dataset("synthetic", List.of("a", "b", "c"), examples);
    }

    @Test
    void holdsOutTheFractionOfEveryClass() {
        StratifiedSplit.Split split = StratifiedSplit.holdout(data(), 0.1, 42);
        assertEquals(Map.of("a", 30, "b", 10, "c", 2), split.validation().classCounts());
        assertEquals(Map.of("a", 270, "b", 90, "c", 18), split.train().classCounts());
    }

    @Test
    void partsAreDisjointCoverEverythingAndDependOnlyOnTheSeed() {
        StratifiedSplit.Split split = StratifiedSplit.holdout(data(), 0.25, 7);
        Set<String> train = new HashSet<>(split.train().inputs().stream().map(TextInput::text).toList());
        Set<String> validation = new HashSet<>(split.validation().inputs().stream().map(TextInput::text).toList());
        assertTrue(train.stream().noneMatch(validation::contains));
        assertEquals(420, train.size() + validation.size());
        assertEquals(split.validation().inputs(), StratifiedSplit.holdout(data(), 0.25, 7).validation().inputs());
        assertNotEquals(split.validation().inputs(), StratifiedSplit.holdout(data(), 0.25, 8).validation().inputs());
    }
}
