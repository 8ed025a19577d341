package io.triage.service.trust;

import io.triage.schemas.ModelUpdate;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;

/** Signs model updates with the publisher's Ed25519 key: the only way an update becomes one that readers accept. */
public final class UpdateSigner {
    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String keyId;
    private Instant lastSignedAt;

    public UpdateSigner(PrivateKey key) {
        this.key = key;
        this.publicKey = SigningKeys.publicKeyOf(key);
        this.keyId = SigningKeys.keyId(publicKey);
    }

    /**
     * @return the update with {@code signed_at} (now, and always later than this signer's previous signature: readers
     *         refuse one signed no later than what they accepted), {@code key_id} and the signature over all its other
     *         fields set
     */
    public synchronized ModelUpdate sign(ModelUpdate update) {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant signedAt = lastSignedAt != null && !now.isAfter(lastSignedAt) ? lastSignedAt.plusMillis(1) : now;
        lastSignedAt = signedAt;
        ModelUpdate out = ModelUpdate.newBuilder(update).setSignedAt(signedAt).setKeyId(keyId).setSignature(null).build();
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initSign(key);
            s.update(SignedFields.of(out));
            out.setSignature(java.nio.ByteBuffer.wrap(s.sign()));
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an Ed25519 key", e);
        }
    }

    /** The key readers must trust to accept this signer's updates. */
    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }
}
