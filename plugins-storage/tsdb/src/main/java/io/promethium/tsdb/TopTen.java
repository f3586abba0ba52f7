package io.promethium.tsdb;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The ten largest of the stats offered, largest first and ties by name, as the status API lists
 * them: kept in a small sorted array as they come, so a list over millions of label pairs is never
 * held or sorted whole.
 */
final class TopTen {
    private static final int N = 10;
    private static final Comparator<HeadStats.Stat> ORDER =
            Comparator.comparingLong(HeadStats.Stat::value).reversed().thenComparing(HeadStats.Stat::name);

    private final HeadStats.Stat[] top = new HeadStats.Stat[N];
    private int size;

    /** Whether a stat of this value could enter: then it is worth making its name. */
    boolean admits(long value) {
        return size < N || value >= top[N - 1].value();
    }

    void offer(HeadStats.Stat stat) {
        if (size == N && ORDER.compare(stat, top[N - 1]) >= 0) {
            return;
        }
        int i = size < N ? size++ : N - 1;
        while (i > 0 && ORDER.compare(stat, top[i - 1]) < 0) {
            top[i] = top[i - 1];
            i--;
        }
        top[i] = stat;
    }

    /** The kept stats, largest first. */
    List<HeadStats.Stat> list() {
        return List.of(Arrays.copyOf(top, size));
    }
}
