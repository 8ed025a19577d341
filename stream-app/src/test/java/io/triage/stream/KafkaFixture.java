package io.triage.stream;

import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import io.triage.stream.config.StreamAppSettings;

import java.util.Map;

/** Settings for a stream app under test against the embedded broker and registry. */
final class KafkaFixture {
    /** Signs updates as the trainer would; the apps under test trust its key. */
    static final UpdateSigner TRAINER = new UpdateSigner(SigningKeys.generate().getPrivate());

    private KafkaFixture() {}

    static Map<String, String> appSettings(String bootstrap, String registryUrl, String appId) {
        return Map.of(
                StreamAppSettings.BOOTSTRAP_SERVERS, bootstrap,
                StreamAppSettings.REGISTRY_URL, registryUrl,
                StreamAppSettings.APPLICATION_ID, appId,
                StreamAppSettings.UPDATE_TRUSTED_KEYS, SigningKeys.inline(TRAINER.publicKey()));
    }
}
