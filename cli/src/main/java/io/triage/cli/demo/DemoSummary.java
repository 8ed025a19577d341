package io.triage.cli.demo;

import io.triage.cli.demo.DemoOutcome.StreamRun;
import io.triage.cli.demo.DemoOutcome.Trained;
import io.triage.cli.demo.ResultTracker.KindStats;
import io.triage.cli.demo.ResultTracker.Score;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static io.triage.cli.demo.DemoFormat.clock;
import static io.triage.cli.demo.DemoFormat.number;
import static io.triage.cli.demo.DemoFormat.percent;

/** The demo's closing block: the data, both versions, the held-back scores, the stream and its guarantees. */
final class DemoSummary {
    private final DemoSplit split;
    private final String dataDescription;

    DemoSummary(DemoSplit split, String dataDescription) {
        this.split = split;
        this.dataDescription = dataDescription;
    }

    /**
     * @param stream the stream part's results as the tracker has them now
     * @param deadLetters the stream app's dead letters so far
     * @param servingVersion the version the stream app serves now
     * @param elapsedSeconds since the demo started
     */
    List<String> lines(DemoOutcome outcome, KindStats stream, long deadLetters, String servingVersion,
                       double elapsedSeconds) {
        Trained v1 = outcome.v1();
        StreamRun run = outcome.stream();
        Trained v2 = run.v2();
        int reviewed = run.reviewed();
        Score before = outcome.before();
        Score after = outcome.after();
        String perVersion = stream.perVersion().entrySet().stream()
                .map(e -> e.getKey() + " " + percent(e.getValue().accuracy()) + " of " + e.getValue().total())
                .collect(Collectors.joining(", "));
        Integer firstV2 = stream.firstOfVersion().get(v2.version());
        String swapPoint = firstV2 == null ? "after the stream part ended"
                : "from streamed e-mail " + (firstV2 + 1) + " of " + split.stream().size() + " on";
        return List.of(
                "",
                String.format(Locale.ROOT, "Summary (%s)", clock(elapsedSeconds)),
                "  data          " + dataDescription,
                String.format(Locale.ROOT, "  split         %d bootstrap, %d stream, %d feedback, %d held back",
                        split.bootstrap().size(), split.stream().size(), split.feedback().size(), split.evaluation().size()),
                String.format(Locale.ROOT, "  v1            trained on %s of the %d bootstrap e-mails, serving %.1f s after"
                        + " they were sent", v1.trainedOn(), split.bootstrap().size(), v1.seconds()),
                String.format(Locale.ROOT, "  v2            trained on %s of the %d bootstrap + feedback e-mails%s, hot-swapped %.1f s"
                        + " after the feedback, %s", v2.trainedOn(), split.bootstrap().size() + split.feedback().size()
                        + reviewed, reviewed == 0 ? "" : " (" + reviewed + " labeled in the review console)",
                        v2.seconds(), swapPoint),
                String.format(Locale.ROOT, "  held back     %d e-mails never trained on: accuracy v1 %s -> v2 %s (%+.1f points)",
                        split.evaluation().size(), percent(before.accuracy()), percent(after.accuracy()),
                        100 * (after.accuracy() - before.accuracy())),
                String.format(Locale.ROOT, "  trainer       on its held-out feedback: v2 %s vs v1 %s",
                        percent(v2.outcome().candidate()), percent(v2.outcome().current())),
                String.format(Locale.ROOT, "  stream        %d events at %s/s, end-to-end latency p50 %s ms, p99 %s ms;"
                                + " live accuracy %s", split.stream().size(),
                        number(split.stream().size() / Math.max(1e-9, run.sendSeconds())),
                        number(stream.latencyPercentile(50)), number(stream.latencyPercentile(99)), perVersion),
                String.format(Locale.ROOT, "  exactly once  %d results for %d events, %d duplicates; %d dead letters"
                                + " (%d bad records sent)", stream.results(), split.stream().size(), stream.duplicates(),
                        deadLetters, DemoTraffic.BAD_RECORDS),
                "  serving       " + servingVersion);
    }
}
