package io.promethium.push.internal;

import io.promethium.api.model.MetricType;

/**
 * The metric family types a push may carry, numbered as in {@code io.prometheus.client.MetricType}
 * of the protobuf format and spelled as the Pushgateway's JSON API spells them.
 */
enum FamilyType {
    COUNTER(0, "counter", MetricType.COUNTER),
    GAUGE(1, "gauge", MetricType.GAUGE),
    SUMMARY(2, "summary", MetricType.SUMMARY),
    UNTYPED(3, "untyped", MetricType.UNKNOWN),
    HISTOGRAM(4, "histogram", MetricType.HISTOGRAM);

    final int protoNumber;
    final String text;
    final MetricType metricType;

    FamilyType(int protoNumber, String text, MetricType metricType) {
        this.protoNumber = protoNumber;
        this.text = text;
        this.metricType = metricType;
    }

    /** The type of a protobuf {@code MetricFamily.type}; gauge histograms have no text 0.0.4 form. */
    static FamilyType ofProto(int number) throws PushException {
        for (FamilyType t : values()) {
            if (t.protoNumber == number) {
                return t;
            }
        }
        throw PushException.badRequest(number == 5
                ? "metric family type GAUGE_HISTOGRAM is not supported by the push endpoint (text format 0.0.4 cannot expose it)"
                : "unknown metric family type " + number);
    }

    /** The type of a text {@code # TYPE} line. */
    static FamilyType ofText(MetricType type) throws PushException {
        return switch (type) {
            case COUNTER -> COUNTER;
            case GAUGE -> GAUGE;
            case SUMMARY -> SUMMARY;
            case HISTOGRAM -> HISTOGRAM;
            case UNKNOWN -> UNTYPED;
            default -> throw PushException.badRequest("metric family type " + type.text() + " is not supported by the push endpoint");
        };
    }
}
