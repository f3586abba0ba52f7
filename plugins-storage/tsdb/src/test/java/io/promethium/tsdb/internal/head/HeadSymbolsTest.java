package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The head's symbol table under churn: what series garbage collection drops, as Prometheus's head
 * rebuilt its symbols from its postings in {@code gc()}. Every replaced target brings new label
 * values (its pod name); once its series are collected no live series uses them.
 */
class HeadSymbolsTest {
    private static final long BLOCK = 120_000;
    private static final int PODS = 10;
    private static final int SERIES_PER_POD = 20;

    private final Head head = new Head(new TsdbMetrics(), 0);

    /** Same length for every pod number, so that a pod's symbol costs the same bytes as the one it replaced. */
    private static Labels series(int pod, int i) {
        return Labels.of("__name__", "m" + i, "job", "churn", "pod", String.format(Locale.ROOT, "pod-%05d", pod));
    }

    /** The distinct label strings of the head's live series. */
    private Set<String> liveStrings() {
        Set<String> out = new HashSet<>();
        head.forEachSeries(s -> {
            for (int i = 0; i < s.labels().size(); i++) {
                out.add(s.labels().name(i));
                out.add(s.labels().value(i));
            }
        });
        return out;
    }

    /** Every label string of every live series is kept, as the very instance the series holds. */
    private void assertEveryLiveStringKeptAsItsOwnInstance() {
        head.forEachSeries(s -> {
            for (int i = 0; i < s.labels().size(); i++) {
                assertThat(head.keptSymbol(s.labels().name(i))).as("name of %s", s.labels()).isSameAs(s.labels().name(i));
                assertThat(head.keptSymbol(s.labels().value(i))).as("value of %s", s.labels()).isSameAs(s.labels().value(i));
            }
        });
    }

    @Test
    void symbolsOfGarbageCollectedSeriesAreDroppedAndTheirBytesNoLongerCounted() {
        int nextPod = 0;
        int[] live = new int[PODS];
        for (int k = 0; k < PODS; k++) {
            live[k] = nextPod++;
        }
        append(live, 1_000);
        int count0 = head.symbolCount();
        long bytes0 = head.memory().symbols();
        // Names __name__, job, pod; the metric names; churn; the pod names.
        assertThat(count0).isEqualTo(liveStrings().size()).isEqualTo(3 + SERIES_PER_POD + 1 + PODS);

        // Twenty rounds, each replacing every pod: without pruning the table would end 200 pod names larger.
        for (int round = 1; round <= 20; round++) {
            for (int k = 0; k < PODS; k++) {
                live[k] = nextPod++;
            }
            append(live, round * BLOCK + 1_000);
            assertThat(head.symbolCount()).as("before the truncation of round %d", round).isEqualTo(count0 + PODS);
            head.truncateBefore(round * BLOCK);
            assertThat(head.numSeries()).isEqualTo(PODS * SERIES_PER_POD);
            assertThat(head.symbolCount()).as("after the truncation of round %d", round).isEqualTo(liveStrings().size()).isEqualTo(count0);
            assertEveryLiveStringKeptAsItsOwnInstance();
        }
        assertThat(head.memory().symbols()).isEqualTo(bytes0);
        assertThat(head.ramBytesUsed()).isEqualTo(head.memory().total());
    }

    @Test
    void aTruncationThatCollectsNothingKeepsEverySymbol() {
        append(new int[] {1, 2}, 1_000);
        int count = head.symbolCount();
        head.truncateBefore(500);
        assertThat(head.numSeries()).isEqualTo(2 * SERIES_PER_POD);
        assertThat(head.symbolCount()).isEqualTo(count);
        assertEveryLiveStringKeptAsItsOwnInstance();
    }

    @Test
    void collectingEverySeriesLeavesNoSymbolAndNoSymbolBytes() {
        append(new int[] {1, 2, 3}, 1_000);
        assertThat(head.memory().symbols()).isPositive();
        head.truncateBefore(BLOCK);
        assertThat(head.numSeries()).isZero();
        assertThat(head.symbolCount()).isZero();
        assertThat(head.memory().symbols()).isZero();
    }

    @Test
    void seriesCreatedWhileTruncationsRunKeepEveryStringTheyUse() throws Exception {
        // One thread creates series with fresh pod names at rising times while this one truncates
        // behind it: a series created between the rebuild's walk of the postings and its end must
        // not lose its strings. Bounded by the series count, not by time.
        int total = 20_000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                Appender app = head.appender();
                for (int i = 0; i < total; i++) {
                    app.append(0, Labels.of("__name__", "c", "pod", "p-" + i, "shard", "s" + (i % 7)), 1_000_000L + i * 10L, i);
                    if (i % 50 == 49) {
                        app.commit();
                        app = head.appender();
                    }
                }
                app.commit();
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "series-creator");
        writer.start();
        int truncations = 0;
        while (writer.isAlive()) {
            long max = head.maxTime();
            if (max != Long.MIN_VALUE) {
                head.truncateBefore(max - 2_000);
                truncations++;
            }
            Thread.yield();
        }
        writer.join();
        assertThat(failed.get()).isNull();
        assertThat(truncations).isPositive();
        assertEveryLiveStringKeptAsItsOwnInstance();
        head.truncateBefore(head.maxTime() - 2_000);
        assertThat(head.symbolCount()).isEqualTo(liveStrings().size());
        assertEveryLiveStringKeptAsItsOwnInstance();
    }

    private void append(int[] pods, long t) {
        Appender app = head.appender();
        for (int pod : pods) {
            for (int i = 0; i < SERIES_PER_POD; i++) {
                app.append(0, series(pod, i), t, i);
            }
        }
        app.commit();
    }
}
