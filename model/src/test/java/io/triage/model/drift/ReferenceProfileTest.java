package io.triage.model.drift;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** reference.json: written from counts, read back, and refused with a clear error when it is not a valid reference. */
class ReferenceProfileTest {
    @Test
    void roundTripsThroughTheArtifactFolder(@TempDir Path folder) throws IOException {
        DriftCounts counts = new DriftCounts(2);
        counts.add(0, DriftBins.confidence(0.9), DriftBins.length(12), 1);
        counts.add(1, DriftBins.confidence(0.6), DriftBins.length(40), 1);
        counts.add(1, DriftBins.confidence(0.55), DriftBins.length(3), 1);
        counts.add(1, DriftBins.confidence(0.7), DriftBins.length(12), 1);
        ReferenceProfile profile = ReferenceProfile.of(List.of("neg", "pos"), counts);
        assertArrayEquals(new double[] {0.25, 0.75}, profile.labelShares(), 1e-12);
        assertEquals(0.5, profile.lengthShares()[1], 1e-12);
        Files.write(folder.resolve(ReferenceProfile.FILE), profile.toJson());

        ReferenceProfile read = ReferenceProfile.read(folder).orElseThrow();
        assertEquals(List.of("neg", "pos"), read.labels());
        assertEquals(4, read.examples());
        assertArrayEquals(profile.labelShares(), read.labelShares(), 0);
        assertArrayEquals(profile.confidenceShares(), read.confidenceShares(), 0);
        assertArrayEquals(profile.lengthShares(), read.lengthShares(), 0);
    }

    @Test
    void anArtifactWithoutOneHasNoReference(@TempDir Path folder) throws IOException {
        assertTrue(ReferenceProfile.read(folder).isEmpty());
    }

    @Test
    void invalidFilesAreRefusedWithTheReason(@TempDir Path folder) throws IOException {
        String shares = "\"confidence_shares\":[1,0,0,0,0,0,0,0,0,0],\"length_shares\":[1,0,0,0,0,0,0]";
        assertRefused(folder, "not json", "not valid JSON");
        assertRefused(folder, "[]", "format-1");
        assertRefused(folder, "{\"format\":1,\"examples\":3,\"labels\":[\"a\",\"b\"],\"label_shares\":[0.5,0.6],"
                + shares + "}", "add up to");
        assertRefused(folder, "{\"format\":1,\"examples\":3,\"labels\":[\"a\",\"b\"],\"label_shares\":[0.5],"
                + shares + "}", "expected 2 shares");
        assertRefused(folder, "{\"format\":1,\"examples\":3,\"labels\":[\"a\"],\"label_shares\":[\"x\"],"
                + shares + "}", "numbers");
        assertRefused(folder, "{\"format\":1,\"examples\":0,\"labels\":[\"a\"],\"label_shares\":[1]," + shares + "}",
                "no examples");
        assertRefused(folder, " ".repeat((1 << 20) + 1), "larger than");
    }

    private static void assertRefused(Path folder, String content, String reason) throws IOException {
        Files.writeString(folder.resolve(ReferenceProfile.FILE), content);
        IOException e = assertThrows(IOException.class, () -> ReferenceProfile.read(folder));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
