package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares the label names and metric names of one target's series. The parser makes new strings
 * for every series it has not seen; a target's thousand series repeat a handful of names, and
 * without sharing those copies were most of the cache's memory (8 strings per series, 1 GB for
 * 1,000 targets of 1,000 series). Values other than the metric name are left alone: they are
 * what tells series apart. Only used on a series-cache miss; not thread-safe.
 */
final class NameInterner {

    /** Bounds the table for targets whose names never repeat (it is then simply restarted). */
    private static final int MAX_NAMES = 16_384;

    private final Map<String, String> names = new HashMap<>();

    Labels intern(Labels labels) {
        if (names.size() > MAX_NAMES) {
            names.clear();
        }
        Labels.Builder builder = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            String name = share(labels.name(i));
            String value = name.equals(Labels.METRIC_NAME) ? share(labels.value(i)) : labels.value(i);
            builder.set(name, value);
        }
        return builder.build();
    }

    private String share(String s) {
        String shared = names.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }
}
