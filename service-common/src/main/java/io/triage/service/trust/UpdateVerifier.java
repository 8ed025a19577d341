package io.triage.service.trust;

import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateCheck;
import io.triage.service.ModelUpdateRejected;
import io.triage.service.ModelUpdateRejected.Reason;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Accepts only updates signed by a trusted key: the publisher's current key, plus older ones during a rotation.
 * With {@code allowUnsigned} (a deliberately insecure mode for local experiments) an update without a signature
 * passes too; a signature that is present is still checked.
 */
public final class UpdateVerifier implements ModelUpdateCheck {
    private final Map<String, PublicKey> trusted = new LinkedHashMap<>();
    private final boolean allowUnsigned;

    public UpdateVerifier(Collection<PublicKey> trustedKeys, boolean allowUnsigned) {
        trustedKeys.forEach(k -> trusted.put(SigningKeys.keyId(k), k));
        this.allowUnsigned = allowUnsigned;
    }

    /** Trusts nothing and accepts unsigned updates: for tools and tests that read their own topic. */
    public static UpdateVerifier insecure() {
        return new UpdateVerifier(Set.of(), true);
    }

    @Override
    public void check(ModelUpdate u) throws ModelUpdateRejected {
        ByteBuffer signature = u.getSignature();
        if (signature == null) {
            if (allowUnsigned) {
                return;
            }
            throw new ModelUpdateRejected(Reason.UNSIGNED, "version " + u.getVersion() + " carries no signature");
        }
        PublicKey key = u.getKeyId() == null ? null : trusted.get(u.getKeyId());
        if (key == null) {
            throw new ModelUpdateRejected(Reason.UNTRUSTED_KEY, "version " + u.getVersion() + " is signed by key '"
                    + printable(u.getKeyId()) + "', which is not among the trusted keys " + trusted.keySet());
        }
        if (!valid(key, u, signature)) {
            throw new ModelUpdateRejected(Reason.BAD_SIGNATURE, "the signature of version " + printable(u.getVersion())
                    + " by key " + u.getKeyId() + " does not match its fields (forged or tampered)");
        }
    }

    public Set<String> trustedKeyIds() {
        return Set.copyOf(trusted.keySet());
    }

    private static boolean valid(PublicKey key, ModelUpdate u, ByteBuffer signature) {
        byte[] sig = new byte[signature.remaining()];
        signature.duplicate().get(sig);
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initVerify(key);
            s.update(SignedFields.of(u));
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a malformed signature is a bad one
        }
    }

    /** At most 64 characters of a string from the topic, for a log line or dead letter. */
    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
