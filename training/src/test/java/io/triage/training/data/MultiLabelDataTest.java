package io.triage.training.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Multi-label files: one 0/1 column per label (SemEval-2018 E-c), or a label column listing the labels. */
class MultiLabelDataTest {
    static final Path SEMEVAL = Path.of(System.getProperty("triage.shared.dir", "../shared"), "datasets",
            "semeval2018-ec", "train.tsv");

    @TempDir
    Path tmp;

    @Test
    void oneColumnPerLabelGivesTheColumnsAsLabelsInFileOrder() throws Exception {
        Path file = Files.writeString(tmp.resolve("ec.tsv"), """
                ID\tTweet\tjoy\tanger\tfear
                1\thappy days\t1\t0\t0
                2\tso angry and scared\t0\t1\t1
                3\tnothing to see\t0\t0\t0
                """);
        Dataset data = new DatasetReader(ReadSettings.DEFAULTS.withColumns("Tweet", null, "label")
                .withLabelColumns(List.of(ReadSettings.ALL_OTHER_COLUMNS))).read(file);
        assertTrue(data.multiLabel());
        assertEquals(List.of("joy", "anger", "fear"), data.labels());
        assertEquals(List.of(1, 2), data.examples().get(1).labelSet());
        assertEquals(List.of(), data.examples().get(2).labelSet());
        assertArrayEquals(new float[] {0, 1, 1}, data.labelSets()[1]);
        assertEquals(1, data.classCounts().get("fear"));

        Dataset named = new DatasetReader(ReadSettings.DEFAULTS.withColumns("Tweet", null, "label")
                .withLabelColumns(List.of("fear", "joy"))).read(file);
        assertEquals(List.of("fear", "joy"), named.labels());
        assertEquals(List.of(0), named.examples().get(1).labelSet());

        Path bad = Files.writeString(tmp.resolve("bad.tsv"), "ID\tTweet\tjoy\tanger\n1\tok\t1\tyes\n");
        DatasetException e = assertThrows(DatasetException.class, () -> new DatasetReader(ReadSettings.DEFAULTS
                .withColumns("Tweet", null, "label").withLabelColumns(List.of("*"))).read(bad));
        assertTrue(e.getMessage().contains(":2:") && e.getMessage().contains("'anger' is 'yes'"), e.getMessage());
    }

    @Test
    void aLabelListColumnOrAJsonArrayGivesTheSortedDistinctLabels() throws Exception {
        Path csv = Files.writeString(tmp.resolve("tags.csv"), """
                text,label
                "late and pricey",delivery|price
                fine,
                broke,quality
                """);
        Dataset data = new DatasetReader(ReadSettings.DEFAULTS.withLabelSeparator("|")).read(csv);
        assertEquals(List.of("delivery", "price", "quality"), data.labels());
        assertEquals(List.of(0, 1), data.examples().get(0).labelSet());
        assertEquals(List.of(), data.examples().get(1).labelSet());

        Path jsonl = Files.writeString(tmp.resolve("tags.jsonl"), """
                {"text": "late", "label": ["delivery"]}
                {"text": "late and broken", "label": ["quality", "delivery"]}
                """);
        Dataset validation = new DatasetReader(ReadSettings.DEFAULTS.withLabelSeparator("|")).read(jsonl, data.labels());
        assertEquals(List.of(0, 2), validation.examples().get(1).labelSet());

        Path unknown = Files.writeString(tmp.resolve("unknown.jsonl"), "{\"text\": \"x\", \"label\": [\"colour\"]}\n");
        DatasetException e = assertThrows(DatasetException.class, () -> new DatasetReader(ReadSettings.DEFAULTS
                .withLabelSeparator("|")).read(unknown, data.labels()));
        assertTrue(e.getMessage().contains(":1:") && e.getMessage().contains("colour"), e.getMessage());
        Path twice = Files.writeString(tmp.resolve("twice.csv"), "text,label\nx,price|price\n");
        assertThrows(DatasetException.class, () -> new DatasetReader(ReadSettings.DEFAULTS.withLabelSeparator("|")).read(twice));
    }

    @Test
    void theSemEvalFileReadsAsElevenEmotionsAndSplitsKeepingBothSides() throws Exception {
        assumeTrue(Files.isRegularFile(SEMEVAL), "SemEval-2018 E-c not in ../shared/datasets");
        Dataset data = new DatasetReader(ReadSettings.DEFAULTS.withColumns("Tweet", null, "label")
                .withLabelColumns(List.of(ReadSettings.ALL_OTHER_COLUMNS))).read(SEMEVAL);
        assertEquals(6858, data.size()); // the file's data lines (its README says 6838)
        assertEquals(List.of("anger", "anticipation", "disgust", "fear", "joy", "love", "optimism", "pessimism",
                "sadness", "surprise", "trust"), data.labels());
        StratifiedSplit.Split split = StratifiedSplit.holdout(data, 0.2, 42);
        assertEquals(data.size(), split.train().size() + split.validation().size());
        assertTrue(split.validation().multiLabel());
    }
}
