package io.triage.trainer.service;

import io.triage.model.io.ModelArtifact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the model store from growing with every published version: after a publish, the version folders of the
 * model beyond the newest {@code keep} are deleted, except the one just published and the one announced before
 * it, which stream apps may still be fetching or serving. Only real directories named {@code v<N>} are touched:
 * anything else in the folder (a symlink, an unfinished artifact's temporary folder, an operator's copy) stays.
 * A folder that cannot be deleted is logged and tried again after the next publish; publishing never fails here.
 */
public final class ModelStorePruner {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStorePruner.class);
    private static final Pattern VERSION = Pattern.compile("v(\\d{1,18})");

    private final Path modelDir;
    private final int keep;

    /** @param modelDir the model's folder in the store, {@code <store>/<model.name>} */
    public ModelStorePruner(Path modelDir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("model.store.keep must be >= 1, got " + keep);
        }
        this.modelDir = modelDir;
        this.keep = keep;
    }

    /**
     * @param published       the version just published
     * @param previousLatest  the version announced before it, or null
     * @return the versions deleted
     */
    List<String> prune(String published, String previousLatest) {
        List<String> deleted = new ArrayList<>();
        try {
            List<Path> versions = versionFolders();
            Set<String> protectedNames = previousLatest == null ? Set.of(published) : Set.of(published, previousLatest);
            for (Path folder : versions.subList(Math.min(keep, versions.size()), versions.size())) {
                String name = folder.getFileName().toString();
                if (protectedNames.contains(name)) {
                    continue;
                }
                try {
                    ModelArtifact.deleteRecursively(folder);
                    deleted.add(name);
                } catch (IOException e) {
                    LOG.warn("cannot delete old model version {}: {}", folder, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the model store {} to prune it: {}", modelDir, e.toString());
        }
        if (!deleted.isEmpty()) {
            LOG.info("model store: deleted {} (model.store.keep={}, published {}, previous {})", deleted, keep,
                    published, previousLatest);
        }
        return deleted;
    }

    /** The model's version folders, newest (highest number) first. */
    private List<Path> versionFolders() throws IOException {
        if (!Files.isDirectory(modelDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(modelDir)) {
            return entries.filter(p -> number(p) >= 0 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparingLong(ModelStorePruner::number).reversed())
                    .toList();
        }
    }

    private static long number(Path folder) {
        Matcher m = VERSION.matcher(folder.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
