package io.triage.cli.bench;

import io.triage.model.text.TextInput;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The benchmarks' {@code --texts} option: a {@code text;label} file, the emotion validation texts by default. */
final class BenchTexts {
    /** The labels of the emotion texts, the default: the benchmarks' models classify into them. */
    static final List<String> EMOTIONS = List.of("sadness", "joy", "love", "anger", "fear", "surprise");

    @Option(names = "--texts", defaultValue = "../shared/datasets/emotion/validation.txt",
            description = "A 'text;label' file (default: ${DEFAULT-VALUE}).")
    Path file;

    /** Its first {@code limit} texts, labels dropped. */
    List<TextInput> read(int limit) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " not found: pass --texts FILE (lines of 'text;label')");
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank())
                    .map(l -> l.lastIndexOf(';') > 0 ? l.substring(0, l.lastIndexOf(';')) : l)
                    .limit(limit).map(TextInput::of).toList();
        }
    }
}
