package io.triage.service.trust;

import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.schemas.UpdateStage;
import io.triage.service.ModelUpdateRejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

class UpdateSignatureTest {
    private static final KeyPair KEYS = SigningKeys.generate();
    private static final UpdateSigner SIGNER = new UpdateSigner(KEYS.getPrivate());
    private static final UpdateVerifier VERIFIER = new UpdateVerifier(List.of(KEYS.getPublic()), false);

    private static ModelUpdate update() {
        return ModelUpdate.newBuilder().setModelName("triage").setVersion("v7").setArtifactUri("file:///store/triage/v7/")
                .setSha256("ab".repeat(32)).setLabels(List.of("neg", "pos")).setMetrics(Map.of("accuracy", 0.9))
                .setParentVersion("v6").setTrainingMode(TrainingMode.FULL).setCreatedAt(Instant.ofEpochMilli(1_000)).build();
    }

    private static ModelUpdateRejected.Reason rejection(ModelUpdate u, UpdateVerifier verifier) {
        return assertThrows(ModelUpdateRejected.class, () -> verifier.check(u)).reason();
    }

    @Test
    void aSignedUpdateVerifiesAndNamesItsKey() throws Exception {
        ModelUpdate signed = SIGNER.sign(update());
        VERIFIER.check(signed);
        assertEquals(SigningKeys.keyId(KEYS.getPublic()), signed.getKeyId());
        assertEquals(16, signed.getKeyId().length());
        assertNotNull(signed.getSignedAt());
    }

    @Test
    void changingAnySignedFieldBreaksTheSignature() {
        List<Consumer<ModelUpdate>> tampering = List.of(
                u -> u.setModelName("other"), u -> u.setVersion("v8"), u -> u.setArtifactUri("http://evil/"),
                u -> u.setSha256("cd".repeat(32)), u -> u.setLabels(List.of("pos", "neg")),
                u -> u.setMetrics(Map.of("accuracy", 0.99)), u -> u.setParentVersion(null),
                u -> u.setTrainingMode(TrainingMode.HEAD), u -> u.setCreatedAt(Instant.ofEpochMilli(2_000)),
                u -> u.setSignedAt(u.getSignedAt().plusSeconds(60)), u -> u.setLabels(List.of("ne", "gpos")));
        for (Consumer<ModelUpdate> change : tampering) {
            ModelUpdate signed = SIGNER.sign(update());
            change.accept(signed);
            assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(signed, VERIFIER), signed.toString());
        }
    }

    @Test
    void theStageIsSignedAndAServingUpdateCoversTheBytesItDidBeforeTheStageExisted() throws Exception {
        ModelUpdate candidate = update();
        candidate.setStage(UpdateStage.CANDIDATE);
        ModelUpdate signed = SIGNER.sign(candidate);
        VERIFIER.check(signed);
        signed.setStage(UpdateStage.SERVE);
        assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(signed, VERIFIER), "a candidate turned serving");

        ModelUpdate serving = SIGNER.sign(update());
        byte[] before = SignedFields.of(serving);
        serving.setStage(null); // as unset: the bytes a signer before the stage existed covered
        assertArrayEquals(before, SignedFields.of(serving));
        serving.setStage(UpdateStage.CANDIDATE);
        assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(serving, VERIFIER), "a serving update turned candidate");
    }

    @Test
    void unsignedUnknownKeyAndGarbageSignaturesAreRefused() {
        assertEquals(ModelUpdateRejected.Reason.UNSIGNED, rejection(update(), VERIFIER));
        ModelUpdate byOther = new UpdateSigner(SigningKeys.generate().getPrivate()).sign(update());
        assertEquals(ModelUpdateRejected.Reason.UNTRUSTED_KEY, rejection(byOther, VERIFIER));
        ModelUpdate claimsOurKey = ModelUpdate.newBuilder(byOther).setKeyId(SIGNER.keyId()).build();
        assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(claimsOurKey, VERIFIER));
        ModelUpdate garbage = ModelUpdate.newBuilder(SIGNER.sign(update())).setSignature(ByteBuffer.wrap(new byte[3])).build();
        assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(garbage, VERIFIER));
    }

    @Test
    void theInsecureModeAcceptsUnsignedButStillChecksSignatures() throws Exception {
        UpdateVerifier insecure = new UpdateVerifier(List.of(KEYS.getPublic()), true);
        insecure.check(update());
        ModelUpdate tampered = SIGNER.sign(update());
        tampered.setVersion("v99");
        assertEquals(ModelUpdateRejected.Reason.BAD_SIGNATURE, rejection(tampered, insecure));
    }

    @Test
    void signingTimesAlwaysMoveForward() {
        Instant previous = Instant.EPOCH;
        for (int i = 0; i < 50; i++) {
            Instant t = SIGNER.sign(update()).getSignedAt();
            assertTrue(t.isAfter(previous), t + " after " + previous);
            previous = t;
        }
    }

    @Test
    void keysRoundTripThroughPemFilesAndInlineTextAndThePublicKeyIsDerived(@TempDir Path dir) throws Exception {
        KeyPair pair = SigningKeys.generate();
        Path priv = dir.resolve("k.key"), pub = dir.resolve("k.pub");
        SigningKeys.write(pair, priv, pub);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----"));

        assertEquals(pair.getPublic(), SigningKeys.publicKey(pub.toString()));
        assertEquals(pair.getPublic(), SigningKeys.publicKey(SigningKeys.inline(pair.getPublic())));
        assertEquals(pair.getPrivate(), SigningKeys.privateKey(priv.toString()));
        assertEquals(pair.getPrivate(), SigningKeys.privateKey(SigningKeys.inline(pair.getPrivate())));
        assertEquals(pair.getPublic(), SigningKeys.publicKeyOf(pair.getPrivate()));

        UpdateSigner fromFile = new UpdateSigner(SigningKeys.privateKey(priv.toString()));
        new UpdateVerifier(List.of(SigningKeys.publicKey(pub.toString())), false).check(fromFile.sign(update()));
    }

    @Test
    void unreadableKeysFailWithoutEchoingThem(@TempDir Path dir) {
        String secretish = "not-a-key-but-maybe-a-secret";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SigningKeys.privateKey(secretish));
        assertFalse(e.getMessage().contains(secretish), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.publicKey(dir.resolve("missing.pub").toString()));
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.publicKey(SigningKeys.inline(KEYS.getPrivate())),
                "a private key is not a public one");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> UpdateTrust.verifier(List.of(), java.util.Optional.empty(), false, "keys", "unsigned"));
        assertTrue(none.getMessage().contains("keys") && none.getMessage().contains("unsigned=true"), none.getMessage());
    }
}
