package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Matcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A block's recent answers by matchers: what a dashboard asks again at every refresh, kept so that
 * the next request with the same matchers skips the terms dictionary (and, for listings, the
 * decoding of each document's entry). A block never changes (deletions are tombstones, checked at
 * each use), so an entry stays true until evicted. VictoriaMetrics keeps the same kind of cache
 * (matchers to series ids). Bounded by a weight over all entries (documents, or bytes), least
 * recently used evicted first; an answer weighing more than a quarter of that is not kept.
 *
 * <p>Recency is a stamp per entry, not an access-ordered {@code LinkedHashMap}: that map's hit
 * moves the entry to the end through branches that depend on where it was, and C2 compiles only
 * the branches seen. Dashboards refreshing one range always hit the eldest entry; the first
 * request of another range then hit an untaken branch and threw away the compiled request path
 * it was inlined into (an uncommon trap: three to five compiled methods, one per request), so that range's
 * first requests ran in the interpreter and the profiling tier. A hit here is the same code
 * wherever the entry is; eviction, only on a put over the bound, looks for the oldest stamp.
 *
 * @param <V> the kept answer; values are shared between requests and never changed
 */
final class RecentByMatchers<V> {

    private final int maxWeight;
    private final ToIntFunction<V> weightOf;
    private final Map<List<Matcher>, Entry<V>> entries = new HashMap<>();
    private int weight;
    private long clock;

    /** A kept answer, its weight and when it was last used. */
    private static final class Entry<V> {
        final V answer;
        final int weight;
        long used;

        Entry(V answer, int weight, long used) {
            this.answer = answer;
            this.weight = weight;
            this.used = used;
        }
    }

    /** Keeps answers weighing at most {@code maxWeight} together, as {@code weightOf} weighs one. */
    RecentByMatchers(int maxWeight, ToIntFunction<V> weightOf) {
        this.maxWeight = maxWeight;
        this.weightOf = weightOf;
    }

    /** The heaviest answer kept. */
    int maxEntry() {
        return maxWeight / 4;
    }

    /** The answer kept for these matchers, or null. */
    synchronized V get(List<Matcher> matchers) {
        Entry<V> e = entries.get(matchers);
        if (e == null) {
            return null;
        }
        e.used = ++clock;
        return e.answer;
    }

    /** Keeps an answer for these matchers, evicting the least recently used ones over the bound. */
    synchronized void put(List<Matcher> matchers, V answer) {
        int w = weightOf.applyAsInt(answer);
        if (w > maxEntry()) {
            return;
        }
        Entry<V> old = entries.put(List.copyOf(matchers), new Entry<>(answer, w, ++clock));
        weight += w - (old == null ? 0 : old.weight);
        while (weight > maxWeight) {
            evictLeastRecentlyUsed();
        }
    }

    private void evictLeastRecentlyUsed() {
        Map.Entry<List<Matcher>, Entry<V>> eldest = null;
        for (Map.Entry<List<Matcher>, Entry<V>> e : entries.entrySet()) {
            if (eldest == null || e.getValue().used < eldest.getValue().used) {
                eldest = e;
            }
        }
        weight -= eldest.getValue().weight;
        entries.remove(eldest.getKey());
    }

    /** The weight kept over all entries. */
    synchronized int size() {
        return weight;
    }
}
