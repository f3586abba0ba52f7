package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SeriesByLabelsTest {
    /** "Aa" and "BB" have the same String hash: label sets built from them collide in full. */
    private static Labels colliding(int bits, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width; i++) {
            sb.append((bits >>> i & 1) == 0 ? "Aa" : "BB");
        }
        return Labels.of("__name__", "m", "k", sb.toString());
    }

    private static Labels labels(Random random, int pool) {
        int k = random.nextInt(pool);
        // A few hundred label sets share one hash (a long probe run); the rest are spread.
        return k % 3 == 0 && k < 3 * 256 ? colliding(k / 3, 8) : Labels.of("__name__", "metric_" + (k % 97), "instance", "host-" + k);
    }

    @Test
    void randomInsertsAndRemovalsMatchAMapThroughGrowthAndShrinking() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SeriesRefs refs = new SeriesRefs();
        SeriesByLabels table = new SeriesByLabels(refs);
        Map<Labels, MemSeries> model = new HashMap<>();
        long nextRef = 1;
        for (int round = 0; round < 3; round++) {
            int pool = 1 << (10 + 2 * round);
            for (int op = 0; op < 20_000; op++) {
                Labels l = labels(random, pool);
                if (random.nextInt(4) == 0) {
                    MemSeries s = model.remove(l);
                    if (s != null) {
                        table.remove(s);
                        refs.set(s.ref(), null, Long.MIN_VALUE);
                    }
                } else {
                    MemSeries fresh = new MemSeries(nextRef++, l);
                    MemSeries prior = table.putIfAbsent(fresh);
                    assertThat(prior).as("seed %d", seed).isSameAs(model.get(l));
                    if (prior == null) {
                        model.put(l, fresh);
                        assertThat(refs.get(fresh.ref())).isSameAs(fresh);
                    } else {
                        assertThat(refs.get(fresh.ref())).as("a refused series is not filed by ref").isNull();
                    }
                }
                Labels probe = labels(random, pool);
                assertThat(table.get(probe)).as("seed %d", seed).isSameAs(model.get(probe));
            }
            assertThat(table.size()).isEqualTo(model.size());
            Set<MemSeries> seen = new HashSet<>();
            table.forEach(seen::add);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(model.values());
            // Remove most, so the next rehash shrinks the table; what is left is still found.
            List<Labels> keys = new ArrayList<>(model.keySet());
            for (Labels l : keys.subList(0, keys.size() * 9 / 10)) {
                MemSeries s = model.remove(l);
                table.remove(s);
                refs.set(s.ref(), null, Long.MIN_VALUE);
                assertThat(table.get(l)).isNull();
            }
            for (Map.Entry<Labels, MemSeries> e : model.entrySet()) {
                assertThat(table.get(e.getKey())).isSameAs(e.getValue());
            }
        }
    }

    @Test
    void readersFindEverySeriesFiledBeforeTheyLookWhileTheTableGrows() throws Exception {
        SeriesRefs refs = new SeriesRefs();
        SeriesByLabels table = new SeriesByLabels(refs);
        int n = 60_000;
        Labels[] all = new Labels[n];
        for (int i = 0; i < n; i++) {
            all[i] = i < 256 ? colliding(i, 8) : Labels.of("__name__", "m" + (i % 50), "i", Integer.toString(i));
        }
        AtomicInteger filed = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            long seed = r;
            Thread t = new Thread(() -> {
                Random random = new Random(seed);
                while (filed.get() < n && failure.get() == null) {
                    int upTo = filed.get();
                    if (upTo == 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int i = random.nextInt(upTo);
                    MemSeries s = table.get(all[i]);
                    if (s == null || s.ref() != i + 1 || !s.labels().equals(all[i])) {
                        failure.set("series " + i + " filed but looked up as " + s);
                    }
                }
            });
            readers.add(t);
            t.start();
        }
        for (int i = 0; i < n; i++) {
            assertThat(table.putIfAbsent(new MemSeries(i + 1, all[i]))).isNull();
            filed.set(i + 1);
        }
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(table.size()).isEqualTo(n);
        assertThat(table.capacity()).as("grown by doubling at a load of 3/4").isEqualTo(131_072);
    }
}
