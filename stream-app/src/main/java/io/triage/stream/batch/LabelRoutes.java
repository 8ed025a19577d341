package io.triage.stream.batch;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * Which label topics a routed result goes to: the topic of every label that applies, a single-label model's one
 * label (the result's {@code label}), a multi-label model's labels over their thresholds. A copy routed to another
 * label than the result's top {@code label} names its label in the {@link #ROUTE_HEADER} header, which the routing
 * sink's topic extractor reads; a single-label result is routed as it always was, without the header.
 */
public final class LabelRoutes {
    /** Header of a routed copy whose topic is not its top label's: the label whose topic it goes to (UTF-8). */
    public static final String ROUTE_HEADER = "triage.route.label";

    private LabelRoutes() {}

    /** The copy of {@code record} routed to {@code label}'s topic; the record itself when that is its top label. */
    static <K, V> Record<K, V> route(Record<K, V> record, String label, String topLabel) {
        if (label.equals(topLabel)) {
            return record;
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(ROUTE_HEADER);
        headers.add(ROUTE_HEADER, label.getBytes(StandardCharsets.UTF_8));
        return record.withHeaders(headers);
    }

    /** The label a routed record goes to: its route header's, else its top label. */
    public static String routedLabel(Headers headers, String topLabel) {
        Header route = headers == null ? null : headers.lastHeader(ROUTE_HEADER);
        return route == null ? topLabel : new String(route.value(), StandardCharsets.UTF_8);
    }
}
