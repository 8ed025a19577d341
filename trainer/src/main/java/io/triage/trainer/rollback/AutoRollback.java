package io.triage.trainer.rollback;

import io.triage.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Checks the {@link RollbackRule} for the serving version (the newest accepted update) against its predecessor (its
 * {@code parent_version}) and, when it says so, has the predecessor's update published again. Called from the
 * trainer's run thread, which also owns the update log, so a rollback never interleaves with a training run.
 */
public final class AutoRollback {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRollback.class);

    /** Sends a previously accepted update again through the normal, signed path; returns what was sent. */
    @FunctionalInterface
    public interface Republisher {
        ModelUpdate publishAgain(ModelUpdate previous) throws Exception;
    }

    /** A rollback that was published: from the serving version to its predecessor, and why. */
    public record Rollback(String from, String to, String reason, ModelUpdate published) {}

    private final LiveAccuracy live;
    private final RollbackRule rule;
    private final Republisher republisher;
    private String unknownPredecessorLogged;

    public AutoRollback(LiveAccuracy live, RollbackRule rule, Republisher republisher) {
        this.live = live;
        this.rule = rule;
        this.republisher = republisher;
    }

    /**
     * @param acceptedNewestFirst the accepted updates of the model, newest (the serving one) first
     * @return the rollback published, or empty when the serving version stays
     */
    public Optional<Rollback> check(List<ModelUpdate> acceptedNewestFirst) throws Exception {
        if (acceptedNewestFirst.isEmpty()) {
            return Optional.empty();
        }
        ModelUpdate serving = acceptedNewestFirst.get(0);
        String from = serving.getVersion();
        String to = serving.getParentVersion();
        Optional<String> reason = rule.decide(from, live.score(from), to, to == null ? LiveAccuracy.Score.NONE
                : live.score(to));
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        Optional<ModelUpdate> previous = acceptedNewestFirst.stream().filter(u -> u.getVersion().equals(to))
                .findFirst();
        if (previous.isEmpty()) {
            if (!from.equals(unknownPredecessorLogged)) { // once per serving version, not every check
                LOG.error("rollback due ({}) but {}'s update is no longer in the update log's history; not rolled "
                        + "back", reason.get(), to);
                unknownPredecessorLogged = from;
            }
            return Optional.empty();
        }
        LOG.warn("rolling back {} to {}: {}", from, to, reason.get());
        ModelUpdate published = republisher.publishAgain(previous.get());
        return Optional.of(new Rollback(from, to, reason.get(), published));
    }
}
