package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Checks that each {@link Series#iterator} call answers an iterator of its own: the query engine
 * reads a few long series' steps in parts on several cores, each part through its own iterator.
 */
final class SeriesIterators {
    private static final int THREADS = 4;

    private SeriesIterators() {
    }

    /** Two iterators advanced in turn on one thread, then four read at once on four threads, each giving {@code expected}. */
    static <T> void assertEachReadsAlone(Series series, List<T> expected, Function<SampleIterator, T> read) throws Exception {
        SampleIterator a = series.iterator(null);
        SampleIterator b = series.iterator(null);
        List<T> fromA = new ArrayList<>();
        List<T> fromB = new ArrayList<>();
        boolean moreA = a.next();
        boolean moreB = b.next();
        while (moreA || moreB) {
            if (moreA) {
                fromA.add(read.apply(a));
                moreA = a.next();
            }
            if (moreB) {
                fromB.add(read.apply(b));
                moreB = b.next();
            }
        }
        assertThat(fromA).as("the first of two iterators of " + series.labels() + " read in turn").isEqualTo(expected);
        assertThat(fromB).as("the second of two iterators of " + series.labels() + " read in turn").isEqualTo(expected);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<T>>> reads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                reads.add(pool.submit(() -> {
                    go.await();
                    List<T> out = new ArrayList<>();
                    SampleIterator it = series.iterator(null);
                    while (it.next()) {
                        out.add(read.apply(it));
                    }
                    return out;
                }));
            }
            go.countDown();
            for (Future<List<T>> r : reads) {
                assertThat(r.get()).as("an iterator of " + series.labels() + " read on its own thread beside three others").isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
