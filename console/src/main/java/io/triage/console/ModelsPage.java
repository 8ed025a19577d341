package io.triage.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.schemas.ModelUpdate;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the Models page shows and does: every version on the update topic (newest first, the newest being what the
 * stream apps serve once swapped) with its metrics and report, the trainer's readiness, and "retrain now" through
 * the trainer's own endpoint, so a new version is published exactly like any other; and which version each stream-app
 * instance serves, as its own metrics say.
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
        for (ModelUpdate u : all) {
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

    Optional<byte[]> report(String version) throws IOException, InterruptedException {
        Optional<ModelUpdate> update = versions.find(version);
        return update.isEmpty() ? Optional.empty() : trainer.report(update.get());
    }
}
