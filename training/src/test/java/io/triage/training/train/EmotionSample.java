package io.triage.training.train;

import io.triage.training.data.Dataset;
import io.triage.training.data.DatasetReader;
import io.triage.training.data.Example;
import io.triage.training.data.ReadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The first examples of the shared emotion data set; tests using it skip when ../shared is absent. */
final class EmotionSample {
    static final List<String> LABELS = List.of("anger", "fear", "joy", "love", "sadness", "surprise");

    private EmotionSample() {}

    static Path dir() {
        Path dir = Path.of(System.getProperty("triage.shared.dir", "../shared"), "datasets", "emotion");
        assumeTrue(Files.isRegularFile(dir.resolve("train.txt")), "no emotion data in " + dir);
        return dir;
    }

    static Dataset train(int n) throws IOException {
        return reader(n).read(dir().resolve("train.txt"));
    }

    static Dataset validation(int n) throws IOException {
        return reader(n).read(dir().resolve("validation.txt"), LABELS);
    }

    /** The first {@code n} joy and sadness examples of {@code all}, as a two-label data set (the two largest classes). */
    static Dataset joyOrSadness(Dataset all, int n) {
        List<String> labels = List.of("joy", "sadness");
        List<Example> chosen = all.examples().stream()
                .filter(e -> labels.contains(all.labels().get(e.label())))
                .limit(n)
                .map(e -> new Example(e.input(), labels.indexOf(all.labels().get(e.label())), e.line()))
                .toList();
        return new Dataset(all.source() + " (joy/sadness)", labels, chosen);
    }

    private static DatasetReader reader(int limit) {
        return new DatasetReader(ReadSettings.DEFAULTS.withSeparator(';').withNames(List.of("text", "label"))
                .withLabels(LABELS).withLimit(limit));
    }
}
