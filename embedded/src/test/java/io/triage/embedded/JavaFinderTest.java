package io.triage.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JavaFinderTest {

    @Test
    void parsesReleaseVersions() {
        assertEquals(25, JavaFinder.parseFeatureVersion("\"25.0.3\""));
        assertEquals(21, JavaFinder.parseFeatureVersion("\"21\""));
        assertEquals(17, JavaFinder.parseFeatureVersion("17.0.15"));
        assertEquals(8, JavaFinder.parseFeatureVersion("\"1.8.0_412\""));
        assertEquals(-1, JavaFinder.parseFeatureVersion("\"\""));
    }

    @Test
    void picksTheNewestJdkOfAtLeast21(@TempDir Path jvms) throws Exception {
        fakeJdk(jvms.resolve("java-17"), "17.0.15");
        fakeJdk(jvms.resolve("temurin-21"), "21.0.7");
        fakeJdk(jvms.resolve("temurin-25"), "25.0.3");
        assertEquals(Optional.of(jvms.resolve("temurin-25/bin/java")), JavaFinder.newestUnder(jvms));
    }

    @Test
    void findsNothingWithoutJava21(@TempDir Path jvms) throws Exception {
        fakeJdk(jvms.resolve("java-17"), "17.0.15");
        assertEquals(Optional.empty(), JavaFinder.newestUnder(jvms));
    }

    private static void fakeJdk(Path home, String version) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.createFile(home.resolve("bin/java"),
                PosixFilePermissions.asFileAttribute(Set.copyOf(PosixFilePermissions.fromString("rwxr-xr-x"))));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
}
