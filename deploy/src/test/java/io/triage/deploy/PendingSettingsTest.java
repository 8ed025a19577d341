package io.triage.deploy;

import io.triage.settings.Setting;
import io.triage.stream.config.StreamAppConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingSettingsTest {
    @Test
    void pendingStreamAppKeysAreStillMissingFromStreamAppConfig() {
        for (Setting pending : PendingSettings.STREAM_APP) {
            assertTrue(StreamAppConfig.SETTINGS.find(pending.key()).isEmpty(), "StreamAppConfig declares "
                    + pending.key() + " now: delete PendingSettings.STREAM_APP, the manifests are checked against it");
        }
    }
}
