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
 * (matchers to series ids). Bounded: at most {@code maxDocs} documents over all entries, least
 * recently used evicted first; an answer of more than a quarter of that is not kept.
 *
 * @param <V> the kept answer; values are shared between requests and never changed
 */
final class RecentByMatchers<V> {

    private final int maxDocs;
    private final ToIntFunction<V> docsOf;
    private final Map<List<Matcher>, V> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int docs;

    /** Keeps at most {@code maxDocs} documents, as {@code docsOf} counts an answer's. */
    RecentByMatchers(int maxDocs, ToIntFunction<V> docsOf) {
        this.maxDocs = maxDocs;
        this.docsOf = docsOf;
    }

    /** The largest answer kept, in documents. */
    int maxEntry() {
        return maxDocs / 4;
    }

    /** The answer kept for these matchers, or null. */
    synchronized V get(List<Matcher> matchers) {
        return entries.get(matchers);
    }

    /** Keeps an answer for these matchers, evicting the least recently used ones over the bound. */
    synchronized void put(List<Matcher> matchers, V answer) {
        int size = docsOf.applyAsInt(answer);
        if (size > maxEntry()) {
            return;
        }
        V old = entries.put(List.copyOf(matchers), answer);
        docs += size - (old == null ? 0 : docsOf.applyAsInt(old));
        var it = entries.values().iterator();
        while (docs > maxDocs && it.hasNext()) {
            docs -= docsOf.applyAsInt(it.next());
            it.remove();
        }
    }

    /** Documents kept over all entries. */
    synchronized int size() {
        return docs;
    }
}
