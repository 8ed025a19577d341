package io.triage.console;

import io.triage.schemas.ReviewItem;
import io.triage.service.AvroRecordDecoder;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads the review topic from its beginning (only what the stream app committed) and offers each item to the desk. */
final class ReviewFeed implements AutoCloseable {
    private final AvroRecordDecoder<ReviewItem> decoder;
    private final TopicFollower follower;

    ReviewFeed(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String topic,
               Consumer<ReviewItem> sink) {
        this.decoder = new AvroRecordDecoder<>(ReviewItem.class, registryConfig);
        this.follower = new TopicFollower("triage-console-review", clientConfig, List.of(topic), -1,
                r -> sink.accept(decoder.decode(r.topic(), r.headers(), r.value())));
    }

    boolean caughtUp() {
        return follower.caughtUp();
    }

    boolean failed() {
        return follower.failed();
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
        decoder.close();
    }
}
