package io.triage.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code promtool} (Debian package {@code prometheus}; {@code .ci/run} installs it). Tests may skip when it
 * is missing on a workstation, never in CI: there the environment variable {@code CI} is set.
 */
final class Promtool {
    private Promtool() {}

    record Result(int exitCode, String output) {}

    /** @return the promtool on the PATH, or null when there is none */
    static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (candidate.toFile().canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether a missing promtool may skip the tests: only outside CI. */
    static boolean mayBeMissing() {
        String ci = System.getenv("CI");
        return ci == null || ci.isBlank();
    }

    /** Runs {@code promtool args...} in {@code dir} and returns its exit code and output (stdout and stderr). */
    static Result run(Path promtool, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
