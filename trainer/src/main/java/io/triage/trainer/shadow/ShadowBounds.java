package io.triage.trainer.shadow;

import java.util.Locale;
import java.util.Optional;

/**
 * The bounds a candidate must stay within in its shadow trial to be promoted (docs/guard-rails.md): no failures,
 * enough agreement with the serving model, no label that the serving model gives more than {@code minLabelShare} of
 * the time collapsing to 0, and no label's share moving by more than {@code maxShareChange}.
 */
public record ShadowBounds(double minAgreement, double minLabelShare, double maxShareChange) {
    public ShadowBounds {
        for (double v : new double[] {minAgreement, minLabelShare, maxShareChange}) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("shadow bounds are shares in [0, 1]: " + v);
            }
        }
    }

    /** Why the candidate fails, as {@code REASON: details}; empty when it passes. */
    public Optional<String> rejection(ShadowFigures f) {
        if (f.events() == 0) {
            return Optional.of("NO_EVENTS: the trial compared no events");
        }
        if (f.failures() > 0) {
            return Optional.of("FAILURES: the candidate failed on " + f.failures() + " of " + f.events() + " events");
        }
        for (int i = 0; i < f.labels().size(); i++) {
            double serving = ShadowFigures.share(f.servingLabels(), i);
            double candidate = ShadowFigures.share(f.candidateLabels(), i);
            if (serving > minLabelShare && candidate == 0) {
                return Optional.of(String.format(Locale.ROOT, "LABEL_COLLAPSED: the candidate never answers %s, "
                        + "which the serving model answers for %.4f of the events", f.labels().get(i), serving));
            }
            if (Math.abs(candidate - serving) > maxShareChange) {
                return Optional.of(String.format(Locale.ROOT, "LABEL_SHARE_MOVED: %s's share %.4f vs the serving "
                        + "model's %.4f, more than %.4f apart", f.labels().get(i), candidate, serving, maxShareChange));
            }
        }
        if (f.agreement() < minAgreement) {
            return Optional.of(String.format(Locale.ROOT, "LOW_AGREEMENT: %.4f of %d events agree with the serving "
                    + "model, below %.4f", f.agreement(), f.events(), minAgreement));
        }
        return Optional.empty();
    }
}
