package io.triage.console;

import io.triage.schemas.ReviewItem;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The console's memory of the review topic: the events not labeled yet with their state, the ids of those labeled,
 * and each reviewer's last label (for undo) and skips. Not thread-safe: {@link ReviewDesk} guards it.
 *
 * <p>Most uncertain first: the smallest top-2 margin, then the lowest top score, then the oldest.
 */
final class ReviewQueue {
    static final Comparator<ReviewItem> MOST_UNCERTAIN_FIRST = Comparator.comparing(ReviewItem::getMargin)
            .thenComparing(ReviewItem::getScore).thenComparing(ReviewItem::getClassifiedAt);

    private record Entry(ReviewItem item, ItemState state) {}

    /** A reviewer's last label: the item, to put back in front of them on undo. */
    record Labeled(ReviewItem item, String label) {}

    record Counts(int waiting, int leased, int done) {}

    private final int maxWaiting;
    private final Map<String, Entry> open = new HashMap<>();
    private final Set<String> done = new HashSet<>();
    private final Map<String, ItemState> replayed;
    private final Map<String, Labeled> lastLabel = new HashMap<>();
    private final Map<String, Set<String>> skipped = new HashMap<>();

    /** @param replayed the state topic's last record per event, from before this start */
    ReviewQueue(int maxWaiting, Map<String, ItemState> replayed) {
        this.maxWaiting = maxWaiting;
        this.replayed = new HashMap<>(replayed);
        replayed.forEach((id, state) -> {
            if (state.kind() == ItemState.Kind.DONE) {
                done.add(id);
            }
        });
    }

    /** An item read from the review topic; one already known (a replay, a duplicate) is ignored. */
    void offer(ReviewItem item) {
        String id = item.getEventId();
        if (done.contains(id) || open.containsKey(id)) {
            return;
        }
        ItemState state = replayed.getOrDefault(id, ItemState.WAITING);
        open.put(id, new Entry(item, state));
        if (open.size() > maxWaiting) {
            dropMostCertainWaiting();
        }
    }

    /** The reviewer's unexpired lease, else the most uncertain item nobody else holds and they did not skip. */
    Optional<ReviewItem> nextFor(String reviewer, long now) {
        Set<String> skips = skipped.getOrDefault(reviewer, Set.of());
        Optional<ReviewItem> own = heldBy(reviewer, now);
        if (own.isPresent()) {
            return own;
        }
        return open.values().stream()
                .filter(e -> !e.state().heldByAnotherAt(reviewer, now) && !skips.contains(e.item().getEventId()))
                .map(Entry::item).min(MOST_UNCERTAIN_FIRST);
    }

    /** The item the reviewer holds an unexpired lease on, if any. */
    Optional<ReviewItem> heldBy(String reviewer, long now) {
        return open.values().stream()
                .filter(e -> e.state().kind() == ItemState.Kind.LEASED && reviewer.equals(e.state().reviewer())
                        && e.state().leasedUntil() > now)
                .map(Entry::item).min(MOST_UNCERTAIN_FIRST);
    }

    /** The open item {@code id} if {@code reviewer} may act on it now (nobody else holds it). */
    Optional<ReviewItem> actionable(String id, String reviewer, long now) {
        Entry e = open.get(id);
        return e == null || e.state().heldByAnotherAt(reviewer, now) ? Optional.empty() : Optional.of(e.item());
    }

    void lease(String id, ItemState leased) {
        Entry e = open.get(id);
        if (e != null) {
            open.put(id, new Entry(e.item(), leased));
        }
    }

    void release(String id, String reviewer) {
        lease(id, ItemState.WAITING);
        skipped.computeIfAbsent(reviewer, r -> new HashSet<>()).add(id);
    }

    void labeled(String id, String reviewer, String label) {
        Entry e = open.remove(id);
        if (e != null) {
            done.add(id);
            lastLabel.put(reviewer, new Labeled(e.item(), label));
        }
    }

    Optional<Labeled> lastLabelOf(String reviewer) {
        return Optional.ofNullable(lastLabel.get(reviewer));
    }

    /** Undo: the reviewer's last labeled item is open again, leased to them. */
    void reopen(String reviewer, ItemState leased) {
        Labeled last = lastLabel.remove(reviewer);
        if (last != null) {
            done.remove(last.item().getEventId());
            open.put(last.item().getEventId(), new Entry(last.item(), leased));
        }
    }

    Counts counts(long now) {
        int leased = (int) open.values().stream()
                .filter(e -> e.state().kind() == ItemState.Kind.LEASED && e.state().leasedUntil() > now).count();
        return new Counts(open.size(), leased, done.size());
    }

    private void dropMostCertainWaiting() {
        open.values().stream().filter(e -> e.state().kind() == ItemState.Kind.WAITING).map(Entry::item)
                .max(MOST_UNCERTAIN_FIRST).ifPresent(item -> open.remove(item.getEventId()));
    }
}
