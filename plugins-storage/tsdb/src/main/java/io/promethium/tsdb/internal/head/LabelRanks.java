package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The head's label order at its last ranking (a cut, the end of the WAL replay, or many series
 * new: {@link Head#rankIfManyNew}), kept as a rank in each series ({@link Head#seriesInLabelOrder}
 * writes them), so that a sorted select orders the series it matched by those ints and compares
 * label sets only for the series created since the ranking. Sorting by label sets compares each series' labels ~log n times, and each compare
 * reaches label strings spread over the heap: at 512k head series a sorted select of 1,600 spent a
 * seventh of {@code /api/v1/series}'s CPU samples there (JFR).
 *
 * <p>A rank is {@code epoch << RANK_BITS | place}, epochs 1 to 15 in turn, 0 for a series no
 * ranking reached. A ranking writes every live series' rank under the next epoch, then publishes that epoch: a
 * select reading ranks meanwhile takes only those of the published epoch as ranks, and the rest
 * (rewritten already, or new) by their labels. Ranks of one epoch stay in label order among
 * themselves whatever series come and go, since label sets never change.
 */
final class LabelRanks {

    static final int RANK_BITS = 27;
    private static final int PLACE_MASK = (1 << RANK_BITS) - 1;
    private static final int EPOCHS = 15;
    private static final Comparator<MemSeries> BY_LABELS = Comparator.comparing(MemSeries::labels);

    /** The epoch whose ranks are complete, 0 before the first. */
    private volatile int epoch;

    /**
     * Rankings begun (written under the head's label order lock, one at a time). Epochs are
     * reused after {@value #EPOCHS} rankings, so a sort that read ranks while that many began
     * could take a new ranking's place for one of its own epoch; it counts them and then sorts by
     * labels instead. Seen under load: a sort preempted while a loop of cuts ran.
     */
    private volatile long begun;

    /** Ranks the series of a ranking, given as refs in label order (under the head's label order lock). */
    void rank(int[] inLabelOrder, SeriesRefs refs) {
        if (inLabelOrder.length > PLACE_MASK) {
            epoch = 0; // more series than a rank holds: sorted by labels alone
            return;
        }
        begun++;
        int next = epoch % EPOCHS + 1;
        int tag = next << RANK_BITS;
        for (int i = 0; i < inLabelOrder.length; i++) {
            refs.get(inLabelOrder[i]).labelRank(tag | i);
        }
        epoch = next;
    }

    /** Sorts series of the head by labels, in place: the ranked ones by rank, the rest by labels, merged. */
    void sort(List<MemSeries> series) {
        int n = series.size();
        long begunBefore = begun;
        int current = epoch;
        if (n < 2) {
            return;
        }
        if (current == 0) {
            series.sort(BY_LABELS);
            return;
        }
        // Each ranked series as its rank and its index, sorted as longs: no label is read.
        long[] ranked = new long[n];
        int r = 0;
        List<MemSeries> unranked = null;
        for (int i = 0; i < n; i++) {
            MemSeries s = series.get(i);
            int rank = s.labelRank();
            if (rank >>> RANK_BITS == current) {
                ranked[r++] = (long) (rank & PLACE_MASK) << 32 | i;
            } else {
                if (unranked == null) {
                    unranked = new ArrayList<>();
                }
                unranked.add(s);
            }
        }
        // Well short of a reuse, leaving the plain reads of the ranks no room.
        if (begun - begunBefore >= EPOCHS / 2) {
            series.sort(BY_LABELS);
            return;
        }
        Arrays.sort(ranked, 0, r);
        MemSeries[] byRank = new MemSeries[r];
        for (int k = 0; k < r; k++) {
            byRank[k] = series.get((int) ranked[k]);
        }
        if (unranked == null) {
            for (int k = 0; k < r; k++) {
                series.set(k, byRank[k]);
            }
            return;
        }
        unranked.sort(BY_LABELS);
        // Each new series' place among the ranked ones by galloping from the last place: ~2
        // log(gap) compares per new series instead of one per series out, which a select of
        // thousands paid in full when only a few of its series were new since the ranking.
        java.util.function.IntFunction<Labels> rankedAt = i -> byRank[i].labels();
        int a = 0;
        int k = 0;
        for (MemSeries next : unranked) {
            int lo = LabelOrder.firstNotBelow(rankedAt, a, r, next.labels());
            while (a < lo) {
                series.set(k++, byRank[a++]);
            }
            series.set(k++, next);
        }
        while (a < r) {
            series.set(k++, byRank[a++]);
        }
    }
}
