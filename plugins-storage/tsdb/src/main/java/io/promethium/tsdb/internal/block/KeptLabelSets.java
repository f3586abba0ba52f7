package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Label sets of a block's series, by document, as a series listing found them in the head: the
 * head's own objects, the merge keys of the block's listed series ({@code MergeKey}). A listing
 * over the head and several blocks merges the same series from each source; the same key object in
 * each makes that merge's compares identity checks, where a label set decoded per block was
 * compared string by string against the head's (a quarter of the CPU of a series request over a
 * block and the head under ingestion, profiled). Only objects the head holds are kept, so a slot
 * costs a reference while the head has the series; at most {@link #MAX} per block (a listing of
 * every series keeps no more). Pages of slots are made as documents are kept. Slots are written
 * racily: a label set is immutable, and a lost write only means a lookup in the head again.
 */
final class KeptLabelSets {

    static final int MAX = 1 << 14;
    private static final int PAGE_BITS = 10;
    private static final int SLOT_MASK = (1 << PAGE_BITS) - 1;

    private final AtomicReferenceArray<Labels[]> pages;
    private final AtomicInteger kept = new AtomicInteger();

    KeptLabelSets(int docs) {
        pages = new AtomicReferenceArray<>((Math.max(docs, 1) - 1 >>> PAGE_BITS) + 1);
    }

    /** The label set kept for {@code doc}, or null. */
    Labels get(int doc) {
        Labels[] page = pages.get(doc >>> PAGE_BITS);
        return page == null ? null : page[doc & SLOT_MASK];
    }

    /** Keeps {@code labels} for {@code doc} unless the block keeps {@link #MAX} already. */
    void keep(int doc, Labels labels) {
        if (kept.get() >= MAX) {
            return;
        }
        int p = doc >>> PAGE_BITS;
        Labels[] page = pages.get(p);
        if (page == null) {
            Labels[] fresh = new Labels[1 << PAGE_BITS];
            page = pages.compareAndExchange(p, null, fresh);
            if (page == null) {
                page = fresh;
            }
        }
        if (page[doc & SLOT_MASK] == null) {
            page[doc & SLOT_MASK] = labels;
            kept.incrementAndGet();
        }
    }

    /** How many documents are kept. */
    int size() {
        return kept.get();
    }
}
