package io.triage.cli.bench;

import io.triage.cli.bench.LoadGenerator.Output;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chaos run's committed results checked against what was sent: every event {@code e<i>} has exactly one result
 * (none lost, none duplicated), each key's results come in the order its events were sent, each partition's model
 * version only moves forward (the bootstrap model, then the announced versions in the order announced), no result
 * comes from a version that was saved but never announced, and each update serves on every partition within a bound.
 */
final class FleetAudit {
    private final ChaosRun.Result run;
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Integer> rank = new HashMap<>();

    FleetAudit(ChaosRun.Result run) {
        this.run = run;
        run.outputs().forEach(o -> counts.merge(o.inputId(), 1, Integer::sum));
        for (int i = 0; i < run.updates().size(); i++) {
            rank.put(run.updates().get(i).version(), i + 1);
        }
    }

    /** Events sent with no result, among {@code e<from> .. e<to-1>}. */
    List<String> lost(long from, long to) {
        List<String> lost = new ArrayList<>();
        for (long i = from; i < to; i++) {
            if (!counts.containsKey("e" + i)) {
                lost.add("e" + i);
            }
        }
        return lost;
    }

    List<String> lost() {
        return lost(0, run.sent());
    }

    /** Events with more than one result, among {@code e<from> .. e<to-1>}, with how many each has. */
    Map<String, Integer> duplicated(long from, long to) {
        Map<String, Integer> duplicated = new TreeMap<>();
        counts.forEach((id, n) -> {
            long i = number(id);
            if (n > 1 && i >= from && i < to) {
                duplicated.put(id, n);
            }
        });
        return duplicated;
    }

    Map<String, Integer> duplicated() {
        return duplicated(0, Long.MAX_VALUE);
    }

    /** Results read before an earlier event of the same key (a key's results are in one partition, in order). */
    List<String> outOfOrder() {
        Map<String, Long> last = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Output o : run.outputs()) {
            long n = number(o.inputId());
            Long previous = last.put(o.key(), n);
            if (previous != null && previous >= n) {
                wrong.add("key " + o.key() + ": e" + n + " after e" + previous);
            }
        }
        return wrong;
    }

    /** Results from a version older than one the same partition already served, or from an unannounced one. */
    List<String> versionsBack() {
        Map<Integer, Output> newest = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Output o : run.outputs()) {
            if (run.unannounced().contains(o.version())) {
                wrong.add(o.inputId() + " classified by " + o.version() + ", which was never announced");
            }
            Output before = newest.get(o.partition());
            if (before != null && rank(o) < rank(before)) {
                wrong.add("partition " + o.partition() + " went back to " + o.version() + " at offset " + o.offset()
                        + " after " + before.version() + " at offset " + before.offset());
            } else {
                newest.put(o.partition(), o);
            }
        }
        return wrong;
    }

    /**
     * How long after its publication every partition served {@code update} (or a later version): the latest, over
     * the partitions, of its first such result; null if some partition never did.
     */
    Duration fleetSwap(ChaosRun.Update update) {
        Map<Integer, Long> first = new HashMap<>();
        int wanted = rank.get(update.version());
        for (Output o : run.outputs()) {
            if (rank(o) >= wanted) {
                first.merge(o.partition(), o.classifiedAtMs(), Math::min);
            }
        }
        if (first.size() < ChaosRun.PARTITIONS) {
            return null;
        }
        long last = first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        return Duration.ofMillis(Math.max(0, last - update.publishedAtMs()));
    }

    /** Results classified more than {@code bound} after an update's publication by a version older than it. */
    List<String> staleAfter(Duration bound) {
        List<String> stale = new ArrayList<>();
        for (ChaosRun.Update u : run.updates()) {
            int wanted = rank.get(u.version());
            for (Output o : run.outputs()) {
                if (o.classifiedAtMs() > u.publishedAtMs() + bound.toMillis() && rank(o) < wanted) {
                    stale.add(o.inputId() + " in partition " + o.partition() + " by " + o.version() + ", "
                            + (o.classifiedAtMs() - u.publishedAtMs()) + " ms after " + u.version() + " was published");
                }
            }
        }
        return stale;
    }

    /**
     * From the fault's start, how long until every partition had a result classified again: for the partitions the
     * fault moved, the first result from their new owner.
     */
    static Duration failover(ChaosRun.Fault fault, List<Output> outputs) {
        Map<Integer, Long> first = new HashMap<>();
        for (Output o : outputs) {
            if (o.classifiedAtMs() >= fault.startMs()) {
                first.merge(o.partition(), o.classifiedAtMs(), Math::min);
            }
        }
        long last = first.values().stream().mapToLong(Long::longValue).max().orElse(fault.startMs());
        return Duration.ofMillis(last - fault.startMs());
    }

    /** 0 for the bootstrap model, then 1, 2, ... for the announced versions in the order announced. */
    private int rank(Output o) {
        return rank.getOrDefault(o.version(), 0);
    }

    private static long number(String inputId) {
        return Long.parseLong(inputId.substring(1));
    }
}
