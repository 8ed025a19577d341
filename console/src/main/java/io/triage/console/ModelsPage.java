package io.triage.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.schemas.ModelUpdate;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the Models page shows and does: every version on the update topic (newest first, the newest being what the
 * stream apps serve once swapped) with its metrics and report, the trainer's readiness, and "retrain now" through
 * the trainer's own endpoint, so a new version is published exactly like any other; likewise "roll back to this
 * version"; and which version each stream-app instance serves, as its own metrics say.
 */
final class ModelsPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelVersions versions;
    private final TrainerClient trainer;
    private final StreamAppInstances instances;

    ModelsPage(ModelVersions versions, TrainerClient trainer, StreamAppInstances instances) {
        this.versions = versions;
        this.trainer = trainer;
        this.instances = instances;
    }

    ObjectNode state() {
        ObjectNode out = JSON.createObjectNode();
        List<ModelUpdate> all = versions.newestFirst();
        out.put("serving", all.isEmpty() ? null : all.get(0).getVersion());
        out.put("following", versions.isFollowing());
        ArrayNode list = out.putArray("versions");
        Set<String> listed = new HashSet<>();
        for (ModelUpdate u : all) {
            if (!listed.add(u.getVersion())) {
                continue; // announced again (a rollback): listed once, at its newest announcement
            }
            ObjectNode v = list.addObject().put("version", u.getVersion()).put("model", u.getModelName())
                    .put("createdAt", u.getCreatedAt().toString()).put("parentVersion", u.getParentVersion())
                    .put("trainingMode", u.getTrainingMode().name()).put("labels", String.join(", ", u.getLabels()));
            ObjectNode metrics = v.putObject("metrics");
            new TreeMap<>(u.getMetrics()).forEach((name, value) -> metrics.put(name, value));
        }
        out.put("instancesConfigured", instances.configured());
        ArrayNode fleet = out.putArray("instances");
        for (StreamAppInstances.Instance i : instances.instances()) {
            fleet.addObject().put("name", i.name()).put("url", i.url()).put("version", i.version())
                    .put("problem", i.problem());
        }
        ObjectNode t = out.putObject("trainer").put("canRetrain", trainer.canRetrain());
        trainer.ready().ifPresentOrElse(ready -> t.put("ready", ready), () -> t.putNull("ready"));
        return out;
    }

    ObjectNode retrain() throws IOException, InterruptedException {
        return JSON.createObjectNode().put("message", "the trainer answered: " + trainer.retrain());
    }

    /**
     * "Roll back to this version", through the trainer so the update is published and signed like any other. Only a
     * version this console lists is passed on; the trainer's answer is shown whatever it is.
     */
    ObjectNode rollback(String version) throws IOException, InterruptedException {
        if (versions.find(version).isEmpty()) {
            throw new IllegalArgumentException("no such version: " + version);
        }
        TrainerClient.TrainerAnswer answer = trainer.rollback(version);
        return JSON.createObjectNode().put("accepted", answer.accepted())
                .put("message", "the trainer answered: " + answer);
    }

    Optional<byte[]> report(String version) throws IOException, InterruptedException {
        Optional<ModelUpdate> update = versions.find(version);
        return update.isEmpty() ? Optional.empty() : trainer.report(update.get());
    }
}
