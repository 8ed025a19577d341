package io.triage.stream.review;

import io.triage.schemas.ReviewReason;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which results a person should look at: those the model is unsure of (top score under
 * {@code threshold}, or top two scores closer than {@code margin}) and a random {@code sample} of all, so that
 * confident mistakes are found too.
 *
 * <p>The sample is a hash of the event id, not a random number: a replay after a crash (under exactly-once the
 * uncommitted results are computed again) picks the same events, and so does every instance.
 */
public final class ReviewSelector {
    private final float threshold;
    private final float margin;
    private final double sample;

    /**
     * @param threshold a top score under it is unsure; 0 turns this reason off
     * @param margin    a top-2 difference under it is unsure; 0 turns this reason off
     * @param sample    the fraction of all events picked at random, in [0, 1]
     */
    public ReviewSelector(float threshold, float margin, double sample) {
        if (!(threshold >= 0 && threshold <= 1) || !(margin >= 0 && margin <= 1) || !(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("review.threshold, review.margin and review.sample must be in [0, 1], got "
                    + threshold + ", " + margin + ", " + sample);
        }
        this.threshold = threshold;
        this.margin = margin;
        this.sample = sample;
    }

    /** @return why the event should be reviewed; empty: it should not */
    public List<ReviewReason> reasons(String eventId, float topScore, Map<String, Float> scores) {
        List<ReviewReason> reasons = new ArrayList<>(3);
        if (topScore < threshold) {
            reasons.add(ReviewReason.LOW_SCORE);
        }
        if (margin(topScore, scores) < margin) {
            reasons.add(ReviewReason.SMALL_MARGIN);
        }
        if (sampled(eventId)) {
            reasons.add(ReviewReason.SAMPLE);
        }
        return reasons;
    }

    /** Top score minus the runner-up's; the top score itself when there is no runner-up. */
    public static float margin(float topScore, Map<String, Float> scores) {
        float second = 0;
        boolean topSeen = false;
        for (float s : scores.values()) {
            if (!topSeen && s == topScore) {
                topSeen = true; // the top one itself, once; a tie shows as a second equal score
            } else {
                second = Math.max(second, s);
            }
        }
        return Math.max(0, topScore - second);
    }

    /** Deterministic per id: murmur2 of its UTF-8 bytes, as a fraction of the positive ints. */
    boolean sampled(String eventId) {
        if (sample <= 0) {
            return false;
        }
        int hash = Utils.toPositive(Utils.murmur2(eventId.getBytes(StandardCharsets.UTF_8)));
        return hash / (double) Integer.MAX_VALUE < sample;
    }
}
