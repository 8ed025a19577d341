package io.triage.cli.demo;

import io.triage.cli.demo.SpamAssassinFixture.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SpamAssassinReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryListedMailWithItsGroupsLabelAndItsReadableText() throws IOException {
        SpamAssassinFixture.write(dir, List.of(
                new Mail("easy-ham-1", "00001", SpamAssassinFixture.plainMail("Lunch?", "Are we still on for lunch?")),
                new Mail("hard-ham-1", "00007", "Subject: Newsletter\nContent-Type: text/html\n\n<h1>Weekly</h1><p>news</p>"),
                new Mail("spam-2", "00003", SpamAssassinFixture.plainMail("=?utf-8?Q?Free_=E2=82=AC?=", "money"))));

        List<LabeledMail> mails = SpamAssassinReader.read(dir, 1000);

        assertEquals(List.of(
                new LabeledMail("easy-ham-1/00001", "ham", "Lunch?\nAre we still on for lunch?"),
                new LabeledMail("hard-ham-1/00007", "ham", "Newsletter\nWeekly news"),
                new LabeledMail("spam-2/00003", "spam", "Free €\nmoney")), mails);
    }

    @Test
    void aFolderThatIsNotThePackageSaysWhatItExpected() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SpamAssassinReader.read(dir, 1000));
        assertTrue(e.getMessage().contains("data/file_list.json"), e.getMessage());
    }

    @Test
    void aMissingMailFileIsNamed() throws IOException {
        SpamAssassinFixture.write(dir, List.of(new Mail("spam-1", "00001", "Subject: x\n\ny")));
        Path json;
        try (var files = Files.list(dir.resolve("data/spam-1"))) {
            json = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.delete(json);
        IOException e = assertThrows(IOException.class, () -> SpamAssassinReader.read(dir, 1000));
        assertTrue(e.getMessage().contains(json.toString()), e.getMessage());
    }
}
