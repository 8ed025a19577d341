package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelType;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.nn.SequenceClassifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A versioned model folder — {@code config.json}, {@code tokenizer.json}, {@code model.safetensors},
 * {@code metrics.json} — written atomically and identified by a SHA-256 over its contents. It is the folder
 * transformers' {@code save_pretrained} writes for the model's {@code *ForSequenceClassification} (tensor names,
 * head, {@code architectures}, {@code id2label}, {@code problem_type}), so {@code from_pretrained} loads it with no
 * missing or unexpected keys, and {@link ModelLoader#loadFolder} reads it back bit-exactly. (A mean-pooled model,
 * such as the bundled MiniLM's default, loads there too, but transformers pools the first token:
 * {@code triage.pooling} says so, and {@code triage summary} warns.)
 */
public final class ModelArtifact {
    static final String METRICS = "metrics.json";
    /** The trainer's evaluation report, saved as an extra file of the artifact. */
    public static final String REPORT = "report.html";
    /**
     * Files an artifact may have beside config, tokenizer and weights; an http download fetches each, so one
     * missing here is left out of the download and its hash no longer matches the announced one.
     */
    static final List<String> OPTIONAL_FILES = List.of(METRICS, REPORT, ReferenceProfile.FILE);

    private ModelArtifact() {}

    /**
     * Writes {@code model} to {@code target}, which must not exist yet. Files go to a temporary sibling,
     * are fsynced, and the folder is renamed into place: a crash leaves no half-written artifact.
     *
     * @param metrics evaluation results to store beside the weights, or {@code null}
     * @return the artifact's SHA-256 (see {@link #sha256})
     */
    public static String save(ClassifierModel model, Path target, JsonNode metrics) throws IOException {
        return save(model, target, metrics, Map.of());
    }

    /**
     * As {@link #save(ClassifierModel, Path, JsonNode)}, plus {@code extraFiles} (name → content, e.g. an evaluation
     * report) written, synced and hashed with the rest, so that the announced hash covers them.
     */
    public static String save(ClassifierModel model, Path target, JsonNode metrics, Map<String, byte[]> extraFiles)
            throws IOException {
        Path dir = target.toAbsolutePath();
        if (Files.exists(dir)) {
            throw new IOException("artifact folder " + dir + " already exists; artifacts are immutable");
        }
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".tmp-");
        try {
            writeSynced(tmp.resolve(ModelLoader.CONFIG), out -> ConfigJson.JSON.writeValue(out, ConfigJson.write(model.config(), model.headTrained())));
            writeSynced(tmp.resolve(ModelLoader.TOKENIZER), out -> out.write(model.tokenizer().tokenizerJson()));
            writeSynced(tmp.resolve(ModelLoader.WEIGHTS), out -> SafetensorsWeights.write(weights(model), out));
            if (metrics != null) {
                writeSynced(tmp.resolve(METRICS), out -> ConfigJson.JSON.writeValue(out, metrics));
            }
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                Path file = tmp.resolve(extra.getKey()).normalize();
                if (!file.getParent().equals(tmp)) {
                    throw new IllegalArgumentException("extra artifact file '" + extra.getKey() + "' must be a plain name");
                }
                writeSynced(file, out -> out.write(extra.getValue()));
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " atomically to " + dir, e);
            }
            fsync(dir.getParent());
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
        return sha256(dir);
    }

    /**
     * SHA-256 over every regular file of the folder, in path order, each as its relative path, a NUL byte,
     * its size and its bytes: renaming, adding or changing any file changes it.
     */
    public static String sha256(Path dir) throws IOException {
        MessageDigest digest = newSha256();
        List<Path> files = regularFiles(dir);
        byte[] buffer = new byte[1 << 16];
        for (Path f : files) {
            digest.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(Files.size(f)).getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The folder's regular files in path order. A symbolic link anywhere in it is refused (an artifact is plain files:
     * a link could make it read, or serve, what lies outside it), and so is an entry that cannot be read: both are
     * an IOException, never an unchecked one.
     */
    private static List<Path> regularFiles(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("artifact folder " + dir + " is a symbolic link");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.toList();
            for (Path p : all) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("artifact folder " + dir + " holds a symbolic link: " + dir.relativize(p));
                }
            }
            return all.stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(p -> dir.relativize(p).toString())).toList();
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            String why = cause instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                    : cause.getClass().getSimpleName();
            throw new IOException("cannot read artifact folder " + dir + ": " + why, cause);
        }
    }

    /**
     * The weights by the names transformers' {@code *ForSequenceClassification} gives them: the encoder's under its
     * prefix ({@code bert.}), the head's as its {@link HeadType} names them ({@code bert.pooler.dense},
     * {@code classifier}), so that {@code from_pretrained} finds every tensor it expects and no other.
     */
    static Map<String, NDArray> weights(ClassifierModel model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        ModelType type = model.config().encoder().modelType();
        HeadType head = model.config().head();
        model.namedParameters().forEach((name, p) -> out.put(name.startsWith(SequenceClassifier.HEAD_PREFIX)
                ? head.checkpointName(name, type) : type.checkpointPrefix() + type.checkpointName(name), p.getArray()));
        return out;
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void writeSynced(Path file, Writer writer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(channel)) {
            writer.write(out);
            out.flush();
            channel.force(true);
        }
    }

    private static void fsync(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the files themselves are already synced
        }
    }

    /** Deletes a folder and everything in it; nothing happens if it does not exist. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
