package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Matcher;
import java.util.LinkedHashMap;
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
 * @param <V> the kept answer; values are shared between requests and never changed
 */
final class RecentByMatchers<V> {

    private final int maxWeight;
    private final ToIntFunction<V> weightOf;
    private final Map<List<Matcher>, V> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int weight;

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
        return entries.get(matchers);
    }

    /** Keeps an answer for these matchers, evicting the least recently used ones over the bound. */
    synchronized void put(List<Matcher> matchers, V answer) {
        int w = weightOf.applyAsInt(answer);
        if (w > maxEntry()) {
            return;
        }
        V old = entries.put(List.copyOf(matchers), answer);
        weight += w - (old == null ? 0 : weightOf.applyAsInt(old));
        var it = entries.values().iterator();
        while (weight > maxWeight && it.hasNext()) {
            weight -= weightOf.applyAsInt(it.next());
            it.remove();
        }
    }

    /** The weight kept over all entries. */
    synchronized int size() {
        return weight;
    }
}
