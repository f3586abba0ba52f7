package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A select's series sorted by the ranks of the last cut, the series created since by their
 * labels: the same order as sorting every one by labels, across more cuts than there are epochs
 * and while a cut rewrites the ranks.
 */
class LabelRanksTest {

    private static void add(Head head, Random random, int count, long t) {
        Appender app = head.appender();
        for (int i = 0; i < count; i++) {
            app.append(0, Labels.of("__name__", "m" + random.nextInt(3), "pod", "p" + random.nextInt(1_000_000)), t, 1);
        }
        app.commit();
    }

    private static List<MemSeries> all(Head head) {
        List<MemSeries> out = new ArrayList<>();
        head.forEachSeries(out::add);
        return out;
    }

    private static void assertSortedByLabels(List<MemSeries> series, String as) {
        for (int i = 1; i < series.size(); i++) {
            assertThat(series.get(i - 1).labels().compareTo(series.get(i).labels())).as(as + " at %d", i).isNegative();
        }
    }

    @Test
    void rankedAndNewSeriesSortAsTheirLabelsAcrossMoreCutsThanEpochs() {
        Head head = new Head(new TsdbMetrics(), 0);
        Random random = new Random(11);
        add(head, random, 200, 1_000);
        for (int round = 0; round < 40; round++) {
            if (round % 2 == 0) {
                head.seriesInLabelOrder();
            }
            // Series the last cut did not rank, in a few rounds none.
            add(head, random, round % 5 == 0 ? 0 : 1 + random.nextInt(30), 1_000 + round);
            List<MemSeries> some = all(head);
            Collections.shuffle(some, random);
            some = new ArrayList<>(some.subList(0, random.nextInt(some.size())));
            List<MemSeries> expected = new ArrayList<>(some);
            expected.sort((a, b) -> a.labels().compareTo(b.labels()));
            head.sortByLabels(some);
            assertThat(some).as("round %d", round).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void manySeriesNewSinceTheLastRankingAreRankedWithoutACutAndAFewAreNot() {
        Head head = new Head(new TsdbMetrics(), 0);
        Random random = new Random(7);
        add(head, random, Head.RANK_MIN_NEW - 1, 1_000);
        assertThat(head.rankIfManyNew()).as("fewer new series than the least").isFalse();
        assertThat(all(head)).allSatisfy(s -> assertThat(s.labelRank()).isZero());
        add(head, random, 1, 1_000);
        assertThat(head.rankIfManyNew()).isTrue();
        assertThat(all(head)).allSatisfy(s -> assertThat(s.labelRank()).isNotZero());
        add(head, random, 10, 2_000);
        assertThat(head.rankIfManyNew()).as("10 new of %d", head.numSeries()).isFalse();
        assertThat(all(head).stream().filter(s -> s.labelRank() == 0)).hasSize(10);
        List<MemSeries> series = all(head);
        Collections.shuffle(series, random);
        head.sortByLabels(series);
        assertSortedByLabels(series, "ranked and 10 new");
    }

    @Test
    void aSortWhileACutRewritesTheRanksIsStillInLabelOrder() throws Exception {
        Head head = new Head(new TsdbMetrics(), 0);
        Random random = new Random(5);
        add(head, random, 3_000, 1_000);
        head.seriesInLabelOrder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread cuts = Thread.ofPlatform().start(() -> {
            try {
                // New series before each cut move the others' places: a sort that mixed the ranks
                // of two cuts would misplace them.
                Random more = new Random(3);
                for (int i = 0; i < 300; i++) {
                    add(head, more, 20, 2_000 + i);
                    head.seriesInLabelOrder();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        Random shuffles = new Random(9);
        while (cuts.isAlive()) {
            List<MemSeries> series = all(head);
            Collections.shuffle(series, shuffles);
            head.sortByLabels(series);
            assertSortedByLabels(series, "a sort during cuts");
        }
        cuts.join();
        assertThat(failure.get()).isNull();
    }
}
