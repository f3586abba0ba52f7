package io.promethium.push.internal;

import java.util.List;

/**
 * One metric of a pushed family: its labels (sorted by name once the group's labels are applied)
 * and its value. Counters, gauges and untyped metrics use {@code value}; summaries use
 * {@code sum}, {@code count} and quantile points; histograms use {@code sum}, {@code count} and
 * bucket points (upper bound, cumulative count). {@code timestampMillis} is the last timestamp
 * written on the metric's lines (0 when none), as Go's text parser keeps it; {@code push metrics}
 * sends it, the Pushgateway refuses pushed timestamps.
 */
record PushedMetric(List<LabelPair> labels, double value, double sum, double count, List<Point> points, boolean hasTimestamp,
        long timestampMillis) {

    /** A quantile (rank, value) or a bucket (upper bound, cumulative count). */
    record Point(double key, double value) {
    }

    PushedMetric {
        labels = List.copyOf(labels);
        points = List.copyOf(points);
    }

    PushedMetric(List<LabelPair> labels, double value, double sum, double count, List<Point> points, boolean hasTimestamp) {
        this(labels, value, sum, count, points, hasTimestamp, 0);
    }

    static PushedMetric simple(List<LabelPair> labels, double value, boolean hasTimestamp) {
        return new PushedMetric(labels, value, 0, 0, List.of(), hasTimestamp);
    }

    PushedMetric withLabels(List<LabelPair> newLabels) {
        return new PushedMetric(newLabels, value, sum, count, points, hasTimestamp, timestampMillis);
    }
}
