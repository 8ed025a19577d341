package io.triage.deploy;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The metric names read out of PromQL: functions, labels, ranges, keywords, numbers and Grafana variables are not. */
class PromQlTest {
    @Test
    void namesAreTheSelectorsOnly() {
        assertEquals(Set.of("triage_end_to_end_latency_seconds_bucket"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (instance, le) (rate(triage_end_to_end_latency_seconds_bucket"
                        + "{job=\"stream-app\", le!=\"+Inf\"}[$__rate_interval]))) > 1e-3"));
        assertEquals(Set.of("a_total", "b_total"), PromQl.metricNames(
                "sum without (reason) (rate(a_total[5m])) / on (instance) group_left (model) b_total > bool 0.05"));
        assertEquals(Set.of("lag"), PromQl.metricNames("max by (instance) (lag) > 1000 and deriv(max(lag)[10m:1m]) > 0"));
        assertEquals(Set.of("x"), PromQl.metricNames("x offset 5m unless x{a='b}c'}"));
    }
}
