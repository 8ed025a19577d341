package io.triage.trainer.service;

import io.triage.schemas.LabeledExample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class FeedbackRulesTest {
    private static final List<String> LABELS = List.of("complaint", "praise");

    private static LabeledExample example(String id, String text, String pair, String label) {
        return LabeledExample.newBuilder().setId(id).setText(text).setTextPair(pair).setLabel(label).build();
    }

    private static String reason(FeedbackRules rules, LabeledExample e, List<String> labels) {
        return rules.check(e, labels).map(FeedbackRules.Rejection::reason).orElse("ACCEPTED");
    }

    @Test
    void eachKindOfBadFeedbackHasItsReason() {
        FeedbackRules rules = new FeedbackRules(20, false);

        assertEquals("ACCEPTED", reason(rules, example("1", "works well", null, "praise"), LABELS));
        assertEquals("MISSING_ID", reason(rules, example(" ", "works well", null, "praise"), LABELS));
        assertEquals("EMPTY_TEXT", reason(rules, example("2", "  ", null, "praise"), LABELS));
        assertEquals("EMPTY_LABEL", reason(rules, example("3", "works", null, ""), LABELS));
        assertEquals("UNKNOWN_LABEL", reason(rules, example("4", "works", null, "question"), LABELS));
        assertEquals("TEXT_TOO_LONG", reason(rules, example("5", "0123456789", "0123456789a", "praise"), LABELS),
                "both segments count");
        assertEquals("ACCEPTED", reason(rules, example("6", "0123456789", "0123456789", "praise"), LABELS));
    }

    @Test
    void anyLabelIsAcceptedWhileNoneAreFixedOrWhenNewOnesAreAllowed() {
        LabeledExample question = example("1", "when does it open?", null, "question");

        assertEquals(Optional.empty(), new FeedbackRules(100, false).check(question, List.of()));
        assertEquals(Optional.empty(), new FeedbackRules(100, true).check(question, LABELS));
        assertTrue(new FeedbackRules(100, false).check(question, LABELS).get().message().contains("question"));
    }

    @Test
    void aLabelSetMayBeEmptyButEachOfItsLabelsMustBeKnownNonBlankAndGivenOnce() {
        FeedbackRules rules = new FeedbackRules(100, false);
        LabeledExample.Builder multi = LabeledExample.newBuilder().setId("m").setText("late and broken").setLabel("");

        assertEquals("ACCEPTED", reason(rules, multi.setLabels(List.of("praise", "complaint")).build(), LABELS));
        assertEquals("ACCEPTED", reason(rules, multi.setLabels(List.of()).build(), LABELS), "none applies");
        assertEquals("UNKNOWN_LABEL", reason(rules, multi.setLabels(List.of("praise", "question")).build(), LABELS));
        assertEquals("EMPTY_LABEL", reason(rules, multi.setLabels(List.of("praise", " ")).build(), LABELS));
        assertEquals("DUPLICATE_LABEL", reason(rules, multi.setLabels(List.of("praise", "praise")).build(), LABELS));
        assertEquals("ACCEPTED", reason(new FeedbackRules(100, true), multi.setLabels(List.of("question")).build(), LABELS));
    }
}
