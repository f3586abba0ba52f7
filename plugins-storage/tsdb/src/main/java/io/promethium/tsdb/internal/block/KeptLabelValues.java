package io.promethium.tsdb.internal.block;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A block's sorted values of each label name as listed without matchers, kept once read: a block
 * never changes, and a label-values request over the head and two blocks spent two fifths of its
 * CPU walking each block's terms into new strings (profiled at 512k series, 1,600 pod values).
 * At most {@link #MAX} strings per block in all (a few hundred kB), so a high-cardinality name
 * past the bound is read from the terms each time, as before.
 */
final class KeptLabelValues {
    static final int MAX = 1 << 13;

    private final ConcurrentHashMap<String, List<String>> kept = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    /** The kept values of {@code name}, else those {@code read} returns, kept while the bound allows. */
    List<String> get(String name, Function<String, List<String>> read) {
        List<String> values = kept.get(name);
        if (values != null) {
            return values;
        }
        List<String> fresh = read.apply(name);
        int n = fresh.size();
        if (n == 0) {
            // A name the block lacks costs nothing to look up; keeping it would let any name asked for grow the map.
            return List.of();
        }
        if (count.addAndGet(n) > MAX) {
            count.addAndGet(-n);
            // Past the bound: read each time, so handed on as read (a view, not a copy per request).
            return Collections.unmodifiableList(fresh);
        }
        values = List.copyOf(fresh);
        List<String> raced = kept.putIfAbsent(name, values);
        if (raced != null) {
            count.addAndGet(-n);
            return raced;
        }
        return values;
    }

    /** How many strings are kept, for tests. */
    int size() {
        return count.get();
    }
}
