package io.triage.service.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for signing model updates, in the formats {@code openssl genpkey -algorithm ed25519} uses: PKCS#8
 * ("PRIVATE KEY") and X.509 ("PUBLIC KEY") PEM files. A setting names a key either as such a file or inline, as the
 * base64 text between the PEM lines (for an environment variable filled from a Kubernetes Secret).
 */
public final class SigningKeys {
    public static final String ALGORITHM = "Ed25519";
    private static final int MAX_KEY_TEXT = 16 * 1024;
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    private SigningKeys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519 (Java 15+ has it)", e);
        }
    }

    /** Hex of the first 8 bytes of the SHA-256 of the key's X.509 encoding: names the key in an update. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The public half of an Ed25519 private key. The JDK has no call for it, but its key pair generator turns 32
     * random bytes into the private seed: handing it the key's own seed as "randomness" yields the matching public
     * key. Checked: the pair's private key must encode exactly as the given one.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            if (!Arrays.equals(pair.getPrivate().getEncoded(), pkcs8)) {
                throw new IllegalStateException("this JVM's Ed25519 provider cannot derive a public key from a private one");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519 (Java 15+ has it)", e);
        }
    }

    /** A "random" source that returns one fixed seed: only for {@link #publicKeyOf}. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** The base64 of a key's encoding: what an inline setting holds. */
    public static String inline(java.security.Key key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Writes the private key readable by its owner only, the public key readable by all; neither may exist yet. */
    public static void write(KeyPair pair, Path privateFile, Path publicFile) throws IOException {
        Files.writeString(publicFile, publicPem(pair.getPublic()), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        try {
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(privateFile);
        }
        Files.writeString(privateFile, privatePem(pair.getPrivate()), StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    }

    /** @param spec a PEM file's path, or the base64 of an X.509 Ed25519 public key */
    public static PublicKey publicKey(String spec) {
        byte[] der = der(spec, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(describe(spec) + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** @param spec a PEM file's path, or the base64 of a PKCS#8 Ed25519 private key */
    public static PrivateKey privateKey(String spec) {
        byte[] der = der(spec, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(describe(spec) + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    private static byte[] der(String spec, String pemType) {
        String text = spec.trim();
        if (text.length() < 4096 && !text.isEmpty() && Files.isRegularFile(Path.of(text), LinkOption.NOFOLLOW_LINKS)) {
            text = readKeyFile(Path.of(text));
        } else if (!BASE64.matcher(text).matches()) {
            throw new IllegalArgumentException(describe(spec) + " is neither a readable key file nor base64");
        }
        String body = text.replace("-----BEGIN " + pemType + "-----", "").replace("-----END " + pemType + "-----", "")
                .replaceAll("\\s", "");
        if (body.contains("-----")) {
            throw new IllegalArgumentException(describe(spec) + " holds a PEM block other than '" + pemType + "'");
        }
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(spec) + " is neither a readable key file nor base64: "
                    + e.getMessage(), e);
        }
    }

    private static String readKeyFile(Path file) {
        try {
            if (Files.size(file) > MAX_KEY_TEXT) {
                throw new IllegalArgumentException("key file " + file + " is larger than " + MAX_KEY_TEXT + " bytes");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Never the key itself in an error message: a private key must not end up in a log. */
    private static String describe(String spec) {
        String t = spec.trim();
        return t.startsWith("/") || t.startsWith(".") ? "key file " + t : "the inline key (" + t.length() + " characters)";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
