package io.triage.training.data;

import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static List<String> texts(Dataset d) {
        return d.examples().stream().map(e -> e.input().text()).toList();
    }

    private static List<String> goldNames(Dataset d) {
        return d.examples().stream().map(e -> d.labels().get(e.label())).toList();
    }

    @Test
    void plainTextWithSemicolonsAndNoHeader() throws IOException {
        Path f = file("train.txt", "i feel great;joy\ni didnt feel humiliated;sadness\n\nwhat a day;joy\n");
        Dataset d = new DatasetReader(ReadSettings.DEFAULTS).read(f);
        assertEquals(List.of("joy", "sadness"), d.labels(), "labels sorted");
        assertEquals(List.of("i feel great", "i didnt feel humiliated", "what a day"), texts(d));
        assertEquals(List.of("joy", "sadness", "joy"), goldNames(d));
        assertEquals(List.of(1, 2, 4), d.examples().stream().map(Example::line).toList(), "blank line skipped, lines kept");
        assertEquals(Map.of("joy", 2, "sadness", 1), d.classCounts());
    }

    @Test
    void quotesAreOrdinaryCharactersInTsvButQuoteFieldsInCsv() throws IOException {
        Path tsv = file("pairs.tsv", "sentence1\tsentence2\tlabel\n"
                + "He called him \"the witness\", twice.\t\"The witness\" was named.\t1\n"
                + "A \"quote that never closes\tsecond\t0\n");
        Dataset pairs = new DatasetReader(ReadSettings.DEFAULTS.withColumns("sentence1", "sentence2", "label")).read(tsv);
        assertEquals(TextInput.pair("He called him \"the witness\", twice.", "\"The witness\" was named."),
                pairs.examples().get(0).input());
        assertEquals("A \"quote that never closes", pairs.examples().get(1).input().text());
        assertEquals(List.of("0", "1"), pairs.labels());

        Path csv = file("train.csv", "text,label\n\"Hello, \"\"world\"\"\",greeting\n\"two\nlines\",other\nplain,greeting\n");
        Dataset d = new DatasetReader(ReadSettings.DEFAULTS).read(csv);
        assertEquals(List.of("Hello, \"world\"", "two\nlines", "plain"), texts(d));
        assertEquals(List.of(2, 3, 5), d.examples().stream().map(Example::line).toList(),
                "a row's line is where it starts, even after a quoted line break");
    }

    @Test
    void quotingCanBeSwitchedOnForTsvAndOffForCsv() throws IOException {
        Path tsv = file("q.tsv", "text\tlabel\n\"a\tb\"\tx\nc\ty\n");
        assertEquals(List.of("a\tb", "c"), texts(new DatasetReader(ReadSettings.DEFAULTS.withQuoting(true)).read(tsv)));
        Path csv = file("q.csv", "text,label\nsay \"hi\",x\nok,y\n");
        assertEquals(List.of("say \"hi\"", "ok"), texts(new DatasetReader(ReadSettings.DEFAULTS.withQuoting(false)).read(csv)));
    }

    @Test
    void explicitNamesSeparatorAndFormatOverrideTheDefaults() throws IOException {
        Path f = file("data.dat", "7|great stuff\n3|bad stuff\n");
        ReadSettings o = ReadSettings.DEFAULTS.withFormat(DataFormat.TEXT).withSeparator('|').withNames(List.of("stars", "text"))
                .withColumns("text", null, "stars");
        Dataset d = new DatasetReader(o).read(f);
        assertEquals(List.of("3", "7"), d.labels());
        assertEquals(List.of("great stuff", "bad stuff"), texts(d));
    }

    @Test
    void namesReplaceAHeaderLineWhenTheHeaderIsDeclared() throws IOException {
        Path f = file("h.csv", "col_a,col_b\nhello,pos\nbye,neg\n");
        ReadSettings o = ReadSettings.DEFAULTS.withNames(List.of("text", "label")).withHeader(true);
        assertEquals(List.of("hello", "bye"), texts(new DatasetReader(o).read(f)));
    }

    @Test
    void jsonLinesWithPairsAndNumericOrStringLabels() throws IOException {
        Path f = file("train.jsonl", "{\"q\": \"is it open?\", \"a\": \"yes, until 9\", \"y\": 1}\n\n"
                + "{\"q\": \"who?\", \"a\": \"the weather is nice\", \"y\": \"0\", \"extra\": [1]}\n");
        Dataset d = new DatasetReader(ReadSettings.DEFAULTS.withColumns("q", "a", "y")).read(f);
        assertEquals(List.of(TextInput.pair("is it open?", "yes, until 9"), TextInput.pair("who?", "the weather is nice")),
                d.inputs());
        assertEquals(List.of("1", "0"), goldNames(d));
        assertEquals(List.of(1, 3), d.examples().stream().map(Example::line).toList());
    }

    @Test
    void integerLabelsSortNumericallyWithoutExplicitLabels() throws IOException {
        Path f = file("n.txt", "a;10\nb;9\nc;2\n");
        assertEquals(List.of("2", "9", "10"), new DatasetReader(ReadSettings.DEFAULTS).read(f).labels());
    }

    @Test
    void explicitLabelsFixTheOrderAndMapIntegersByIndex() throws IOException {
        Path f = file("mrpc.tsv", "s1\ts2\tlabel\na\tb\t1\nc\td\t0\ne\tf\tequivalent\n");
        ReadSettings o = ReadSettings.DEFAULTS.withColumns("s1", "s2", "label").withLabels(List.of("not_equivalent", "equivalent"));
        Dataset d = new DatasetReader(o).read(f);
        assertEquals(List.of("not_equivalent", "equivalent"), d.labels());
        assertEquals(List.of("equivalent", "not_equivalent", "equivalent"), goldNames(d));
    }

    @Test
    void limitReadsOnlyTheFirstExamples() throws IOException {
        Path f = file("l.txt", "a;x\nb;y\nc;x\nd;y\n");
        assertEquals(List.of("a", "b", "c"), texts(new DatasetReader(ReadSettings.DEFAULTS.withLimit(3)).read(f)));
    }

    @Test
    void validationLabelsMustBeTrainingLabels() throws IOException {
        DatasetReader reader = new DatasetReader(ReadSettings.DEFAULTS);
        Dataset train = reader.read(file("train.txt", "a;joy\nb;anger\n"));
        Dataset validation = reader.read(file("val.txt", "c;anger\nd;joy\n"), train.labels());
        assertEquals(List.of("anger", "joy"), goldNames(validation));
        DatasetException e = assertThrows(DatasetException.class,
                () -> reader.read(file("val2.txt", "c;anger\nd;fear\n"), train.labels()));
        assertTrue(e.getMessage().startsWith(dir.resolve("val2.txt") + ":2: label 'fear' does not occur"), e.getMessage());
    }

    @Test
    void byteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
        Path f = file("bom.csv", "\uFEFFtext,label\nhi,a\nho,b\n");
        assertEquals(List.of("hi", "ho"), texts(new DatasetReader(ReadSettings.DEFAULTS).read(f)));
    }

    @Test
    void badRowsAreReportedWithFileAndLine() throws IOException {
        DatasetReader plain = new DatasetReader(ReadSettings.DEFAULTS);
        assertError(plain, file("unknown.txt", "a;x\nb;y\nc;z\n"), ":3: label 'z' is not one of the given labels [x, y]",
                ReadSettings.DEFAULTS.withLabels(List.of("x", "y")));
        assertError(plain, file("index.txt", "a;0\nb;5\n"), ":2: label '5' is not one of the given labels [x, y] (as an index it is outside 0..1)",
                ReadSettings.DEFAULTS.withLabels(List.of("x", "y")));
        assertError(plain, file("fields.txt", "a;x\nb;c;y\n"), ":2: expected 2 fields [text, label] separated by ';' but found 3", null);
        assertError(plain, file("empty.txt", "a;x\n  ;y\n"), ":2: empty text (column 'text')", null);
        assertError(plain, file("nolabel.txt", "a;x\nb; \n"), ":2: empty label (column 'label')", null);
        assertError(plain, file("json.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n"),
                ":2: no 'label' field (fields: [text])", null);
        assertError(plain, file("broken.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \n"), ":2: not valid JSON", null);
        assertError(plain, file("quote.csv", "text,label\nok,x\n\"never closed,y\n"), ":3: cannot parse the row starting here", null);
    }

    @Test
    void missingColumnsAndUnknownExtensionsAreExplained() throws IOException {
        DatasetReader reader = new DatasetReader(ReadSettings.DEFAULTS);
        DatasetException e = assertThrows(DatasetException.class,
                () -> reader.read(file("cols.tsv", "sentence\tlabel\na\tx\n")));
        assertEquals("column 'text' not found in the header of " + dir.resolve("cols.tsv") + ": columns are [sentence, label]",
                e.getMessage());
        IllegalArgumentException ext = assertThrows(IllegalArgumentException.class, () -> reader.read(file("data.xyz", "a;b\n")));
        assertTrue(ext.getMessage().contains("cannot tell the format"), ext.getMessage());
        DatasetException one = assertThrows(DatasetException.class, () -> reader.read(file("one.txt", "a;x\nb;x\n")));
        assertTrue(one.getMessage().contains("needs at least two"), one.getMessage());
    }

    private void assertError(DatasetReader reader, Path f, String expected, ReadSettings options) {
        DatasetReader r = options == null ? reader : new DatasetReader(options);
        DatasetException e = assertThrows(DatasetException.class, () -> r.read(f));
        assertTrue(e.getMessage().startsWith(f + expected), "got: " + e.getMessage());
    }
}
