package io.triage.deploy;

import io.triage.console.ConsoleSettings;
import io.triage.console.TriageConsole;
import io.triage.settings.DocumentedSettings;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.service.TrainerSettings;
import io.triage.trainer.service.TriageTrainer;

import java.util.Map;

/**
 * What the deployment files are checked against, per app: its settings catalogue and main class, and the names of
 * its Maven module, Dockerfile, compose service and Kubernetes workload (Deployment or StatefulSet) and ConfigMap,
 * and whether it runs models (PyTorch natives) and keeps a model store volume (the review console runs models for its
 * explanations, but only reads the store: over http, or a read-only mount in compose).
 */
enum Apps {
    STREAM_APP(StreamAppSettings.SETTINGS, TriageStreamApp.class.getName(), "stream-app", "triage-stream-app", true,
            true),
    TRAINER(TrainerSettings.SETTINGS, TriageTrainer.class.getName(), "trainer", "triage-trainer", true, true),
    CONSOLE(ConsoleSettings.SETTINGS, TriageConsole.class.getName(), "console", "triage-console", true, false);

    /** Keys both apps read under these names. */
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers", REGISTRY_URL = "registry.url",
            HTTP_PORT = "http.port", TOPIC_MODEL_UPDATES = "topic.model.updates", MODEL_NAME = "model.name";

    final DocumentedSettings settings;
    final String mainClass;
    /** The Maven module the image packages; also the compose service's name. */
    final String module;
    /** The Kubernetes workload's name; also its ConfigMap's and Service's. */
    final String k8sName;
    /** Loads models: PyTorch natives in the image, DJL offline. */
    final boolean runsModels;
    /** The model store is a volume of its image and is mounted writable in Kubernetes. */
    final boolean storeVolume;

    Apps(DocumentedSettings settings, String mainClass, String module, String k8sName, boolean runsModels,
         boolean storeVolume) {
        this.settings = settings;
        this.mainClass = mainClass;
        this.module = module;
        this.k8sName = k8sName;
        this.runsModels = runsModels;
        this.storeVolume = storeVolume;
    }

    String dockerfile() {
        return "deploy/" + module + ".Dockerfile";
    }

    /** The value {@code key} gets from {@code env} ({@code TRIAGE_*} variables), else its default. */
    String effective(Map<String, String> env, String key) {
        String fromEnv = env.get(settings.envVar(key));
        if (fromEnv != null) {
            return fromEnv;
        }
        return settings.find(key).orElseThrow(() -> new AssertionError(name() + " has no setting " + key))
                .defaultValue();
    }

    int httpPort(Map<String, String> env) {
        return Integer.parseInt(effective(env, HTTP_PORT));
    }
}
