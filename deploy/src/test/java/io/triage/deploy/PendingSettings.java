package io.triage.deploy;

import io.triage.settings.DocumentedSettings;
import io.triage.settings.PassThrough;
import io.triage.settings.Setting;
import io.triage.stream.config.StreamAppConfig;

import java.util.List;

/** Settings the deployment files use before the apps' config classes declare them: the one place to update. */
final class PendingSettings {
    private PendingSettings() {}

    // TODO(lead): bind to TrainerConfig: replace TRAINER by TrainerConfig.SETTINGS and TRAINER_MAIN_CLASS by the
    //  trainer's main class (TriageTrainer.class.getName()), then add TrainerConfig.SETTINGS to
    //  ConfigurationReference.DOCUMENTED and regenerate docs/configuration.md.
    static final String TRAINER_MAIN_CLASS = "io.triage.trainer.TriageTrainer";
    static final DocumentedSettings TRAINER = new DocumentedSettings("Trainer", StreamAppConfig.ENV_PREFIX, List.of(
            new Setting(Apps.BOOTSTRAP_SERVERS, "localhost:9092", "Kafka bootstrap servers."),
            new Setting(Apps.REGISTRY_URL, "http://localhost:8081/apis/registry/v2", "Apicurio Registry's v2 API."),
            new Setting("topic.feedback", "triage.labeled-feedback", "Topic of labeled feedback."),
            new Setting(Apps.TOPIC_MODEL_UPDATES, "triage.model-updates", "Topic of new model versions."),
            new Setting("topic.dead.letter", "triage.dead-letter", "Topic of bad feedback records."),
            new Setting(Apps.MODEL_NAME, "triage", "Name of the trained model."),
            new Setting("model.store", "/var/lib/triage/models", "Folder of the trained versions."),
            new Setting("model.base", "minilm", "The model fine-tuning starts from."),
            new Setting("train.mode", "head", "`head` or `full`."),
            new Setting("retrain.min.examples", "500", "New labeled examples that start a training run."),
            new Setting(Apps.HTTP_PORT, "8090", "Port of /metrics, /health and /ready.")),
            List.of(new PassThrough(StreamAppConfig.KAFKA_PREFIX, "Given to Kafka's clients without the prefix.")));
}
