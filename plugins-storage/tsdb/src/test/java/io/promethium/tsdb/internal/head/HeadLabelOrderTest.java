package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The head's series in label order, as a cut writes them, while series come and go: each call
 * answers exactly the live series, sorted, though it starts from the order the last call kept.
 */
class HeadLabelOrderTest {
    private static final long BLOCK = 120_000;

    @Test
    void eachCallGivesExactlyTheLiveSeriesInLabelOrderAcrossChurnAndTruncations() {
        Head head = new Head(new TsdbMetrics(), 0);
        Random random = new Random(7);
        TreeSet<Labels> live = new TreeSet<>();
        List<Labels> ending = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            long t = round * BLOCK + 1_000;
            Appender app = head.appender();
            // Series that end this round get their last sample, a staleness marker.
            for (Labels l : ending) {
                app.append(0, l, t, StaleMarker.STALE_NAN);
            }
            TreeSet<Labels> held = new TreeSet<>(ending);
            ending.clear();
            // New series in no particular label order, so they sort among the kept ones.
            for (int i = 0; i < 50; i++) {
                live.add(Labels.of("__name__", "m" + random.nextInt(5), "pod", "p" + random.nextInt(1_000_000)));
            }
            for (Labels l : live) {
                app.append(0, l, t, 1);
            }
            app.commit();
            held.addAll(live);
            // Beside these, the head still holds the series whose marker came last round.
            TreeSet<Labels> inHead = new TreeSet<>();
            head.forEachSeries(s -> inHead.add(s.labels()));
            assertThat(inHead).containsAll(held);
            assertThat(labelsOf(head.seriesInLabelOrder())).as("round %d, before truncation", round).containsExactlyElementsOf(inHead);

            // A third of the series end: their marker comes next round, and the truncation after that drops them.
            List<Labels> all = new ArrayList<>(live);
            for (int i = 0; i < all.size(); i += 3) {
                ending.add(all.get(i));
                live.remove(all.get(i));
            }
            // Keeps what had a sample this round; drops the series whose marker came last round.
            int before = head.numSeries();
            head.truncateBefore(t - BLOCK + 1);
            assertThat(head.numSeries()).as("round %d, series kept by the truncation", round).isEqualTo(held.size());
            if (round >= 2) {
                assertThat(before).as("round %d drops series", round).isGreaterThan(held.size());
            }
            assertThat(labelsOf(head.seriesInLabelOrder())).as("round %d, after truncation", round).containsExactlyElementsOf(held);
        }
    }

    @Test
    void anOrderReadAfterATruncationSkipsTheSeriesItRemoved() {
        Head head = new Head(new TsdbMetrics(), 0);
        Appender app = head.appender();
        app.append(0, Labels.of("__name__", "b"), 1_000, 1);
        app.append(0, Labels.of("__name__", "a"), 1_000, 1);
        app.append(0, Labels.of("__name__", "c"), 1_000, 1);
        app.commit();
        app = head.appender();
        app.append(0, Labels.of("__name__", "c"), BLOCK + 1_000, 1);
        app.commit();
        Iterable<MemSeries> order = head.seriesInLabelOrder();
        head.truncateBefore(BLOCK);
        assertThat(labelsOf(order)).containsExactly(Labels.of("__name__", "c"));
    }

    @Test
    void rankingsWhileTruncationsRemoveSeriesStayInLabelOrder() throws Exception {
        Head head = new Head(new TsdbMetrics(), 0);
        Random random = new Random(3);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread churn = Thread.ofPlatform().start(() -> {
            try {
                // Each round's series live one round: the truncation after the next drops them.
                for (int round = 0; round < 200; round++) {
                    Appender app = head.appender();
                    for (int i = 0; i < 200; i++) {
                        app.append(0, Labels.of("__name__", "m" + random.nextInt(5), "pod", "p" + random.nextInt(1_000_000)),
                                round * BLOCK + 1_000, 1);
                    }
                    app.commit();
                    head.truncateBefore(round * BLOCK);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        while (churn.isAlive()) {
            List<Labels> order = labelsOf(head.seriesInLabelOrder());
            for (int i = 1; i < order.size(); i++) {
                assertThat(order.get(i - 1).compareTo(order.get(i))).as("at %d", i).isNegative();
            }
        }
        churn.join();
        assertThat(failure.get()).isNull();
    }

    private static List<Labels> labelsOf(Iterable<MemSeries> series) {
        List<Labels> out = new ArrayList<>();
        series.forEach(s -> out.add(s.labels()));
        return out;
    }
}
