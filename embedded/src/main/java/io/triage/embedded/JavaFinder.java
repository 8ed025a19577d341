package io.triage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a Java 21+ launcher for the registry: the project itself targets Java 17, but Apicurio Registry 3 needs 21.
 *
 * <p>Order: the system property {@value #JAVA_PROPERTY}, the environment variable {@value #JAVA_ENV} (each either a
 * JDK/JRE home or its {@code bin/java}), this JVM if it is 21+, {@code JAVA_HOME} if it is 21+, and finally the newest
 * 21+ installation under {@code /usr/lib/jvm}, judged by the {@code JAVA_VERSION} line of its {@code release} file.
 */
final class JavaFinder {

    static final String JAVA_PROPERTY = "triage.registry.java";
    static final String JAVA_ENV = "TRIAGE_REGISTRY_JAVA";
    static final int MIN_VERSION = 21;
    private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    private JavaFinder() {}

    /** The {@code java} executable to run the registry with; throws with a hint when there is none. */
    static Path findJava21() {
        String configured = System.getProperty(JAVA_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(JAVA_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            // An explicit choice is used as is: the user knows best, and the registry's log says if it is too old.
            Path path = Path.of(configured);
            Path java = Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
            if (!Files.isExecutable(java)) {
                throw new IllegalStateException("Not an executable java: " + java + " (from " + JAVA_PROPERTY
                        + " / " + JAVA_ENV + ")");
            }
            return java;
        }
        if (Runtime.version().feature() >= MIN_VERSION) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank() && featureVersion(Path.of(javaHome)) >= MIN_VERSION) {
            return Path.of(javaHome, "bin", "java");
        }
        return newestUnder(JVM_DIR).orElseThrow(() -> new IllegalStateException(
                "Apicurio Registry needs Java " + MIN_VERSION + " or newer, and none was found (this JVM is "
                        + Runtime.version().feature() + ", JAVA_HOME and " + JVM_DIR + " have none). Set -D"
                        + JAVA_PROPERTY + "=<jdk home> or " + JAVA_ENV + "."));
    }

    /** The newest Java 21+ home directly under {@code dir} that has an executable {@code bin/java}. */
    static Optional<Path> newestUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> homes = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(home -> Files.isExecutable(home.resolve("bin").resolve("java"))).forEach(homes::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dir, e);
        }
        return homes.stream()
                .filter(home -> featureVersion(home) >= MIN_VERSION)
                .max(Comparator.comparingInt(JavaFinder::featureVersion).thenComparing(Path::toString))
                .map(home -> home.resolve("bin").resolve("java"));
    }

    /** The feature version (17, 21, 25...) from {@code <home>/release}, or -1 when that cannot be read. */
    static int featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return parseFeatureVersion(line.substring("JAVA_VERSION=".length()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return -1;
    }

    /** {@code "25.0.3"} gives 25, {@code "21"} gives 21, the old {@code "1.8.0_412"} gives 8. */
    static int parseFeatureVersion(String value) {
        String v = value.trim().replace("\"", "");
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
    }
}
