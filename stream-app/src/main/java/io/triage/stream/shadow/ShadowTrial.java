package io.triage.stream.shadow;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.swap.BackgroundPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a candidate version beside the serving one (docs/guard-rails.md, shadow trial): the inference path offers
 * sampled events with the serving model's results, and a thread of its own at background priority classifies them
 * with the candidate and tallies the comparison. The live path never waits: a full queue drops the offer (counted),
 * and the queue holds at most {@code capacity} batches, so memory stays bounded however slow the candidate is.
 */
public final class ShadowTrial implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowTrial.class);

    private record Offer(List<TextInput> inputs, List<Classification> serving) {}

    private final BatchClassifier candidate;
    private final ShadowTally tally;
    private final BlockingQueue<Offer> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public ShadowTrial(BatchClassifier candidate, List<String> labels, int capacity) {
        this.candidate = candidate;
        this.tally = new ShadowTally(labels);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "triage-shadow-" + candidate.modelVersion());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public String version() {
        return candidate.modelVersion();
    }

    /**
     * Offers events the serving model classified, in the same order as its results; never blocks.
     *
     * @return false when the queue was full and the offer was dropped
     */
    public boolean offer(List<TextInput> inputs, List<Classification> serving) {
        if (inputs.isEmpty()) {
            return true;
        }
        if (inputs.size() != serving.size()) {
            throw new IllegalArgumentException(inputs.size() + " inputs but " + serving.size() + " results");
        }
        if (!running || !queue.offer(new Offer(List.copyOf(inputs), List.copyOf(serving)))) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    public ShadowTally.Snapshot figures() {
        return tally.snapshot();
    }

    /** Offers dropped because the candidate had not caught up. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        BackgroundPriority.lowerCurrentThread();
        while (running) {
            Offer offer;
            try {
                offer = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (offer != null) {
                compare(offer);
            }
        }
    }

    private void compare(Offer offer) {
        List<Classification> results;
        try {
            results = candidate.classify(offer.inputs());
        } catch (RuntimeException e) {
            LOG.warn("candidate version {} failed on a shadow batch of {}", version(), offer.inputs().size(), e);
            results = null;
        }
        for (int i = 0; i < offer.inputs().size(); i++) {
            boolean answered = results != null && results.size() == offer.inputs().size();
            tally.add(offer.serving().get(i), answered ? results.get(i) : null);
        }
    }

    /** Stops the shadow thread and frees the candidate. */
    @Override
    public void close() {
        running = false; // not an interrupt: a batch in the candidate finishes, the thread stops within a poll
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        candidate.close();
    }
}
