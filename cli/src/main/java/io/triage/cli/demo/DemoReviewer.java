package io.triage.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.console.ConsoleClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A simulated reviewer: signs in to the review console over HTTP, as a browser would, and labels the uncertain
 * events waiting there with the labels the demo knows, through the same calls the Review page makes. Events it must
 * not label (e.g. held-back e-mails, which must stay unseen by training) it skips.
 */
final class DemoReviewer {
    static final String NAME = "simulated reviewer";

    /** @param corrected labels that differ from the model's */
    record Outcome(int labeled, int corrected) {}

    private DemoReviewer() {}

    /**
     * Labels up to {@code limit} events, waiting at most {@code patience} for them to appear.
     *
     * @param mayLabel   which event ids it may label
     * @param knownLabel the true label of an event id, if known
     */
    static Outcome review(String consoleUrl, String token, Predicate<String> mayLabel,
                          Function<String, Optional<String>> knownLabel, int limit, Duration patience)
            throws IOException, InterruptedException {
        ConsoleClient console = ConsoleClient.signedIn(consoleUrl, NAME, token);
        long deadline = System.nanoTime() + patience.toNanos();
        int labeled = 0;
        int corrected = 0;
        JsonNode shown = console.call("/api/next", "{}");
        while (labeled < limit && System.nanoTime() < deadline) {
            String id = ConsoleClient.eventId(shown);
            if (id == null) {
                Thread.sleep(250);
                shown = console.call("/api/next", "{}");
                continue;
            }
            Optional<String> label = mayLabel.test(id) ? knownLabel.apply(id) : Optional.empty();
            if (label.isEmpty()) {
                shown = console.call("/api/skip", ConsoleClient.eventCall(id));
                continue;
            }
            if (!label.get().equals(shown.get("item").get("label").asText())) {
                corrected++;
            }
            shown = console.call("/api/label", ConsoleClient.labelCall(id, label.get()));
            labeled++;
        }
        return new Outcome(labeled, corrected);
    }
}
