package io.triage.trainer.service;

import io.triage.model.io.ModelArtifact;
import io.triage.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a trainer that stopped mid-publish left in its model store, looked at once at start, before any run:
 * <ul>
 *   <li>an unfinished artifact's temporary folder ({@code .v<N>.tmp-*}, a crash while saving) is deleted: nothing
 *   was renamed into place, so nothing can have been announced for it;</li>
 *   <li>a version folder newer than the latest announced version (a crash after saving, before the update was
 *   acknowledged) is kept and logged, never announced now: its number stays burnt ({@link ModelPublisher#nextVersion}
 *   skips it), training continues from the announced version, and the pruner deletes it once it falls beyond
 *   {@code model.store.keep}. It is kept rather than deleted because an unacknowledged update may still have
 *   reached the topic, and then the folder is what it points at;</li>
 *   <li>an announced version whose folder is missing from the store is reported: this trainer never deletes it,
 *   so someone else did, and runs cannot continue from it until it is restored or a version is published by hand.</li>
 * </ul>
 * Only one trainer writes a store (its Deployment runs one replica, {@code Recreate}), so no other writer's
 * temporary folder is deleted; were one, that writer's rename fails and it announces nothing.
 */
public final class ModelStoreRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreRecovery.class);
    private static final Pattern VERSION = Pattern.compile("v(\\d{1,18})");
    private static final Pattern UNFINISHED = Pattern.compile("\\.v\\d{1,18}\\.tmp-.*");

    /** What {@link #recover} found. */
    public record Report(List<String> deletedUnfinished, List<String> unannounced, Optional<String> missingAnnounced) {
    }

    private final Path modelDir;

    /** @param modelDir the model's folder in the store, {@code <store>/<model.name>} */
    public ModelStoreRecovery(Path modelDir) {
        this.modelDir = modelDir;
    }

    /**
     * @param latest the latest announced update, read up to the end of the update topic
     * @param storeUrl the store's URL as announced to stream apps, or empty for {@code file:} URIs
     */
    public Report recover(Optional<ModelUpdate> latest, String storeUrl) {
        if (!Files.isDirectory(modelDir)) {
            return new Report(List.of(), List.of(), missing(latest, storeUrl));
        }
        List<String> deleted = new ArrayList<>();
        List<String> unannounced = new ArrayList<>();
        long announced = latest.map(u -> number(u.getVersion())).orElse(-1L);
        try (Stream<Path> entries = Files.list(modelDir)) {
            for (Path entry : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (UNFINISHED.matcher(name).matches()) {
                    try {
                        ModelArtifact.deleteRecursively(entry);
                        deleted.add(name);
                    } catch (IOException e) {
                        LOG.warn("cannot delete the unfinished artifact {}: {}", entry, e.toString());
                    }
                } else if (number(name) > announced) {
                    unannounced.add(name);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the model store {} to check it: {}", modelDir, e.toString());
        }
        if (!deleted.isEmpty()) {
            LOG.info("model store: deleted {}, unfinished artifacts of a run that stopped while saving", deleted);
        }
        if (!unannounced.isEmpty()) {
            LOG.warn("model store: {} saved but never announced (a run stopped before its update was acknowledged; "
                    + "latest announced: {}): not served, their numbers are not reused, and they are deleted once "
                    + "beyond model.store.keep", unannounced, latest.map(ModelUpdate::getVersion).orElse("none"));
        }
        Optional<String> missing = missing(latest, storeUrl);
        missing.ifPresent(v -> LOG.error("model store: the announced version {} is not in {}: runs cannot continue "
                + "from it until it is restored or another version is published", v, modelDir));
        return new Report(deleted, unannounced, missing);
    }

    /** The latest announced version, when its URI points into this store and its folder is not there. */
    private Optional<String> missing(Optional<ModelUpdate> latest, String storeUrl) {
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        String version = latest.get().getVersion();
        Path folder = modelDir.resolve(version);
        String uri = latest.get().getArtifactUri();
        boolean inThisStore = VERSION.matcher(version).matches() && (withoutSlash(uri).equals(
                withoutSlash(folder.toAbsolutePath().toUri().toString())) || (!storeUrl.isEmpty() && uri.startsWith(storeUrl)));
        return inThisStore && !Files.isDirectory(folder) ? Optional.of(version) : Optional.empty();
    }

    /** A folder's URI ends with a slash only while the folder exists. */
    private static String withoutSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private static long number(String name) {
        Matcher m = VERSION.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
