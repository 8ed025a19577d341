package io.triage.cli.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DemoSplitTest {
    /** 70 ham and 30 spam. */
    private static List<LabeledMail> corpus() {
        List<LabeledMail> mails = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            mails.add(new LabeledMail("m" + i, i % 10 < 3 ? "spam" : "ham", "text " + i));
        }
        return mails;
    }

    private static final DemoSplit.Sizes SIZES = new DemoSplit.Sizes(10, 40, 20, 20);

    @Test
    void partsHaveTheirSizesAndShareNoMail() {
        DemoSplit split = DemoSplit.of(corpus(), SIZES, 42);
        assertEquals(List.of(10, 40, 20, 20), Stream.of(split.bootstrap(), split.stream(), split.feedback(),
                split.evaluation()).map(List::size).toList());
        Set<String> ids = new HashSet<>();
        Stream.of(split.bootstrap(), split.stream(), split.feedback(), split.evaluation()).flatMap(List::stream)
                .forEach(m -> assertTrue(ids.add(m.id()), "in two parts: " + m.id()));
    }

    @Test
    void everyPartHasTheCorpusShareOfSpamWithinOneMail() {
        DemoSplit split = DemoSplit.of(corpus(), SIZES, 7);
        for (List<LabeledMail> part : List.of(split.bootstrap(), split.stream(), split.feedback(), split.evaluation())) {
            long spam = part.stream().filter(m -> m.label().equals("spam")).count();
            assertEquals(0.3 * part.size(), spam, 1.0, "spam in a part of " + part.size());
        }
    }

    @Test
    void theSameSeedGivesTheSameSplitWhateverTheReadingOrder() {
        List<LabeledMail> shuffled = new ArrayList<>(corpus());
        Collections.shuffle(shuffled, new java.util.Random(1));
        assertEquals(DemoSplit.of(corpus(), SIZES, 42), DemoSplit.of(shuffled, SIZES, 42));
        assertNotEquals(DemoSplit.of(corpus(), SIZES, 42).evaluation(), DemoSplit.of(corpus(), SIZES, 43).evaluation());
    }

    @Test
    void askingForMoreMailsThanTheCorpusHasFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoSplit.of(corpus(), new DemoSplit.Sizes(50, 30, 20, 1), 42));
        assertEquals("the parts ask for 101 e-mails, the corpus has 100", e.getMessage());
    }
}
