package io.triage.trainer.rollback;

import java.util.Locale;
import java.util.Optional;

/**
 * When the serving version is rolled back to its predecessor: both have at least {@code minLabels} live labels and
 * the serving version's live accuracy is below the predecessor's by more than {@code tolerance}.
 */
public record RollbackRule(double tolerance, long minLabels) {
    public RollbackRule {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("rollback tolerance must be in [0, 1): " + tolerance);
        }
        if (minLabels < 1) {
            throw new IllegalArgumentException("rollback needs at least one live label: " + minLabels);
        }
    }

    /** @return why to roll back, or empty to keep the serving version */
    public Optional<String> decide(String serving, LiveAccuracy.Score servingScore, String predecessor,
                                   LiveAccuracy.Score predecessorScore) {
        if (predecessor == null || servingScore.labels() < minLabels || predecessorScore.labels() < minLabels) {
            return Optional.empty();
        }
        double drop = predecessorScore.accuracy() - servingScore.accuracy();
        if (drop <= tolerance) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s live accuracy %.4f on %d labels is %.4f below %s's %.4f on "
                        + "%d labels (tolerance %.4f)", serving, servingScore.accuracy(), servingScore.labels(), drop,
                predecessor, predecessorScore.accuracy(), predecessorScore.labels(), tolerance));
    }
}
