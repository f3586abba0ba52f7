package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The collectors of {@code /metrics}, with the plugin tracker's rule for updates: the newest
 * version of a collector wins. A plugin update starts the new version before the old one stops
 * (the launcher's atomic update), so for a moment both are registered; a scrape then reads the
 * new version only, never both (duplicate series) and never neither (a gap). A version is a class
 * loader: instances of one class from one bundle are all kept, as before. Thread-safe.
 */
public final class Collectors {

    private record Bound(Collector collector, long order) {
    }

    private final List<Bound> bound = new ArrayList<>();
    private long next;

    public synchronized void add(Collector collector) {
        Objects.requireNonNull(collector, "collector is null");
        bound.add(new Bound(collector, next++));
    }

    public synchronized void remove(Collector collector) {
        bound.removeIf(b -> b.collector() == collector);
    }

    /** What a scrape collects, in bind order: of each collector class, the newest version's instances only. */
    public synchronized List<Collector> snapshot() {
        // The newest class loader per class name: the version being swapped in.
        Map<String, ClassLoader> newest = new HashMap<>();
        for (Bound b : bound) {
            newest.put(b.collector().getClass().getName(), b.collector().getClass().getClassLoader());
        }
        List<Collector> result = new ArrayList<>(bound.size());
        for (Bound b : bound) {
            Class<?> type = b.collector().getClass();
            if (newest.get(type.getName()) == type.getClassLoader()) {
                result.add(b.collector());
            }
        }
        return result;
    }
}
