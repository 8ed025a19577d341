package io.triage.stream;

import java.util.Map;

/** Settings for a stream app under test against the embedded broker and registry. */
final class KafkaFixture {
    private KafkaFixture() {}

    static Map<String, String> appSettings(String bootstrap, String registryUrl, String appId) {
        return Map.of(
                io.triage.stream.config.StreamAppConfig.BOOTSTRAP_SERVERS, bootstrap,
                io.triage.stream.config.StreamAppConfig.REGISTRY_URL, registryUrl,
                io.triage.stream.config.StreamAppConfig.APPLICATION_ID, appId);
    }
}
