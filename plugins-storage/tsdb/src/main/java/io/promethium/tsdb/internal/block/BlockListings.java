package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The block's recent series listings by matchers (what {@code /api/v1/series} and a dashboard's
 * variable queries ask again at every refresh): the matching documents with their label sets and
 * spans, whatever the range, so that the next listing with the same matchers filters arrays by
 * its range instead of walking postings and decoding each document's entry. A block never changes
 * (deletions are tombstones, checked at each listing), so an entry stays true until evicted.
 * VictoriaMetrics keeps the same kind of cache (matchers to series ids). Bounded: at most
 * {@link #MAX_DOCS} documents over all entries, least recently used evicted first; a listing of
 * more than {@link #MAX_LISTING} is not kept.
 */
final class BlockListings {

    static final int MAX_DOCS = 1 << 13;
    /** The largest listing kept. */
    static final int MAX_LISTING = MAX_DOCS / 4;

    /**
     * One listing: document {@code docs[i]} has {@code labels[i]} and chunks from {@code first[i]}
     * to {@code last[i]} ({@code first > last} without chunks).
     */
    record Listing(int[] docs, Labels[] labels, long[] first, long[] last) {
        int size() {
            return docs.length;
        }
    }

    private final Map<List<Matcher>, Listing> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int docs;

    /** The listing kept for these matchers, or null. */
    synchronized Listing get(List<Matcher> matchers) {
        return entries.get(matchers);
    }

    /** Keeps a listing for these matchers, evicting the least recently used ones over the bound. */
    synchronized void put(List<Matcher> matchers, Listing listing) {
        if (listing.size() > MAX_LISTING) {
            return;
        }
        Listing old = entries.put(List.copyOf(matchers), listing);
        docs += listing.size() - (old == null ? 0 : old.size());
        var it = entries.values().iterator();
        while (docs > MAX_DOCS && it.hasNext()) {
            docs -= it.next().size();
            it.remove();
        }
    }

    /** Documents kept over all entries. */
    synchronized int size() {
        return docs;
    }
}
