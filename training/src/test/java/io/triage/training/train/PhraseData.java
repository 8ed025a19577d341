package io.triage.training.train;

import io.triage.model.text.TextInput;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small, learnable three-class data set that needs no files: complaints, praise and questions. */
public final class PhraseData {
    public static final List<String> LABELS = List.of("complaint", "praise", "question");
    private static final String[] SUBJECTS = {"the delivery", "my order", "the support team", "the new app",
        "the hotel room", "this update", "the checkout", "our meal"};
    private static final String[][] PHRASES = {
        {"was terrible and broken", "made me furious", "is the worst i have seen", "failed again and again"},
        {"was wonderful", "made my day", "is absolutely fantastic", "worked perfectly, thank you"},
        {"- when will it arrive?", "- how do i change it?", "- is it available on monday?", "- who should i ask?"}};

    private PhraseData() {}

    public static Dataset sample(int n, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(LABELS.size());
            String text = SUBJECTS[random.nextInt(SUBJECTS.length)] + " "
                    + PHRASES[label][random.nextInt(PHRASES[label].length)];
            examples.add(new Example(TextInput.of(text), label, i + 1));
        }
        return new Dataset("phrases-" + seed, LABELS, examples);
    }
}
