package io.triage.console;

import io.triage.schemas.LabeledExample;
import io.triage.schemas.ReviewItem;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a reviewer can do: take the next event, label it, skip it, undo their last label. One lock around the queue
 * and the writes: an event is leased to one reviewer at a time, so two reviewers never get the same event at once.
 * Every change is written to the {@link ReviewLog} first and applied in memory only once it is committed: a
 * failed write changes nothing.
 *
 * <p>A lease lasts {@code leaseMs}; taking the next event while holding an unexpired lease returns the same event
 * (a reload shows it again). Leases are on the state topic, so after a restart each reviewer gets their event back
 * and nobody else gets it before the lease ends.
 */
final class ReviewDesk {
    /** Why an action was refused, in words for the reviewer. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final ReviewQueue queue;
    private final ReviewLog log;
    private final long leaseMs;
    private final LongSupplier clock;

    ReviewDesk(ReviewQueue queue, ReviewLog log, long leaseMs, LongSupplier clock) {
        this.queue = queue;
        this.log = log;
        this.leaseMs = leaseMs;
        this.clock = clock;
    }

    synchronized void offer(ReviewItem item) {
        queue.offer(item);
    }

    /** The reviewer's event, leased to them from now on; empty when nothing is waiting for them. */
    synchronized Optional<ReviewItem> next(String reviewer) {
        long now = clock.getAsLong();
        Optional<ReviewItem> item = queue.nextFor(reviewer, now);
        item.ifPresent(i -> leaseTo(i, reviewer, now));
        return item;
    }

    synchronized void label(String reviewer, String eventId, String label) throws Refused {
        ReviewItem item = held(reviewer, eventId);
        if (!item.getScores().containsKey(label)) {
            throw new Refused("'" + label + "' is not one of this model's labels");
        }
        long now = clock.getAsLong();
        LabeledExample example = LabeledExample.newBuilder()
                .setId(item.getEventId()) // the trainer keys on it: a later label of this event corrects this one
                .setText(item.getText()).setTextPair(item.getTextPair()).setLabel(label)
                .setSource("review").setReviewer(reviewer).setCreatedAt(Instant.ofEpochMilli(now))
                .build();
        log.write(eventId, ItemState.done(reviewer, label), example);
        queue.labeled(eventId, reviewer, label);
    }

    synchronized void skip(String reviewer, String eventId) throws Refused {
        held(reviewer, eventId);
        log.write(eventId, ItemState.WAITING, null);
        queue.release(eventId, reviewer);
    }

    /** Puts the reviewer's last labeled event back in front of them; their next label of it replaces the first. */
    synchronized ReviewItem undo(String reviewer) throws Refused {
        ReviewQueue.Labeled last = queue.lastLabelOf(reviewer)
                .orElseThrow(() -> new Refused("there is no label of yours to undo"));
        long now = clock.getAsLong();
        // a reviewer holds one event at a time: the one they were shown after that label goes back to the others
        Optional<ReviewItem> shown = queue.heldBy(reviewer, now);
        if (shown.isPresent()) {
            log.write(shown.get().getEventId(), ItemState.WAITING, null);
            queue.lease(shown.get().getEventId(), ItemState.WAITING);
        }
        ItemState lease = ItemState.leased(reviewer, now + leaseMs);
        log.write(last.item().getEventId(), lease, null);
        queue.reopen(reviewer, lease);
        return last.item();
    }

    synchronized ReviewQueue.Counts counts() {
        return queue.counts(clock.getAsLong());
    }

    private ReviewItem held(String reviewer, String eventId) throws Refused {
        return queue.actionable(eventId, reviewer, clock.getAsLong())
                .orElseThrow(() -> new Refused("this event is no longer yours: labeled, or leased to someone else"));
    }

    private void leaseTo(ReviewItem item, String reviewer, long now) {
        ItemState lease = ItemState.leased(reviewer, now + leaseMs);
        log.write(item.getEventId(), lease, null);
        queue.lease(item.getEventId(), lease);
    }
}
