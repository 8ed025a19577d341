package io.triage.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's durable copy of the feedback: a JSON-lines file with one line per new or corrected example,
 * replayed into memory on start. The feedback topic may be compacted or expire; this file is the training data.
 * The id is the identity: a later example with the same id and another text or label replaces the earlier one (a
 * correction), the same one again is ignored (a re-delivery).
 *
 * <p>{@link #sync()} forces the file to disk; the feedback consumer calls it before committing its offsets, so an
 * example is on disk before Kafka forgets it was delivered. A crash can cut the last line short: opening the store
 * drops that torn line (its record is delivered again, as its offset was not committed).
 *
 * <p>Bounded: beyond {@link Limits#maxExamples()} examples or {@link Limits#maxBytes()} bytes of them, the oldest
 * (least recently added or corrected) are evicted, so the model keeps learning from fresh feedback; new examples
 * and corrections are always taken. Lines of replaced and evicted examples stay in the file until it is compacted:
 * when stale lines outnumber (or outweigh) the live ones, at open and at {@link #sync()}, the file is rewritten
 * with one line per example into a temporary file, fsynced and renamed over it. A crash at any point leaves the
 * old file or the new one, each holding every synced example. A compacted file starts with a header line that
 * carries {@link #changes()} on, so the count never goes back.
 */
public final class FeedbackStore implements AutoCloseable {
    public enum Outcome { NEW, CORRECTED, DUPLICATE }

    /** How much the store keeps; beyond either cap, the oldest examples are evicted. */
    public record Limits(int maxExamples, long maxBytes) {
        public static final Limits UNBOUNDED = new Limits(Integer.MAX_VALUE, Long.MAX_VALUE);

        public Limits {
            if (maxExamples < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("feedback caps must be >= 1, got " + maxExamples + " examples, "
                        + maxBytes + " bytes");
            }
        }
    }

    static final String FILE = "feedback.jsonl";
    private static final String TEMP_FILE = FILE + ".tmp";
    /** Compaction waits for this many stale lines or bytes at least, so a small store is not rewritten often. */
    static final int MIN_STALE_LINES = 1_000;
    static final long MIN_STALE_BYTES = 1 << 20;
    private static final String HEADER_FIELD = "changesBefore";
    private static final String HEADER_PREFIX = "{\"" + HEADER_FIELD + "\":";
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An example and the bytes of its line. */
    private record Stored(FeedbackExample example, int bytes) {}

    private final Path path;
    private final Limits limits;
    private final Map<String, Stored> byId = new LinkedHashMap<>();
    private FileChannel file;
    /** New and corrected examples since the store began. */
    private long changes;
    /** Example lines in the file, and the file's size (header included). */
    private long fileLines;
    private long fileBytes;
    private long headerBytes;
    /** The lines of the examples in {@link #byId}. */
    private long liveBytes;
    private long evicted;
    /** At a cap and evicting: warned once, until the store is well under its caps again. */
    private boolean full;

    private FeedbackStore(Path path, FileChannel file, Limits limits) {
        this.path = path;
        this.file = file;
        this.limits = limits;
    }

    public static FeedbackStore open(Path dir, Limits limits) throws IOException {
        Files.createDirectories(dir);
        Path path = dir.resolve(FILE);
        Files.deleteIfExists(dir.resolve(TEMP_FILE)); // a compaction cut short: the file itself is whole
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FeedbackStore store = new FeedbackStore(path, channel, limits);
        try {
            store.replay();
            store.compactIfNeeded();
        } catch (IOException | RuntimeException e) {
            store.file.close();
            throw e;
        }
        return store;
    }

    /** Reads the file line by line (it may be large); a last line without its newline is torn and dropped. */
    private void replay() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long lineStart = 0;
        int lineNumber = 0;
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, from, i - from);
                        replayLine(line.toByteArray(), ++lineNumber);
                        lineStart += line.size() + 1;
                        line.reset();
                        from = i + 1;
                    }
                }
                line.write(buffer, from, n - from);
            }
        }
        if (line.size() > 0) { // torn last line from a crash mid-write: its record was never committed
            file.truncate(lineStart);
        }
        fileBytes = lineStart;
        file.position(fileBytes);
    }

    private void replayLine(byte[] bytes, int lineNumber) throws IOException {
        String line = new String(bytes, StandardCharsets.UTF_8);
        try {
            if (lineNumber == 1 && line.startsWith(HEADER_PREFIX)) {
                changes = JSON.readTree(line).path(HEADER_FIELD).asLong();
                headerBytes = bytes.length + 1;
                return;
            }
            FeedbackExample e = JSON.readValue(line, FeedbackExample.class);
            if (e.id() == null || e.text() == null || e.label() == null) {
                throw new IOException(path + ":" + lineNumber + ": feedback line without id, text or label");
            }
            keep(e, bytes.length + 1);
            fileLines++;
            changes++;
            evictBeyondLimits(); // as when it was added: the same examples survive
        } catch (JsonProcessingException ex) {
            throw new IOException(path + ":" + lineNumber + ": unreadable feedback line: " + ex.getOriginalMessage(), ex);
        }
    }

    /** Keeps {@code example} unless the store has it already; written now, durable after {@link #sync()}. */
    public synchronized Outcome add(FeedbackExample example) throws IOException {
        Stored known = byId.get(example.id());
        if (known != null && known.example().sameLabeledText(example)) {
            return Outcome.DUPLICATE;
        }
        byte[] line = line(example);
        try {
            write(file, line);
        } catch (IOException e) {
            try {
                file.truncate(fileBytes); // no half line before the next one (e.g. the disk was full)
            } catch (IOException t) {
                e.addSuppressed(t);
            }
            throw e;
        }
        fileLines++;
        fileBytes += line.length;
        keep(example, line.length);
        changes++;
        noteEvictions(evictBeyondLimits());
        return known == null ? Outcome.NEW : Outcome.CORRECTED;
    }

    /** The example becomes the newest (a correction moves to the end, like a new example). */
    private void keep(FeedbackExample example, int bytes) {
        Stored replaced = byId.remove(example.id());
        if (replaced != null) {
            liveBytes -= replaced.bytes();
        }
        byId.put(example.id(), new Stored(example, bytes));
        liveBytes += bytes;
    }

    /** Evicts the oldest examples while over a cap; the newest always stays. */
    private int evictBeyondLimits() {
        int count = 0;
        Iterator<Stored> oldestFirst = byId.values().iterator();
        while (byId.size() > 1 && (byId.size() > limits.maxExamples() || liveBytes > limits.maxBytes())) {
            liveBytes -= oldestFirst.next().bytes();
            oldestFirst.remove();
            count++;
        }
        return count;
    }

    private void noteEvictions(int count) {
        if (count > 0) {
            evicted += count;
            if (!full) {
                full = true;
                LOG.warn("feedback snapshot full ({} examples, {} bytes; caps feedback.max.examples={}, "
                        + "feedback.max.bytes={}): the oldest examples are evicted as new ones arrive", byId.size(),
                        liveBytes, limits.maxExamples(), limits.maxBytes());
            }
        } else if (full && byId.size() <= limits.maxExamples() * 0.9 && liveBytes <= limits.maxBytes() * 0.9) {
            full = false;
            LOG.info("feedback snapshot under its caps again ({} examples, {} bytes)", byId.size(), liveBytes);
        }
    }

    /** Forces everything added so far to disk, compacting the file first if it is mostly stale lines. */
    public synchronized void sync() throws IOException {
        if (!compactIfNeeded()) {
            file.force(false);
        }
    }

    /** @return whether the file was compacted (and so is on disk) */
    private boolean compactIfNeeded() throws IOException {
        if (!needsCompaction()) {
            return false;
        }
        try {
            compact();
            return true;
        } catch (IOException e) { // e.g. no room for the copy: the file as it is stays valid
            LOG.warn("cannot compact the feedback snapshot {}; it stays as it is: {}", path, e.toString());
            Files.deleteIfExists(path.resolveSibling(TEMP_FILE));
            return false;
        }
    }

    private boolean needsCompaction() {
        long staleLines = fileLines - byId.size();
        long staleBytes = fileBytes - headerBytes - liveBytes;
        return (staleLines > byId.size() && staleLines >= MIN_STALE_LINES)
                || (staleBytes > liveBytes && staleBytes >= MIN_STALE_BYTES);
    }

    /** Rewrites the file with one line per example: temporary file, fsync, rename, fsync of the folder. */
    private void compact() throws IOException {
        long linesBefore = fileLines;
        long bytesBefore = fileBytes;
        Path tmp = path.resolveSibling(TEMP_FILE);
        byte[] header = (JSON.writeValueAsString(Map.of(HEADER_FIELD, changes - byId.size())) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        long written = header.length;
        long live = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            write(out, header);
            for (Map.Entry<String, Stored> e : byId.entrySet()) {
                byte[] line = line(e.getValue().example());
                write(out, line);
                e.setValue(new Stored(e.getValue().example(), line.length));
                live += line.length;
            }
            out.force(true);
        }
        written += live;
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncFolder(path.getParent());
        FileChannel old = file;
        try {
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            file.position(written);
        } finally {
            old.close(); // its file is gone: never written to again (a failed reopen leaves the store closed)
        }
        fileLines = byId.size();
        fileBytes = written;
        headerBytes = header.length;
        liveBytes = live;
        LOG.info("feedback snapshot compacted: {} lines, {} bytes -> {} lines, {} bytes", linesBefore, bytesBefore,
                fileLines, fileBytes);
    }

    private static byte[] line(FeedbackExample example) throws JsonProcessingException {
        return (JSON.writeValueAsString(example) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void write(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void fsyncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a folder; the file itself is synced
        }
    }

    /** The current examples, oldest first. */
    public synchronized List<FeedbackExample> examples() {
        return byId.values().stream().map(Stored::example).toList();
    }

    public synchronized int size() {
        return byId.size();
    }

    /** Bytes of the current examples' lines. */
    public synchronized long bytes() {
        return liveBytes;
    }

    /** New and corrected examples since the store began; grows by one with each of them, also across compactions. */
    public synchronized long changes() {
        return changes;
    }

    /** Examples evicted at a cap since the store was opened. */
    public synchronized long evicted() {
        return evicted;
    }

    /** Whether the store is at a cap, evicting old examples for new ones. */
    public synchronized boolean isFull() {
        return full;
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
