package io.triage.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's durable copy of the feedback: an append-only JSON-lines file with one line per new or corrected
 * example, replayed into memory on start. The feedback topic may be compacted or expire; this file is the training
 * data. The id is the identity: a later example with the same id and another text or label replaces the earlier
 * one (a correction), the same one again is ignored (a re-delivery).
 *
 * <p>{@link #sync()} forces the file to disk; the feedback consumer calls it before committing its offsets, so an
 * example is on disk before Kafka forgets it was delivered. A crash can cut the last line short: opening the store
 * drops that torn line (its record is delivered again, as its offset was not committed).
 */
public final class FeedbackStore implements AutoCloseable {
    public enum Outcome { NEW, CORRECTED, DUPLICATE }

    static final String FILE = "feedback.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel file;
    private final Map<String, FeedbackExample> byId = new LinkedHashMap<>();
    /** Lines in the file: new and corrected examples since the store began. */
    private long changes;

    private FeedbackStore(FileChannel file) {
        this.file = file;
    }

    public static FeedbackStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path path = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FeedbackStore store = new FeedbackStore(channel);
        try {
            store.replay(path);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return store;
    }

    private void replay(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        int start = 0;
        int lineNumber = 0;
        while (start < bytes.length) {
            int end = indexOf(bytes, (byte) '\n', start);
            lineNumber++;
            if (end < 0) { // torn last line from a crash mid-write: its record was never committed
                file.truncate(start);
                break;
            }
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            try {
                FeedbackExample e = JSON.readValue(line, FeedbackExample.class);
                byId.remove(e.id()); // a correction moves to the end, like a new example
                byId.put(e.id(), e);
                changes++;
            } catch (JsonProcessingException ex) {
                throw new IOException(path + ":" + lineNumber + ": unreadable feedback line: " + ex.getOriginalMessage(), ex);
            }
            start = end + 1;
        }
        file.position(file.size());
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Keeps {@code example} unless the store has it already; written now, durable after {@link #sync()}. */
    public synchronized Outcome add(FeedbackExample example) throws IOException {
        FeedbackExample known = byId.get(example.id());
        if (known != null && known.sameLabeledText(example)) {
            return Outcome.DUPLICATE;
        }
        byte[] line = (JSON.writeValueAsString(example) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            file.write(buffer);
        }
        byId.remove(example.id());
        byId.put(example.id(), example);
        changes++;
        return known == null ? Outcome.NEW : Outcome.CORRECTED;
    }

    /** Forces everything added so far to disk. */
    public synchronized void sync() throws IOException {
        file.force(false);
    }

    /** The current examples, oldest first. */
    public synchronized List<FeedbackExample> examples() {
        return new ArrayList<>(byId.values());
    }

    public synchronized int size() {
        return byId.size();
    }

    /** New and corrected examples since the store began; grows by one with each of them. */
    public synchronized long changes() {
        return changes;
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
