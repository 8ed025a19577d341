package io.triage.cli;

import io.triage.service.trust.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/** {@code triage keys generate}: the Ed25519 pair the trainer signs model updates with. */
@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Generate.class,
        description = "Keys that sign model updates (see docs/security.md).")
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a new Ed25519 key pair: <name>.key (private, PKCS#8 PEM, owner-only) for the "
                    + "trainer's model.update.signing.key, and <name>.pub (public, X.509 PEM) for every app's "
                    + "model.update.trusted.keys.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Folder to write to (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--name", defaultValue = "triage-updates", description = "File name stem (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--env-file", paramLabel = "FILE", description = "Also write both keys, inline, as "
                + "UPDATE_SIGNING_KEY and UPDATE_TRUSTED_KEYS to this file (owner-only): the .env docker compose reads.")
        Path envFile;

        @Override
        public Integer call() throws Exception {
            Path privateFile = out.resolve(name + ".key"), publicFile = out.resolve(name + ".pub");
            if (envFile != null && Files.exists(envFile) && Files.readString(envFile).contains("UPDATE_SIGNING_KEY=")) {
                System.err.println(envFile + " already holds UPDATE_SIGNING_KEY; remove it first to replace the keys");
                return 1;
            }
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                System.err.println("refusing to overwrite " + privateFile + " or " + publicFile);
                return 1;
            }
            Files.createDirectories(out);
            KeyPair pair = SigningKeys.generate();
            SigningKeys.write(pair, privateFile, publicFile);
            System.out.println("key id     " + SigningKeys.keyId(pair.getPublic()));
            System.out.println("private    " + privateFile + "  (trainer: model.update.signing.key; keep it secret)");
            System.out.println("public     " + publicFile + "  (stream apps and trainer: model.update.trusted.keys)");
            System.out.println("inline     TRIAGE_MODEL_UPDATE_TRUSTED_KEYS=" + SigningKeys.inline(pair.getPublic()));
            if (envFile != null) {
                writeEnv(pair);
                System.out.println("env file   " + envFile + "  (UPDATE_SIGNING_KEY, UPDATE_TRUSTED_KEYS)");
            }
            return 0;
        }

        private void writeEnv(KeyPair pair) throws java.io.IOException {
            String lines = "UPDATE_SIGNING_KEY=" + SigningKeys.inline(pair.getPrivate()) + "\n"
                    + "UPDATE_TRUSTED_KEYS=" + SigningKeys.inline(pair.getPublic()) + "\n";
            if (!Files.exists(envFile)) {
                Files.createFile(envFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(envFile, lines, java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
