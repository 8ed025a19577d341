package io.triage.console;

import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.service.AvroRecordDecoder;

import java.util.List;
import java.util.Map;

/**
 * Reads the results and the dead letters (Avro, as the stream app writes them with {@code output.format=avro}) from
 * {@code windowMs} ago on, into the Live page's figures.
 */
final class LiveFeed implements AutoCloseable {
    private final AvroRecordDecoder<ClassifiedEvent> results;
    private final AvroRecordDecoder<DeadLetter> letters;
    private final TopicFollower follower;

    LiveFeed(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String resultsTopic,
             String deadLetterTopic, long windowMs, LiveStats stats) {
        this.results = new AvroRecordDecoder<>(ClassifiedEvent.class, registryConfig);
        this.letters = new AvroRecordDecoder<>(DeadLetter.class, registryConfig);
        this.follower = new TopicFollower("triage-console-live", clientConfig, List.of(resultsTopic, deadLetterTopic),
                System.currentTimeMillis() - windowMs, r -> {
                    if (r.topic().equals(resultsTopic)) {
                        stats.result(results.decode(r.topic(), r.headers(), r.value()));
                    } else {
                        stats.deadLetter(letters.decode(r.topic(), r.headers(), r.value()));
                    }
                });
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
        results.close();
        letters.close();
    }
}
