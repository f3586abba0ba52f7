package io.promethium.push.internal;

import static java.util.Objects.requireNonNull;

/** One label of a pushed metric; the value may be empty (the Pushgateway keeps {@code a=""}). */
record LabelPair(String name, String value) {
    LabelPair {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
    }
}
