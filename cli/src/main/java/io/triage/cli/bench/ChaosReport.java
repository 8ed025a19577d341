package io.triage.cli.bench;

import java.time.Duration;
import java.util.Locale;

/** A chaos run's figures as text: one row per fault, then what held over the whole run. */
final class ChaosReport {
    private ChaosReport() {}

    /**
     * Per fault: events sent during it that were lost or duplicated; failover (from the fault to the first result
     * of every partition, for a moved partition the first from its new owner); p99 end-to-end latency of the results
     * classified in the {@code settle} before the fault and during it (from the fault until the fleet made progress
     * again).
     */
    static String of(ChaosRun.Result run, Duration settle) {
        FleetAudit audit = new FleetAudit(run);
        double seconds = run.outputs().isEmpty() ? 0 : (run.outputs().get(run.outputs().size() - 1).receivedAtMs()
                - run.outputs().get(0).producedAtMs()) / 1000.0;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "standby.replicas=%d: %d events sent in %.0f s, %d results read%n",
                run.standby(), run.sent(), seconds, run.outputs().size()));
        out.append(String.format(Locale.ROOT, "%-32s %6s %6s %11s %14s %14s%n", "fault", "lost", "dup",
                "failover s", "p99 before ms", "p99 during ms"));
        for (ChaosRun.Fault f : run.faults()) {
            OutputWindow before = OutputWindow.of(f.startMs() - settle.toMillis(), f.startMs(), run.outputs());
            OutputWindow during = OutputWindow.of(f.startMs(), f.endMs(), run.outputs());
            out.append(String.format(Locale.ROOT, "%-32s %6d %6d %11.1f %14.0f %14.0f%n", f.name(),
                    audit.lost(f.firstEvent(), f.endEvent()).size(), audit.duplicated(f.firstEvent(), f.endEvent()).size(),
                    FleetAudit.failover(f, run.outputs()).toMillis() / 1000.0, before.latencyPercentile(99),
                    during.latencyPercentile(99)));
        }
        out.append(String.format(Locale.ROOT, "whole run: lost %d, duplicated %d, out of per-key order %d, "
                        + "partition versions gone back %d%n", audit.lost().size(), audit.duplicated().size(),
                audit.outOfOrder().size(), audit.versionsBack().size()));
        for (ChaosRun.Update u : run.updates()) {
            Duration swap = audit.fleetSwap(u);
            out.append(String.format(Locale.ROOT, "update %s: served on every partition %s after its publication%n",
                    u.version(), swap == null ? "NOT (some partition never)" : swap.toMillis() / 1000.0 + " s"));
        }
        if (!run.unannounced().isEmpty()) {
            out.append("saved by the crashed publish, never announced nor served: ").append(run.unannounced())
                    .append(System.lineSeparator());
        }
        return out.toString();
    }
}
