package io.triage.service.trust;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds an app's {@link UpdateVerifier} from its settings, refusing to start without a key unless told to. */
public final class UpdateTrust {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateTrust.class);

    private UpdateTrust() {}

    /**
     * @param keySpecs       the trusted public keys as the setting names them (PEM paths or base64)
     * @param own            a key the app trusts anyway (the trainer's own), if any
     * @param keysSetting    the setting's name, for the error message
     * @param unsignedSetting the insecure mode's setting name, for the messages
     * @throws IllegalArgumentException when no key is trusted and the insecure mode is off, or a key is unreadable
     */
    public static UpdateVerifier verifier(List<String> keySpecs, Optional<PublicKey> own, boolean allowUnsigned,
                                          String keysSetting, String unsignedSetting) {
        List<PublicKey> keys = new ArrayList<>();
        own.ifPresent(keys::add);
        for (String spec : keySpecs) {
            try {
                keys.add(SigningKeys.publicKey(spec));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting '" + keysSetting + "': " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty() && !allowUnsigned) {
            throw new IllegalArgumentException("no key to check model updates with: set '" + keysSetting + "' to the "
                    + "trainer's public key (`triage keys generate` makes a pair), or, for local experiments only, '"
                    + unsignedSetting + "=true'");
        }
        UpdateVerifier verifier = new UpdateVerifier(keys, allowUnsigned);
        if (allowUnsigned) {
            LOG.warn("INSECURE: {}=true: unsigned model updates are accepted, so anyone who can write the update topic "
                    + "decides what this app loads. Use it for local experiments only.", unsignedSetting);
        }
        LOG.info("model updates are accepted when signed by key(s) {}{}", verifier.trustedKeyIds(),
                allowUnsigned ? " or unsigned" : "");
        return verifier;
    }
}
